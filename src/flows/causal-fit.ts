/**
 * The encoder's fit of the causal coupling's predictors to one image: per
 * plane, class thresholds at quantiles of the class activity and one
 * least-squares linear predictor per class over the causal features
 * (causal-context.ts), quantised to integer weights. Only the encoder runs
 * it; its output travels in the stream, so it may use any floating-point
 * arithmetic (nothing here decides a symbol on the decoder's side).
 *
 * Three steps, so that the heavy middle one runs tile by tile on the worker
 * pool: `fitPlan` (class count and thresholds, from a subsample), then
 * `accumulateTile` per tile (normal equations per plane and class), then
 * `solveFit` on the per-tile sums added in tile order (so the result does not
 * depend on how many threads ran).
 */
import { activityAt, CROSS_PER_PLANE, featureCount, NEIGHBOURS, neighbourOffsets, neighbourSteps, SAME_PLANE, withSentinel } from './causal-context.js';
import { MAX_CLASSES, WEIGHT_FRAC, WEIGHT_LIMIT, type CausalParams } from './causal-kernel.js';

/**
 * A tile as the coder sees it: w × h pixels of nch planes, interleaved (plane c of pixel i at i·nch + c).
 * Only the rows the fit reads (fitRowMask) need hold the tile's values. `values` may already end with
 * the sentinel pixel (withSentinel): then it holds (w·h + 1)·nch values.
 */
export interface FitTile {
  values: Int32Array;
  nch: number;
  w: number;
  h: number;
}

/** Rows above a pixel that its causal features read (same-plane neighbours; earlier planes read the row above). */
const REACH = Math.max(1, ...NEIGHBOURS.map(([, dy]) => -dy));

/**
 * The rows of an h-row tile that the fit reads with any of the row `steps`
 * (1 = read): every step-th row from the tile's top and the REACH rows above each.
 */
export function fitRowMask(h: number, steps: readonly number[]): Uint8Array {
  const mask = new Uint8Array(h);
  for (const step of steps) {
    for (let y = 0; y < h; y += step) for (let r = Math.max(0, y - REACH); r <= y; r++) mask[r] = 1;
  }
  return mask;
}

/** What the fit decides before accumulating: classes per plane and their thresholds, and the row subsampling. */
export interface FitPlan {
  /** Thresholds per plane (K − 1 each). */
  thresholds: Int32Array[];
  /** Every rowStep-th row of each tile is accumulated. */
  rowStep: number;
  /** The channel palettes the samples are coded through (CausalParams.values), carried to the workers with the plan. */
  values?: Array<Uint8Array | null>;
}

/** Samples per plane the least squares look at, at most (larger images are subsampled by rows). */
const FIT_SAMPLES = 1 << 16;
/** Samples per plane the class thresholds are taken from, at most. */
const THRESHOLD_SAMPLES = 1 << 14;
/** Samples per class wanted: fewer classes on small images (their side information would not pay). */
const SAMPLES_PER_CLASS = 6000;
/** Ridge added to the normal equations, relative to their mean diagonal. */
const RIDGE = 1e-6;

/**
 * The row steps of the fit of an image of `samples` pixels per plane:
 * [accumulation, thresholds]. Only every step-th row of each tile, counted
 * from the tile's top, is read (with its causal neighbours) for each.
 */
export function fitRowSteps(samples: number): [number, number] {
  return [Math.max(1, Math.ceil(samples / FIT_SAMPLES)), Math.max(1, Math.ceil(samples / THRESHOLD_SAMPLES))];
}

/**
 * Calls fn(i, off) for every pixel of every rowStep-th row of a tile, with
 * its neighbour offsets into `vals` (the tile's values with the sentinel
 * pixel of `mids` appended, which it returns).
 */
