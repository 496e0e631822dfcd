/**
 * Tile streams of a causal model (format version 5): the autoregressive
 * coupling of flows/causal-kernel.ts drives rANS with the leaky logistic CDF
 * of quant/logistic-cdf.ts (K = 1, window μ ± 12 s, escape inside the model).
 *
 *   parameters (once per image and plane group, before the tiles):
 *     channel palettes (channel-palette.ts): a flags byte and a bitmap per flagged channel;
 *     per plane: varint K, K − 1 varint threshold increments,
 *                K · featureCount(c) zigzag-varint weights
 *   tile stream: a byte-renormalising rANS stream started at state 1
 *     (ans/rans-byte.ts), samples in the kernel's decode order.
 */
import { ByteRansDecoder, ByteRansEncoder } from '../ans/index.js';
import { featureCount } from '../flows/causal-context.js';
import { CausalKernel, MAX_CLASSES, WEIGHT_LIMIT, type CausalParams } from '../flows/causal-kernel.js';
import type { StackMode } from '../flows/causal-stack.js';
import { accumulateTile, fitPlan, fitRowMask, fitRowSteps, solveFit, type FitPlan } from '../flows/causal-fit.js';
import { fromPlanes, planeRanges, toPlanes } from '../flows/ycocg.js';
import { LeakyMixtureCdf } from '../quant/logistic-cdf.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { chooseChannelValues, fromIndices, readChannelValues, toIndices, writeChannelValues, type ChannelValues } from './channel-palette.js';
import { FlowzipError, SAMPLE_OUT_OF_RANGE, tileStreamError } from './errors.js';
import { accumulateFitTwin, decodeTileTwin, encodeTileTwin } from './causal-tile-wasm.js';
import { int32Array, type TileScratch } from '../flows/tile-scratch.js';

const zigzag = (v: number) => (v < 0 ? -2 * v - 1 : 2 * v);
const unzigzag = (u: number) => (u % 2 ? -(u + 1) / 2 : u / 2);

/** Serialises fitted parameters (see the header). */
export function writeCausalParams(p: CausalParams, w: ByteWriter): void {
  writeChannelValues(p.values ?? p.planes.map(() => null), w);
  for (const plane of p.planes) {
    w.varint(plane.thresholds.length + 1);
    let prev = 0;
    for (const t of plane.thresholds) {
      w.varint(t - prev);
      prev = t;
    }
    for (const x of plane.weights) w.varint(zigzag(x));
  }
}

/** Parses the parameters of a `count`-channel plane group; E_CORRUPT when out of range. */
export function readCausalParams(r: ByteReader, count: 1 | 3): CausalParams {
  const values = readChannelValues(r, count);
  const planes = [];
  for (let c = 0; c < count; c++) {
    const K = r.varint();
    if (K < 1 || K > MAX_CLASSES) throw new FlowzipError('E_CORRUPT', 'stream has corrupt causal parameters (class count)');
    const thresholds = new Int32Array(K - 1);
    let prev = 0;
    for (let k = 0; k < K - 1; k++) {
      prev += r.varint();
      if (prev > 1 << 20) throw new FlowzipError('E_CORRUPT', 'stream has corrupt causal parameters (threshold)');
      thresholds[k] = prev;
    }
    const weights = new Int32Array(K * featureCount(c));
    for (let j = 0; j < weights.length; j++) {
      const v = unzigzag(r.varint());
      if (Math.abs(v) > WEIGHT_LIMIT) throw new FlowzipError('E_CORRUPT', 'stream has corrupt causal parameters (weight)');
      weights[j] = v;
    }
    planes.push({ thresholds, weights });
  }
  return { planes, values };
}

/** Encoder side, step 1 of the fit (flows/causal-fit.ts): the plan for plane group (first, count) of an interleaved image cut into `rects`. */
export function planImageFit(
  samples: Uint8Array,
  width: number,
  channels: number,
  first: number,
  count: 1 | 3,
  rects: ReadonlyArray<{ x: number; y: number; w: number; h: number }>,
  maxClasses: number,
): FitPlan {
  const values = chooseChannelValues(samples, width, channels, first, count);
  return planTilesFit(rects, count, values, maxClasses, (j) => subImage(samples, width, channels, first, count, rects[j]));
}

/**
 * Step 1 from tiles given one at a time, in order: `tileSamples(j)` is tile
 * j's w×h interleaved samples of `count` channels (only the rows the fit
 * reads need be the image's: flows/causal-fit.ts fitRowSteps), `values` the
 * group's channel palettes.
 */
export function planTilesFit(rects: ReadonlyArray<{ w: number; h: number }>, count: 1 | 3, values: ChannelValues, maxClasses: number, tileSamples: (j: number) => Uint8Array): FitPlan {
  let total = 0;
  for (const r of rects) total += r.w * r.h;
  const steps = fitRowSteps(total);
  const tile = (j: number) => {
    const r = rects[j];
    return { values: fitTileValues(tileSamples(j), r.w, r.h, count, values, steps), nch: count, w: r.w, h: r.h };
  };
  return { ...fitPlan(rects.length, total, tile, count, Int32Array.from(planeRanges(count).mids), maxClasses), values };
}

