/**
 * Counting a count-context model (src/flows/count-context.ts) from images:
 * shared by the training script (train/count-context.ts) and the training
 * curve (bench/count-curve.ts). Pure functions; deterministic.
 */
import { contextsOf, CountCdfCache, freqOf, LEVEL_SIZES, levelContexts, levelFromDense, COUNT_PROB_BITS, type CountLevel } from '../src/flows/count-context.js';
import { encodeCountTile } from '../src/codec/count-coder.js';
import type { Img } from './data.js';

/** Dense counts of every level over `images` (one Float64Array of contexts × 256 per level). */
export function countImages(images: readonly Img[]): Float64Array[] {
  const dense = LEVEL_SIZES.map((n) => new Float64Array(n * 256));
  const lc = new Int32Array(4);
  for (const im of images) {
    const ctx = contextsOf(im.samples, im.width, im.height);
    for (let i = 0; i < ctx.length; i++) {
      levelContexts(ctx[i], lc);
      const s = im.samples[i];
      for (let k = 0; k < 4; k++) dense[k][lc[k] * 256 + s]++;
    }
  }
  return dense;
}

/**
 * Scales each row whose total is over `cap` (> 0) down to about `cap`
 * (every count ⌊c · cap / total + 1/2⌋, at least 1 where it was ≥ 1): smaller
 * tables for a slightly larger weight of the coarser levels. 0: unchanged.
 */
export function capRows(dense: Float64Array, contexts: number, cap: number): Float64Array {
  if (cap <= 0) return dense;
  const out = dense.slice();
  for (let c = 0; c < contexts; c++) {
    let t = 0;
    for (let s = 0; s < 256; s++) t += dense[c * 256 + s];
    if (t <= cap) continue;
    for (let s = 0; s < 256; s++) {
      const v = dense[c * 256 + s];
      out[c * 256 + s] = v === 0 ? 0 : Math.max(1, Math.floor((v * cap) / t + 0.5));
    }
  }
  return out;
}

/** Options that turn dense counts into a model's levels (train/count-context.ts flags of the same names). */
export interface LevelOptions {
  /** Rows of more samples are scaled down to about this many (0: not). */
  cap: number;
  /** Finest-level rows with fewer samples are dropped. */
  minTotal: number;
  /** Leave the position level empty (`--no-position-root`). */
  noPositionRoot: boolean;
}

/** The levels of a model from dense counts ({@link countImages}). */
export function levelsOf(dense: readonly Float64Array[], options: LevelOptions): CountLevel[] {
  const levels = dense.map((d, k) => levelFromDense(capRows(d, LEVEL_SIZES[k], options.cap), LEVEL_SIZES[k], k === 3 ? options.minTotal : 1));
  // The position level left empty: a context without a finest-level row shares the (MED, activity)
  // distribution (2,560 tables instead of up to 125,440: faster coding).
  if (options.noPositionRoot) levels[0] = levelFromDense(new Float64Array(LEVEL_SIZES[0] * 256), LEVEL_SIZES[0]);
  return levels;
}

/** Mean bits per pixel of `images`: exact code lengths of the quantised model, and the real tile streams (bytes × 8). */
export function measureCounts(images: readonly Img[], cdfs: CountCdfCache): { model: number; stream: number } {
  let bits = 0,
    bytes = 0,
    pixels = 0;
  for (const im of images) {
    const ctx = contextsOf(im.samples, im.width, im.height);
    for (let i = 0; i < ctx.length; i++) bits += COUNT_PROB_BITS - Math.log2(freqOf(cdfs.starts(ctx[i]), im.samples[i]));
    bytes += encodeCountTile(im.samples, im.width, im.height, cdfs).length;
    pixels += ctx.length;
  }
  return { model: bits / pixels, stream: (bytes * 8) / pixels };
}