function eachPixel(t: FitTile, mids: Int32Array, rowStep: number, fn: (vals: Int32Array, i: number, off: Int32Array) => void): void {
  const off = new Int32Array(SAME_PLANE);
  const steps = neighbourSteps(t.w, t.nch);
  const vals = t.values.length > t.w * t.h * t.nch ? t.values : withSentinel(t.values, t.w * t.h, t.nch, mids);
  for (let y = 0; y < t.h; y += rowStep) {
    for (let x = 0; x < t.w; x++) {
      neighbourOffsets(x, y, t.w, t.h, t.nch, steps, off);
      fn(vals, y * t.w + x, off);
    }
  }
}

/**
 * Class count and thresholds (quantiles of the activity, from a row
 * subsample) for a `maxClasses` model, over `count` tiles of `samples` pixels
 * in all; tile(j) builds tile j when asked (one at a time, so memory follows a tile).
 */
export function fitPlan(count: number, samples: number, tile: (j: number) => FitTile, nch: number, mids: Int32Array, maxClasses = MAX_CLASSES): FitPlan {
  const [rowStep, thStep] = fitRowSteps(samples);
  const K = Math.max(1, Math.min(maxClasses, MAX_CLASSES, Math.floor(samples / rowStep / SAMPLES_PER_CLASS)));
  // A histogram of each plane's activity (an integer in [0, 10·MAX_SAMPLE]): its quantiles are those of the sorted samples.
  const hist = Array.from({ length: nch }, () => new Int32Array(10 * MAX_SAMPLE + 1));
  for (let j = 0; j < count; j++) {
    const t = tile(j);
    checkSamples(t.values);
    eachPixel(t, mids, thStep, (vals, i, nb) => {
      for (let c = 0; c < nch; c++) hist[c][activityAt(vals, nch, c, nb)]++;
    });
  }
  const thresholds: Int32Array[] = [];
  for (let c = 0; c < nch; c++) {
    const h = hist[c];
    let n = 0;
    for (let a = 0; a < h.length; a++) n += h[a];
    // th[k − 1] = sorted[⌊k·n/K⌋]: the least activity a with more than ⌊k·n/K⌋ samples at or below it.
    const th = new Int32Array(K - 1);
    for (let k = 1, a = 0, below = h[0]; k < K; k++) {
      const rank = Math.floor((k * n) / K);
      while (below <= rank) below += h[++a];
      th[k - 1] = a;
    }
    thresholds.push(th);
  }
  return { thresholds, rowStep };
}

/** Doubles per plane c in a tile's sums: per class, the lower triangle of XᵀX (nf·nf, row-major) and Xᵀy (nf). */
function planeSumSize(c: number, K: number): number {
  const nf = featureCount(c);
  return K * (nf * nf + nf);
}

/** Samples per class gathered before they are added to the class's Gram matrix (the twin's too: wasm/causal-tile.ts). */
export const FIT_CHUNK = 128;
const CHUNK = FIT_CHUNK;
/** Largest |sample| the fit takes (8-bit samples after YCoCg-R: at most 255), so that a chunk's sums fit in int32. */
const MAX_SAMPLE = 511;

/** RangeError unless every sample is within ±MAX_SAMPLE (what the fit's integer sums and activity histogram assume). */
function checkSamples(values: Int32Array): void {
  for (let j = 0; j < values.length; j++) if (values[j] < -MAX_SAMPLE || values[j] > MAX_SAMPLE) throw new RangeError(`causal fit: sample ${values[j]} is beyond ±${MAX_SAMPLE}`);
}