/** Encoder side, step 2: the normal equations of one tile (w×h interleaved samples of `count` channels). */
export function accumulateImageTile(data: Uint8Array, w: number, h: number, count: 1 | 3, plan: FitPlan): Float64Array {
  const tile = { values: fitTileValues(data, w, h, count, plan.values, [plan.rowStep]), nch: count, w, h },
    mids = Int32Array.from(planeRanges(count).mids);
  // The WebAssembly twin (causal-tile-wasm.ts) when there is one: the same integer sums.
  return accumulateFitTwin(tile, mids, plan) ?? accumulateTile(tile, mids, plan);
}

/**
 * The fit's view of a tile (w×h interleaved samples of `count` channels): the coder's values (channel
 * palette indices, YCoCg-R) of the rows the fit reads with row `steps` (flows/causal-fit.ts fitRowMask),
 * zeros in the other rows, then the sentinel pixel (the planes' mids). Each pixel's values are those of
 * the whole tile's conversion: both maps work pixel by pixel.
 */
export function fitTileValues(data: Uint8Array, w: number, h: number, count: 1 | 3, values: ChannelValues | undefined, steps: readonly number[]): Int32Array {
  const mask = fitRowMask(h, steps),
    rowLen = w * count,
    { mids } = planeRanges(count);
  const out = new Int32Array((w * h + 1) * count);
  for (let y = 0; y < h; y++) {
    if (mask[y]) out.set(toPlanes(toIndices(data.subarray(y * rowLen, (y + 1) * rowLen), count, values), w, count), y * rowLen);
  }
  for (let c = 0; c < count; c++) out[w * h * count + c] = mids[c];
  return out;
}

/** Adds the tiles' normal equations in tile order (the order fixes the floating-point result). */
export function sumParts(parts: Float64Array[]): Float64Array {
  const sums = parts[0].slice();
  for (let j = 1; j < parts.length; j++) {
    const p = parts[j];
    for (let i = 0; i < sums.length; i++) sums[i] += p[i];
  }
  return sums;
}

/** The whole encoder-side fit in this thread (what encodeImagePieces computes on the pool, identically). */
export function fitImageParams(
  samples: Uint8Array,
  width: number,
  channels: number,
  first: number,
  count: 1 | 3,
  rects: ReadonlyArray<{ x: number; y: number; w: number; h: number }>,
  maxClasses: number,
): CausalParams {
  const plan = planImageFit(samples, width, channels, first, count, rects, maxClasses);
  return solveFit(sumParts(rects.map((r) => accumulateImageTile(subImage(samples, width, channels, first, count, r), r.w, r.h, count, plan))), plan);
}

/** A fit plan as bytes (for pool workers): varint rowStep, then per plane varint K and its thresholds. */
export function writeFitPlan(plan: FitPlan): Uint8Array {
  const w = new ByteWriter().varint(plan.rowStep);
  for (const th of plan.thresholds) {
    w.varint(th.length);
    for (const t of th) w.varint(t);
  }
  writeChannelValues(plan.values ?? plan.thresholds.map(() => null), w);
  return w.finish();
}

/** Inverse of writeFitPlan for `count` planes. */
export function readFitPlan(bytes: Uint8Array, count: number): FitPlan {
  const r = new ByteReader(bytes);
  const rowStep = r.varint();
  const thresholds = Array.from({ length: count }, () => Int32Array.from({ length: r.varint() }, () => r.varint()));
  return { rowStep, thresholds, values: readChannelValues(r, count) };
}

/** Interleaved samples of plane group (first, count) inside rect r. */
export function subImage(samples: Uint8Array, width: number, channels: number, first: number, count: number, r: { x: number; y: number; w: number; h: number }): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(r.w * r.h * count);
  let k = 0;
  for (let y = 0; y < r.h; y++) {
    for (let x = 0; x < r.w; x++) {
      const at = ((r.y + y) * width + r.x + x) * channels + first;
      for (let c = 0; c < count; c++) out[k++] = samples[at + c];
    }
  }
  return out;
}

/** One CDF and its one-element parameter arrays (K = 1, windowed; no parameter cache: the means are continuous and rarely repeat): the prior of one causal sample. */
export class CausalPrior {
  readonly cdf = new LeakyMixtureCdf(1, null, false);
  private readonly mean = new Int32Array(1);
  private readonly ls = new Int32Array(1);
  set(mean16: number, logScale: number): void {
    this.mean[0] = mean16;
    this.ls[0] = logScale;
    this.cdf.set(this.mean, this.ls, null, 0, 1);
  }
}

