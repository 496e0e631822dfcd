/**
 * The online stage of the causal prior: a bank of fixed predictors and a
 * small recursive-least-squares "stack" that learns, as coding proceeds, how
 * much of each one's difference from the fitted prediction to add.
 *
 * Determinism: the stack runs in IEEE-754 binary64 with only +, −, ·, ÷ in
 * the fixed order written here. ECMAScript defines each of these operations
 * as correctly rounded (roundTiesToEven) and allows no contraction into fused
 * multiply-adds, so every conforming engine computes bit-identical results;
 * no Math.exp/log/pow/sqrt is used. The result reaches the coder only after
 * Math.floor to an integer (1/16 units). The causal models' canary
 * (codec/causal-canary.ts) re-checks this on every engine before coding.
 */

/** Inputs of the stack of plane c: bank differences, earlier planes' errors at the pixel, and a constant. */
export function stackInputs(c: number): number {
  return BANK + c + 1;
}
/** Fixed predictors in the bank. */
export const BANK = 8;
/** Stack classes per plane (by error-energy bucket). */
export const STACK_CLASSES = 4;
/** Forgetting factor of the stack. */
const LAMBDA = 0.9995;
const INV_LAMBDA = 1 / LAMBDA;
/** Initial P = P0·I (prior strength 1/P0 on weights that start at 0). */
const P0 = 0.002;
/** P is halved when its trace exceeds this (keeps it bounded where inputs carry no information). */
const TRACE_CAP = 0.2;

/** Stack class of an error-energy bucket. */
export function stackClass(bucket: number): number {
  const s = (bucket - 3) >> 2;
  return s < 0 ? 0 : s >= STACK_CLASSES ? STACK_CLASSES - 1 : s;
}

/** RLS state of every (plane, class): weights and P, allocated for k inputs each. */
export class Stack {
  readonly w: Float64Array;
  readonly P: Float64Array;
  private readonly pu: Float64Array;
  constructor(readonly k: number, classes: number) {
    this.w = new Float64Array(k * classes);
    this.P = new Float64Array(k * k * classes);
    this.pu = new Float64Array(k);
    for (let s = 0; s < classes; s++) for (let i = 0; i < k; i++) this.P[s * k * k + i * k + i] = P0;
  }

  /** wᵀu for class s. */
  predict(s: number, u: Float64Array): number {
    const k = this.k, w = this.w, o = s * k;
    let y = 0;
    for (let i = 0; i < k; i++) y += w[o + i] * u[i];
    return y;
  }

  /** One RLS step of class s towards target t (err = t − wᵀu as predicted). */
  update(s: number, u: Float64Array, err: number): void {
    const k = this.k, P = this.P, w = this.w, pu = this.pu, o = s * k * k, ow = s * k;
    let den = LAMBDA;
    for (let i = 0; i < k; i++) {
      let a = 0;
      for (let j = 0; j < k; j++) a += P[o + i * k + j] * u[j];
      pu[i] = a;
      den += u[i] * a;
    }
    const g = err / den;
    for (let i = 0; i < k; i++) w[ow + i] += pu[i] * g;
    // P = (P − pu·puᵀ/den) / λ (P stays symmetric: pu = P u).
    let tr = 0;
    for (let i = 0; i < k; i++) {
      const pi = pu[i] / den;
      for (let j = 0; j < k; j++) {
        const at = o + i * k + j;
        P[at] = (P[at] - pi * pu[j]) * INV_LAMBDA;
      }
      tr += P[o + i * k + i];
    }
    if (tr > TRACE_CAP) for (let i = 0; i < k * k; i++) P[o + i] *= 0.5;
  }
}

/**
 * Fills u[0..BANK−1] with the bank's predictions minus `base` (pixel units):
 * MED, CALIC's GAP, (W+N)/2 + (NE−NW)/4, W + NE − N, N, W, and two of JPEG
 * XL's self-correcting sub-predictors (from the neighbours' final errors eW,
 * eN, eNW, eNE in 1/16 units). f holds W, N, NW, NE, WW, NN, NNW, NNE first.
 */
export function bank(f: Int32Array, eW: number, eN: number, eNW: number, eNE: number, base: number, u: Float64Array): void {
  const W = f[0], N = f[1], NW = f[2], NE = f[3], WW = f[4], NN = f[5], NNE = f[7];
  const mx = W > N ? W : N, mn = W > N ? N : W;
  const med = NW >= mx ? mn : NW <= mn ? mx : W + N - NW;
  const avg = (2 * W + 2 * N + NE - NW) * 0.25;
  const dh = Math.abs(W - WW) + Math.abs(N - NW) + Math.abs(NE - N);
  const dv = Math.abs(W - NW) + Math.abs(N - NN) + Math.abs(NE - NNE);
  const d = dv - dh;
  let gap: number;
  if (d > 80) gap = W;
  else if (d < -80) gap = N;
  else if (d > 32) gap = (avg + W) * 0.5;
  else if (d > 8) gap = (3 * avg + W) * 0.25;
  else if (d < -32) gap = (avg + N) * 0.5;
  else if (d < -8) gap = (3 * avg + N) * 0.25;
  else gap = avg;
  u[0] = med - base;
  u[1] = gap - base;
  u[2] = avg - base;
  u[3] = W + NE - N - base;
  u[4] = N - base;
  u[5] = W - base;
  u[6] = N - (eW + eN + eNE) * 0.03125 - base;
  u[7] = W - (eW + eN + eNW) * 0.01953125 - base;
}