/** The normal equations of one tile, per plane and class (planes one after the other). */
export function accumulateTile(t: FitTile, mids: Int32Array, plan: FitPlan): Float64Array {
  const vals = fitValues(t, mids, plan);
  // Per plane and class: the Gram matrix of its samples' features and target (column nf), and a chunk of
  // CHUNK samples stored column by column (column nf + 1 stays zero), added to the matrix when full.
  // Features and targets are integers of at most MAX_SAMPLE in magnitude, so a chunk's sums stay below 2^25
  // (exact in int32) and the matrix's, over at most 2^16 pixels, below 2^34 (exact in binary64),
  // whatever the order: the loops may block for speed. One pass over the pixels serves every plane.
  const nch = t.nch;
  const planes = Array.from({ length: nch }, (_, c) => {
    const nf = featureCount(c),
      K = plan.thresholds[c].length + 1,
      gs = nf + 2;
    return {
      nf,
      th: plan.thresholds[c],
      grams: Array.from({ length: K }, () => new Float64Array(gs * gs)),
      chunks: Array.from({ length: K }, () => new Int32Array(gs * CHUNK)),
      filled: new Int32Array(K),
    };
  });
  const nb = new Int32Array(SAME_PLANE);
  const steps = neighbourSteps(t.w, nch);
  for (let y = 0; y < t.h; y += plan.rowStep) {
    for (let x = 0; x < t.w; x++) {
      neighbourOffsets(x, y, t.w, t.h, nch, steps, nb);
      const i = y * t.w + x;
      for (let c = 0; c < nch; c++) {
        const { nf, th, grams, chunks, filled } = planes[c];
        const act = activityAt(vals, nch, c, nb);
        let k = 0;
        while (k < th.length && act >= th[k]) k++;
        const chunk = chunks[k],
          j = filled[k];
        // The features of gatherFeatures, in its order, straight into column j of the chunk; then the target.
        for (let a = 0; a < SAME_PLANE; a++) chunk[a * CHUNK + j] = vals[nb[a] + c];
        let a = SAME_PLANE;
        const at = i * nch,
          oW = nb[0],
          oN = nb[1];
        for (let p = 0; p < c; p++, a += CROSS_PER_PLANE) {
          chunk[a * CHUNK + j] = vals[at + p];
          chunk[(a + 1) * CHUNK + j] = vals[oW + p];
          chunk[(a + 2) * CHUNK + j] = vals[oN + p];
        }
        chunk[a * CHUNK + j] = 1;
        chunk[nf * CHUNK + j] = vals[at + c];
        if (j + 1 === CHUNK) {
          addGram(chunk, CHUNK, CHUNK, nf + 1, grams[k]);
          filled[k] = 0;
        } else filled[k] = j + 1;
      }
    }
  }
  for (const { nf, grams, chunks, filled } of planes) for (let k = 0; k < grams.length; k++) if (filled[k]) addGram(chunks[k], filled[k], CHUNK, nf + 1, grams[k]);
  return sumsOfGrams(nch, plan, (c, k) => planes[c].grams[k]);
}

/**
 * A tile's values as the fit reads them, with the sentinel pixel (the planes' `mids`) after them;
 * RangeError unless every sample the fit reads (the rows of fitRowMask) is within ±MAX_SAMPLE (the
 * others are never read).
 */
export function fitValues(t: FitTile, mids: Int32Array, plan: FitPlan): Int32Array {
  const mask = fitRowMask(t.h, [plan.rowStep]),
    rowLen = t.w * t.nch;
  for (let y = 0; y < t.h; y++) {
    if (!mask[y]) continue;
    for (let j = y * rowLen; j < (y + 1) * rowLen; j++) if (t.values[j] < -MAX_SAMPLE || t.values[j] > MAX_SAMPLE) throw new RangeError(`causal fit: sample ${t.values[j]} is beyond ±${MAX_SAMPLE}`);
  }
  return t.values.length > t.w * t.h * t.nch ? t.values : withSentinel(t.values, t.w * t.h, t.nch, mids);
}

/**
 * A tile's sums (accumulateTile's result) from its Gram matrices: `gram(c, k)` is plane c's, class k's
 * ((nf + 2)² doubles, row-major: features, then the target, then a zero column; lower triangle filled).
 */
export function sumsOfGrams(nch: number, plan: FitPlan, gram: (c: number, k: number) => Float64Array): Float64Array {
  let size = 0;
  for (let c = 0; c < nch; c++) size += planeSumSize(c, plan.thresholds[c].length + 1);
  const sums = new Float64Array(size);
  let off = 0;
  for (let c = 0; c < nch; c++) {
    const nf = featureCount(c),
      K = plan.thresholds[c].length + 1,
      stride = nf * nf + nf,
      gs = nf + 2;
    for (let k = 0; k < K; k++) {
      const g = gram(c, k),
        o = off + k * stride;
      for (let a = 0; a < nf; a++) {
        for (let b = 0; b <= a; b++) sums[o + a * nf + b] = g[a * gs + b];
        sums[o + nf * nf + a] = g[nf * gs + a];
      }
    }
    off += K * stride;
  }
  return sums;
}

