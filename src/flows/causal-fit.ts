/**
 * The encoder's fit of the causal coupling's predictors to one image: per
 * plane, class thresholds at quantiles of the class activity and one
 * least-squares linear predictor per class over the causal features
 * (causal-context.ts), quantised to integer weights. Only the encoder runs
 * it; its output travels in the stream, so it may use any floating-point
 * arithmetic (nothing here decides a symbol on the decoder's side).
 */
import { featureCount, gatherFeatures, neighbourDeltas, neighbourIndices } from './causal-context.js';
import { MAX_CLASSES, WEIGHT_FRAC, WEIGHT_LIMIT, type CausalParams } from './causal-kernel.js';

/** A tile of planes as the coder sees it. */
export interface FitTile {
  planes: Int32Array[];
  w: number;
  h: number;
}

/** Samples per plane the fit looks at, at most (larger images are subsampled by rows). */
const FIT_SAMPLES = 1 << 19;
/** Samples per class wanted: fewer classes on small images (their side information would not pay). */
const SAMPLES_PER_CLASS = 6000;
/** Ridge added to the normal equations, relative to their mean diagonal. */
const RIDGE = 1e-6;

/** Visits every fitted sample (rows subsampled by `rowStep`) with its features and activity. */
function visit(tiles: FitTile[], mids: number[], c: number, rowStep: number, fn: (f: Int32Array, act: number, target: number) => void): void {
  const idx = new Int32Array(12);
  const f = new Int32Array(featureCount(c));
  for (const t of tiles) {
    const deltas = neighbourDeltas(t.w);
    for (let y = 0; y < t.h; y += rowStep) {
      for (let x = 0; x < t.w; x++) {
        const i = y * t.w + x;
        neighbourIndices(x, y, t.w, deltas, idx);
        fn(f, gatherFeatures(t.planes, mids, c, i, idx, f), t.planes[c][i]);
      }
    }
  }
}

/** Solves (A + ridge) w = b for a symmetric positive semi-definite A (n×n, row-major) by Cholesky; null when singular. */
function solve(A: Float64Array, b: Float64Array, n: number): Float64Array | null {
  let tr = 0;
  for (let i = 0; i < n; i++) tr += A[i * n + i];
  const ridge = (tr / n) * RIDGE + 1e-9;
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j] + (i === j ? ridge : 0);
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * z[k];
    z[i] = s / L[i * n + i];
  }
  const w = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * w[k];
    w[i] = s / L[i * n + i];
  }
  return w;
}

/**
 * Fits the predictors of every plane to the image given as tiles (the same
 * tiles, planes and border rules the coder uses). `mids` as in runCausal.
 */
export function fitCausal(tiles: FitTile[], mids: number[], maxClasses = MAX_CLASSES): CausalParams {
  const nch = tiles[0].planes.length;
  let samples = 0;
  for (const t of tiles) samples += t.w * t.h;
  const rowStep = Math.max(1, Math.ceil(samples / FIT_SAMPLES));
  const fitted = Math.ceil(samples / rowStep);
  const K = Math.max(1, Math.min(maxClasses, MAX_CLASSES, Math.floor(fitted / SAMPLES_PER_CLASS)));
  const planes = [];
  for (let c = 0; c < nch; c++) {
    // Class thresholds: quantiles of the activity.
    const acts: number[] = [];
    visit(tiles, mids, c, rowStep, (_f, act) => acts.push(act));
    acts.sort((a, b) => a - b);
    const thresholds = new Int32Array(K - 1);
    for (let k = 1; k < K; k++) thresholds[k - 1] = acts[Math.floor((k * acts.length) / K)];
    for (let k = 1; k < thresholds.length; k++) if (thresholds[k] < thresholds[k - 1]) thresholds[k] = thresholds[k - 1];
    // Least squares per class.
    const nf = featureCount(c);
    const A = Array.from({ length: K }, () => new Float64Array(nf * nf));
    const B = Array.from({ length: K }, () => new Float64Array(nf));
    visit(tiles, mids, c, rowStep, (f, act, target) => {
      let k = 0;
      while (k < thresholds.length && act >= thresholds[k]) k++;
      const a = A[k], b = B[k];
      for (let i = 0; i < nf; i++) {
        const fi = f[i];
        b[i] += fi * target;
        const row = i * nf;
        for (let j = 0; j <= i; j++) a[row + j] += fi * f[j];
      }
    });
    const weights = new Int32Array(K * nf);
    for (let k = 0; k < K; k++) {
      const a = A[k];
      for (let i = 0; i < nf; i++) for (let j = 0; j < i; j++) a[j * nf + i] = a[i * nf + j];
      // A class the fit cannot solve (too few samples) predicts W.
      const wk = solve(a, B[k], nf) ?? Float64Array.from({ length: nf }, (_, i) => (i === 0 ? 1 : 0));
      for (let i = 0; i < nf; i++) {
        const q = Math.round(wk[i] * (1 << WEIGHT_FRAC));
        weights[k * nf + i] = Math.max(-WEIGHT_LIMIT, Math.min(WEIGHT_LIMIT, Number.isFinite(q) ? q : 0));
      }
    }
    planes.push({ thresholds, weights });
  }
  return { planes };
}