/**
 * Codes a w×h tile of `count`-channel interleaved samples with the image's parameters; returns the tile stream. `stack`: the model's CausalSpec.stack;
 * `onKernel` (tests) sees the kernel's final state; `scratch`: this thread's reusable arrays (tile-scratch.ts), same stream.
 */
export function encodeCausalTile(
  data: Uint8Array,
  w: number,
  h: number,
  count: 1 | 3,
  params: CausalParams,
  stack: StackMode,
  onKernel?: (k: CausalKernel) => void,
  scratch?: TileScratch,
): Uint8Array {
  const n = w * h,
    total = n * count;
  const values = toPlanes(toIndices(data, count, params.values), n, count, scratch);
  const { lo, hi, mids } = planeRanges(count);
  const kernel = new CausalKernel(count, w, h, lo, hi, mids, params, stack, scratch);
  const twin = encodeTileTwin(kernel, values, onKernel !== undefined);
  if (twin !== null) {
    onKernel?.(kernel);
    return twin;
  }
  // Run the coupling in decode order and record each sample's prior; rANS then takes them in reverse.
  const means = int32Array(scratch, 'means', total),
    scales = int32Array(scratch, 'scales', total);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      kernel.pixel(x, y);
      for (let c = 0; c < count; c++) {
        kernel.predict(c, i);
        means[i * count + c] = kernel.mean16;
        scales[i * count + c] = kernel.logScale;
        kernel.commit(c, i, values[i * count + c]);
      }
    }
  }
  onKernel?.(kernel);
  const enc = new ByteRansEncoder(Math.max(64, total), 'one');
  const prior = new CausalPrior(),
    cdf = prior.cdf;
  for (let j = total - 1; j >= 0; j--) {
    prior.set(means[j], scales[j]);
    cdf.encode(enc, values[j]);
  }
  return enc.finish();
}

/**
 * Exact code length in bits of every sample of a tile (interleaved, as
 * encodeCausalTile codes it), from the CDF's SymbolModel `bits` (an escape
 * costs 32). For inspection only.
 */
export function causalCodeLengths(data: Uint8Array, w: number, h: number, count: 1 | 3, params: CausalParams, stack: StackMode): Float64Array {
  const n = w * h;
  const values = toPlanes(toIndices(data, count, params.values), n, count);
  const { lo, hi, mids } = planeRanges(count);
  const kernel = new CausalKernel(count, w, h, lo, hi, mids, params, stack);
  const prior = new CausalPrior(),
    cdf = prior.cdf;
  const bits = new Float64Array(n * count);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      kernel.pixel(x, y);
      for (let c = 0; c < count; c++) {
        kernel.predict(c, i);
        prior.set(kernel.mean16, kernel.logScale);
        const z = values[i * count + c];
        bits[i * count + c] = cdf.bits(z);
        kernel.commit(c, i, z);
      }
    }
  }
  return bits;
}

/** Decodes a tile stream to w×h interleaved samples; typed errors on corruption. `onKernel` (tests) sees the kernel's final state; `scratch` as for encodeCausalTile. */
export function decodeCausalTile(
  bytes: Uint8Array,
  w: number,
  h: number,
  count: 1 | 3,
  params: CausalParams,
  stack: StackMode,
  onKernel?: (k: CausalKernel) => void,
  scratch?: TileScratch,
): Uint8Array {
  const n = w * h;
  const { lo, hi, mids } = planeRanges(count);
  const kernel = new CausalKernel(count, w, h, lo, hi, mids, params, stack, scratch);
  const prior = new CausalPrior(),
    cdf = prior.cdf;
  try {
    const dec = new ByteRansDecoder(bytes, 'one');
    if (decodeTileTwin(kernel, bytes, onKernel !== undefined)) return decodedTile(kernel, n, count, params, onKernel);
    for (let y = 0, i = 0; y < h; y++) {
      for (let x = 0; x < w; x++, i++) {
        kernel.pixel(x, y);
        for (let c = 0; c < count; c++) {
          kernel.predict(c, i);
          prior.set(kernel.mean16, kernel.logScale);
          const v = cdf.decode(dec);
          // A value outside the plane's range (escaped or in the window) can only come from a corrupt stream.
          if (v < lo[c] || v > hi[c]) throw new FlowzipError('E_CORRUPT', SAMPLE_OUT_OF_RANGE);
          kernel.commit(c, i, v);
        }
      }
    }
    dec.finish();
  } catch (e) {
    throw tileStreamError(e);
  }
  return decodedTile(kernel, n, count, params, onKernel);
}

/** The samples of a decoded tile (n pixels of `count` channels) from the kernel's values, after `onKernel` has seen it. */
export function decodedTile(kernel: CausalKernel, n: number, count: 1 | 3, params: CausalParams, onKernel?: (k: CausalKernel) => void): Uint8Array {
  onKernel?.(kernel);
  const out = new Uint8Array(n * count);
  fromPlanes(kernel.values, n, count, out);
  fromIndices(out, count, params.values);
  return out;
}