/**
 * Adds the Gram matrix of the first m samples of `cols` columns of `col`
 * (column a at a·step, then one more column of zeros) to g ((cols + 1)²,
 * row-major): g[a·(cols+1) + b] += Σ_s col[a][s]·col[b][s] for b ≤ a < cols
 * (and a few entries above the diagonal). Each sum must fit in int32 (the
 * caller's bound); blocked two by two (four independent sums).
 */
function addGram(col: Int32Array, m: number, step: number, cols: number, g: Float64Array): void {
  const gs = cols + 1;
  for (let a = 0; a < cols; a += 2) {
    const ca = a * step,
      ca1 = ca + step;
    for (let b = 0; b <= a; b += 2) {
      const cb = b * step,
        cb1 = cb + step;
      let s00 = 0,
        s01 = 0,
        s10 = 0,
        s11 = 0;
      for (let s = 0; s < m; s++) {
        const xa = col[ca + s],
          xa1 = col[ca1 + s],
          xb = col[cb + s],
          xb1 = col[cb1 + s];
        s00 = (s00 + Math.imul(xa, xb)) | 0;
        s01 = (s01 + Math.imul(xa, xb1)) | 0;
        s10 = (s10 + Math.imul(xa1, xb)) | 0;
        s11 = (s11 + Math.imul(xa1, xb1)) | 0;
      }
      g[a * gs + b] += s00;
      g[a * gs + b + 1] += s01;
      g[(a + 1) * gs + b] += s10;
      g[(a + 1) * gs + b + 1] += s11;
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

/** The quantised predictors from the tiles' sums (added up in tile order by the caller). */
export function solveFit(sums: Float64Array, plan: FitPlan): CausalParams {
  const planes = [];
  let off = 0;
  for (let c = 0; c < plan.thresholds.length; c++) {
    const nf = featureCount(c),
      K = plan.thresholds[c].length + 1,
      stride = nf * nf + nf;
    const weights = new Int32Array(K * nf);
    for (let k = 0; k < K; k++) {
      const o = off + k * stride;
      const a = sums.slice(o, o + nf * nf);
      for (let i = 0; i < nf; i++) for (let j = 0; j < i; j++) a[j * nf + i] = a[i * nf + j];
      // A class the fit cannot solve (too few samples) predicts W.
      const wk = solve(a, sums.subarray(o + nf * nf, o + stride), nf) ?? Float64Array.from({ length: nf }, (_, i) => (i === 0 ? 1 : 0));
      for (let i = 0; i < nf; i++) {
        const q = Math.round(wk[i] * (1 << WEIGHT_FRAC));
        weights[k * nf + i] = Math.max(-WEIGHT_LIMIT, Math.min(WEIGHT_LIMIT, Number.isFinite(q) ? q : 0));
      }
    }
    planes.push({ thresholds: plan.thresholds[c], weights });
    off += K * stride;
  }
  return { planes, values: plan.values };
}

/** The whole fit in this thread: plan, accumulate every tile, solve. */
export function fitCausal(tiles: FitTile[], midValues: ArrayLike<number>, maxClasses = MAX_CLASSES): CausalParams {
  const mids = Int32Array.from(midValues);
  let samples = 0;
  for (const t of tiles) samples += t.w * t.h;
  const plan = fitPlan(tiles.length, samples, (j) => tiles[j], tiles[0].nch, mids, maxClasses);
  let sums: Float64Array | null = null;
  for (const t of tiles) {
    const s = accumulateTile(t, mids, plan);
    if (!sums) sums = s;
    else for (let i = 0; i < s.length; i++) sums[i] += s[i];
  }
  return solveFit(sums!, plan);
}
