/**
 * The online stage of the causal prior: a bank of fixed predictors, and a
 * small learner (the "stack") that learns, as coding proceeds, how much of
 * each one's difference from the fitted prediction to add. Two learners:
 * normalised LMS (O(k) per sample) and recursive least squares (O(k²)).
 *
 * Determinism: both run in IEEE-754 binary64 with only +, −, ·, ÷ in the
 * fixed order written here. ECMAScript defines each of these operations as
 * correctly rounded (roundTiesToEven) and allows no contraction into fused
 * multiply-adds, so every conforming engine computes bit-identical results;
 * no Math.exp/log/pow/sqrt is used. The result reaches the coder only through
 * Math.floor to an integer (1/16 units). The causal models' canary
 * (codec/causal-canary.ts) re-checks this on every engine before coding.
 */

/** How the stack learns: not at all (off), normalised LMS, or RLS. */
export type StackMode = 'off' | 'nlms' | 'rls';

/** Fixed predictors in the bank. */
export const BANK = 8;
/** Inputs of the stack of plane c: bank differences, earlier planes' errors at the pixel, and a constant. */
export function stackInputs(c: number): number {
  return BANK + c + 1;
}
/** Stack classes per plane (by error-energy bucket). */
export const STACK_CLASSES = 4;

/** Stack class of an error-energy bucket. */
export function stackClass(bucket: number): number {
  const s = (bucket - 3) >> 2;
  return s < 0 ? 0 : s >= STACK_CLASSES ? STACK_CLASSES - 1 : s;
}

/** NLMS step size. */
const NLMS_RATE = 0.01;
/** RLS forgetting factor. */
const LAMBDA = 0.9995;
const INV_LAMBDA = 1 / LAMBDA;
/** RLS initial P = P0·I (prior strength 1/P0 on weights that start at 0). */
export const RLS_P0 = 0.002;
/** RLS: P is halved when its trace exceeds this (keeps it bounded where inputs carry no information). */
const TRACE_CAP = 0.2;

/** wᵀu over k weights at w[o..]. */
export function stackPredict(w: Float64Array, o: number, u: Float64Array, k: number): number {
  let y = 0;
  for (let i = 0; i < k; i++) y += w[o + i] * u[i];
  return y;
}

/**
 * wᵀu over the k weights at w[o..] (as stackPredict), and 1 + Σu² (what
 * nlmsUpdate divides by) into norm[0], both summed in order i = 0, 1, ….
 */
export function nlmsPredict(w: Float64Array, o: number, u: Float64Array, k: number, norm: Float64Array): number {
  let y = 0,
    nn = 1;
  for (let i = 0; i < k; i++) {
    const x = u[i];
    y += w[o + i] * x;
    nn += x * x;
  }
  norm[0] = nn;
  return y;
}

/** One NLMS step of the k weights at w[o..] with input u, nn = 1 + Σu² (nlmsPredict) and error err = target − wᵀu. */
export function nlmsUpdate(w: Float64Array, o: number, u: Float64Array, k: number, err: number, nn: number): void {
  const g = (NLMS_RATE * err) / nn;
  for (let i = 0; i < k; i++) w[o + i] += g * u[i];
}

/**
 * One RLS step of the k weights at w[ow..] and the k×k matrix at P[op..]
 * (symmetric; both triangles kept) with input u and error err = target − wᵀu;
 * pu is k scratch values.
 */
export function rlsUpdate(w: Float64Array, ow: number, P: Float64Array, op: number, u: Float64Array, k: number, err: number, pu: Float64Array): void {
  let den = LAMBDA;
  for (let i = 0; i < k; i++) {
    let a = 0;
    const r = op + i * k;
    for (let j = 0; j < k; j++) a += P[r + j] * u[j];
    pu[i] = a;
    den += u[i] * a;
  }
  const g = err / den;
  for (let i = 0; i < k; i++) w[ow + i] += pu[i] * g;
  // P = (P − pu·puᵀ/den) / λ, computed on the upper triangle and mirrored (pu = P u keeps it symmetric).
  let tr = 0;
  for (let i = 0; i < k; i++) {
    const pi = pu[i] / den;
    const r = op + i * k;
    for (let j = i; j < k; j++) {
      const v = (P[r + j] - pi * pu[j]) * INV_LAMBDA;
      P[r + j] = v;
      P[op + j * k + i] = v;
    }
    tr += P[r + i];
  }
  if (tr > TRACE_CAP) for (let i = 0; i < k * k; i++) P[op + i] *= 0.5;
}

/**
 * Fills u[0..BANK−1] with the bank's predictions minus `base` (pixel units):
 * MED, CALIC's GAP, (W+N)/2 + (NE−NW)/4, W + NE − N, N, W, and two of JPEG
 * XL's self-correcting sub-predictors (from the neighbours' final errors eW,
 * eN, eNW, eNE in 1/16 units). Returns their spread Σ|u[j]|, summed in
 * order j = 0, 1, … from +0 (so a −0 term changes nothing)
 */
export function bank(W: number, N: number, NW: number, NE: number, WW: number, NN: number, NNE: number, eW: number, eN: number, eNW: number, eNE: number, base: number, u: Float64Array): number {
  const mx = W > N ? W : N,
    mn = W > N ? N : W;
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
  const u0 = med - base,
    u1 = gap - base,
    u2 = avg - base,
    u3 = W + NE - N - base,
    u4 = N - base,
    u5 = W - base,
    u6 = N - (eW + eN + eNE) * 0.03125 - base,
    u7 = W - (eW + eN + eNW) * 0.01953125 - base;
  u[0] = u0;
  u[1] = u1;
  u[2] = u2;
  u[3] = u3;
  u[4] = u4;
  u[5] = u5;
  u[6] = u6;
  u[7] = u7;
  let spread = 0;
  spread += Math.abs(u0);
  spread += Math.abs(u1);
  spread += Math.abs(u2);
  spread += Math.abs(u3);
  spread += Math.abs(u4);
  spread += Math.abs(u5);
  spread += Math.abs(u6);
  spread += Math.abs(u7);
  return spread;
}
