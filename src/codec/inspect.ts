/**
 * `flowzip inspect`: where the bits of an image go. Runs the same tiles,
 * plane groups and models as `compress`, takes every latent's exact code
 * length (tileCodeLengths: −log2 of its rANS frequency, escapes included) and
 * attributes it to the pixels it covers: a latent of a group at level ℓ (after
 * ℓ squeezes) covers a 2^ℓ × 2^ℓ block of the tile and its bits are spread
 * evenly over that block (padding pixels fold onto the edge pixel they
 * replicate, so nothing is lost). Tiles the encoder would code with its brotli
 * fallback, or as copy tiles (format 6), are charged their size, spread evenly.
 *
 * Per-channel figures follow the model's planes, not the file's: the flow's
 * colour transform (YCoCg-R in the RGB models) mixes R, G and B, so a latent
 * is charged to the plane (Y, Co, Cg; gray; A for alpha) its channel descends
 * from at the flow's first squeeze.
 */
import { countCodeLengths, encodeCountTile } from './count-coder.js';
import { countCdfs } from './count-models.js';
import { LatentRangeError } from '../flows/flow.js';
import type { Model } from '../flows/model.js';
import { flowLevels, walkChannels, type FlowSpec, type PriorGroup } from '../flows/spec.js';
import type { NetRunner } from '../quant/runner.js';
import { FlowzipError } from './errors.js';
import { DEFAULT_MAX_PIXELS } from './formats/image.js';
import { parsePng, writePng } from './formats/png.js';
import { parsePnm } from './formats/pnm.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { causalCodeLengths, encodeCausalTile, fitImageParams, subImage as causalSubImage, writeCausalParams } from './causal-coder.js';
import { copyWorthTrying, encodeCopyTile } from './copy-causal-coder.js';
import { WRITTEN_FEATURES } from './stream-features.js';
import { brotliTile, fallbackWorthTrying, poorBitsPerSample, flowTile, rawTile, TILE_SIZE } from './image-codec.js';
import { planeGroups, readImageHeader } from './image-header.js';
import { MODEL_ID_BYTES, modelForStream, runnerFor, type BackendChoice } from './models.js';
import { planeModels, type ModelChoice } from './model-choice.js';
import { AUTO_MODEL_PIXELS, compress } from './api.js';
import { unframe } from './container.js';
import { encodeTile, tileCodeLengths, totalBits as codeLengthSum } from './tile-coder.js';
import { tileGrid, type TileRect } from './tiling.js';

/** Options of {@link inspectImage}; `model`, `grayModel` and `backend` mean what they mean for `compress`. */
export interface InspectOptions extends ModelChoice {
  backend?: BackendChoice;
  /** Largest image (width × height) to parse (default 2^28). */
  maxPixels?: number;
  /** Bits per pixel shown as the top of the heatmap's colour ramp (default: the 99th percentile of the image). */
  heatmapMax?: number;
}

/** What {@link inspectImage} returns. */
export interface ImageInspection {
  width: number;
  height: number;
  /** Interleaved channels of the image (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA). */
  channels: number;
  /** Code length of the whole image in bits (tile payloads; container, header and per-piece framing excluded). */
  totalBits: number;
  /** totalBits / (width × height × channels). */
  bpsp: number;
  /** Bits per pixel of each model plane (bits of that plane / (width × height)), in the order of `channelNames`; their mean is `bpsp`. */
  perChannelBpsp: number[];
  /** Names of the model planes: `Y`, `Co`, `Cg` (RGB models), `gray`, then `A` for alpha. */
  channelNames: string[];
  /** Bits attributed to each pixel (all planes together), row-major, width × height. */
  bitsPerPixel: Float64Array;
  /** The bits-per-pixel value at the top of the heatmap's ramp. */
  heatmapMax: number;
  /** Heatmap of bitsPerPixel: 8-bit RGB PNG, same size as the image (dark blue = cheap, yellow = expensive). */
  heatmapPng: Uint8Array;
  /** Model names per plane group (colour or gray first, then alpha). */
  models: string[];
  /** Pieces (tile × plane group) charged at their brotli fallback size. */
  fallbackPieces: number;
}

/** 8-bit samples of an image the flow codes: P5/P6 with maxval 255, or 8-bit non-interlaced non-palette PNG. */
function flowSamples(bytes: Uint8Array, maxPixels: number): { width: number; height: number; channels: 1 | 2 | 3 | 4; samples: Uint8Array } {
  const refuse = (why: string) => new FlowzipError('E_USAGE', `inspect needs an 8-bit gray/RGB(A) PNG (not interlaced, not paletted) or a PGM/PPM with maxval 255: ${why}`);
  const pnm = parsePnm(bytes, { maxPixels });
  if (pnm) {
    if (pnm.maxval !== 255) throw refuse(`PNM maxval is ${pnm.maxval}`);
    const r = pnm.raster;
    return { width: r.width, height: r.height, channels: r.channels, samples: r.samples as Uint8Array };
  }
  const png = parsePng(bytes, { maxPixels });
  if (!png) throw refuse('the input is neither PNG nor PNM');
  if (png.interlaced) throw refuse('the PNG is interlaced');
  if (png.colourType === 3) throw refuse('the PNG is paletted');
  if (png.pngBitDepth !== 8) throw refuse(`the PNG has bit depth ${png.pngBitDepth}`);
  const r = png.raster;
  return { width: r.width, height: r.height, channels: r.channels, samples: r.samples as Uint8Array };
}

/**
 * For every group of every split, the model plane of each of its channels:
 * planes are the channel positions at the first squeeze (after the colour
 * transform and any permutation), and survive later squeezes, permutations
 * and splits by descent.
 */
export function groupPlanes(flow: FlowSpec): Map<PriorGroup, number[]> {
  let squeezed = false;
  const out = new Map<PriorGroup, number[]>();
  const start = Array.from({ length: flow.channels }, (_, i) => i);
  walkChannels<number, void>(flow, start, 1 << flowLevels(flow), 1 << flowLevels(flow), {
    squeeze: (labels) => {
      const base = squeezed ? labels : labels.map((_, i) => i);
      squeezed = true;
      return base.flatMap((l) => [l, l, l, l]);
    },
    coupling: (_, labels) => labels,
    coded: (step, labels, factor) => {
      for (const g of step.groups)
        out.set(
          g,
          g.channels.map((j) => (squeezed ? labels[factor[j]] : factor[j])),
        );
    },
  });
  return out;
}

/** Plane names of a model: `manifest.planes` when it lists one per channel, else Y/Co/Cg for 3 channels and `gray` for 1. */
export function modelPlaneNames(model: Model): string[] {
  const p = model.manifest.planes;
  if (Array.isArray(p) && p.length === model.flow.channels && p.every((x) => typeof x === 'string')) return p as string[];
  return model.flow.channels === 3 ? ['Y', 'Co', 'Cg'] : Array.from({ length: model.flow.channels }, (_, i) => (i === 0 ? 'gray' : `c${i}`));
}

/** A viridis-like ramp: t in [0, 1] → [r, g, b]. */
const RAMP = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];
export function rampColour(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(u)),
    f = u - i;
  const a = RAMP[i],
    b = RAMP[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as [number, number, number];
}

/** Heatmap PNG (8-bit RGB) of per-pixel values, `max` at the top of the ramp. */
export function heatmapPng(values: Float64Array, width: number, height: number, max: number): Uint8Array {
  const samples = new Uint8Array(width * height * 3);
  for (let i = 0; i < values.length; i++) samples.set(rampColour(max > 0 ? values[i] / max : 0), 3 * i);
  return writePng({ raster: { width, height, channels: 3, bitDepth: 8, samples }, colourType: 2, pngBitDepth: 8, interlaced: false, ancillary: [] });
}

function percentile(values: Float64Array, q: number): number {
  if (values.length === 0) return 0;
  const s = Float64Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

interface Plane {
  first: number;
  count: 1 | 3;
  model: Model;
  runner: NetRunner;
  planesOf: Map<PriorGroup, number[]>;
}

/** Adds `bits` spread evenly over the s×s block at (bx, by) of a padded tile, folding padding onto the image edge. */
function spreadBlock(acc: Float64Array, width: number, r: TileRect, bx: number, by: number, s: number, bits: number): void {
  const per = bits / (s * s);
  for (let dy = 0; dy < s; dy++) {
    const y = r.y + Math.min(by * s + dy, r.h - 1);
    for (let dx = 0; dx < s; dx++) acc[y * width + r.x + Math.min(bx * s + dx, r.w - 1)] += per;
  }
}

/**
 * Exact per-pixel code lengths of an image under the model(s) `compress`
 * would use. Throws FlowzipError: E_USAGE for inputs the flow does not code
 * (16-bit, paletted, interlaced, non-images) or a model of the wrong channel
 * count, E_BAD_IMAGE / E_LIMIT from the parsers, E_UNKNOWN_MODEL, E_BACKEND.
 */
export async function inspectImage(bytes: Uint8Array, opts: InspectOptions = {}): Promise<ImageInspection> {
  const { width, height, channels, samples } = flowSamples(bytes, opts.maxPixels ?? DEFAULT_MAX_PIXELS);
  let models = planeModels(channels, opts);
  if (width * height <= AUTO_MODEL_PIXELS && opts.model === undefined && opts.grayModel === undefined && opts.effort === undefined) {
    // A small image: compress tries every shipped model and keeps the smallest; inspect the ones it keeps.
    const { body } = unframe(await compress(bytes, { method: 'flow', backend: opts.backend, workers: 0, maxPixels: opts.maxPixels }));
    models = readImageHeader(new ByteReader(body), MODEL_ID_BYTES, opts.maxPixels ?? DEFAULT_MAX_PIXELS).modelIds.map((id) => modelForStream(id));
  }
  const planes: Plane[] = [];
  const names: string[] = [];
  for (const [i, g] of planeGroups(channels).entries()) {
    const model = models[i];
    planes.push({ ...g, model, runner: await runnerFor(model, opts.backend), planesOf: groupPlanes(model.flow) });
    names.push(...(g.first > 0 && g.count === 1 ? ['A'] : modelPlaneNames(model)));
  }
  const levels = Math.max(...planes.map((p) => flowLevels(p.model.flow)));
  const rects = tileGrid(width, height, TILE_SIZE, levels);
  const pixelBits = new Float64Array(width * height);
  const planeBits = new Float64Array(channels);
  let fallbackPieces = 0;
  const npix = width * height;
  // Causal plane groups: the encoder's fitted parameters, charged evenly to the group's planes and pixels.
  const params = planes.map((p) => {
    if (!p.model.causal) return null;
    const fitted = fitImageParams(samples, width, channels, p.first, p.count, rects, p.model.causal.maxClasses);
    const w = new ByteWriter();
    writeCausalParams(fitted, w);
    const bits = 8 * w.finish().length;
    for (let c = 0; c < p.count; c++) planeBits[p.first + c] += bits / p.count;
    for (let i = 0; i < npix; i++) pixelBits[i] += bits / npix;
    return fitted;
  });

  for (const r of rects) {
    for (const [pi, p] of planes.entries()) {
      const causal = p.model.causal,
        fitted = params[pi],
        counts = p.model.counts ? countCdfs(p.model) : null;
      if ((causal && fitted) || counts) {
        const data = causalSubImage(samples, width, channels, p.first, p.count, r);
        const rawBytes = r.w * r.h * p.count;
        // A copy tile (format 6, as the encoder chooses it) is charged its size, spread evenly.
        const copy = !counts && WRITTEN_FEATURES.copyPieces && copyWorthTrying(data, r.w, r.h, p.count);
        const exact = counts ? encodeCountTile(data, r.w, r.h, counts).length : (copy ? encodeCopyTile : encodeCausalTile)(data, r.w, r.h, p.count, fitted!, causal!.stack).length;
        let even = copy ? exact : -1;
        if (fallbackWorthTrying(exact, rawBytes, poorBitsPerSample(p.model))) {
          const b = brotliTile(rawTile(samples, { width, height, channels }, p, r)).length;
          if (b < exact) {
            fallbackPieces++;
            even = b;
          }
        }
        if (even >= 0) {
          for (let y = 0; y < r.h; y++) for (let x = 0; x < r.w; x++) pixelBits[(r.y + y) * width + r.x + x] += (8 * even) / (r.w * r.h);
          for (let c = 0; c < p.count; c++) planeBits[p.first + c] += (8 * even) / p.count;
          continue;
        }
        const bits = counts ? countCodeLengths(data, r.w, r.h, counts) : causalCodeLengths(data, r.w, r.h, p.count, fitted!, causal!.stack);
        for (let y = 0, i = 0; y < r.h; y++) {
          for (let x = 0; x < r.w; x++, i++) {
            for (let c = 0; c < p.count; c++) {
              const b = bits[i * p.count + c];
              pixelBits[(r.y + y) * width + r.x + x] += b;
              planeBits[p.first + c] += b;
            }
          }
        }
        continue;
      }
      const tile = flowTile(samples, width, channels, p.first, p.count, r, p.model.flow);
      let lengths: ReturnType<typeof tileCodeLengths> | null = null;
      let flowBits = Infinity;
      try {
        lengths = tileCodeLengths(p.model.flow, p.runner, tile, r.ph, r.pw, r);
        flowBits = codeLengthSum(lengths);
      } catch (e) {
        if (!(e instanceof LatentRangeError)) throw e;
      }
      // The encoder's choice (image-codec.ts): brotli of the raw tile when the flow piece is over half the raw size and brotli is smaller.
      const rawBytes = r.w * r.h * p.count;
      let fallbackBits = -1;
      if (!lengths || fallbackWorthTrying(Math.ceil(flowBits / 8) + 8, rawBytes)) {
        const b = brotliTile(rawTile(samples, { width, height, channels }, p, r)).length;
        if (!lengths) fallbackBits = 8 * b;
        else {
          const exact = encodeTile(p.model.flow, p.runner, tile, r.ph, r.pw, r).length;
          if (fallbackWorthTrying(exact, rawBytes) && b < exact) fallbackBits = 8 * b;
        }
      }
      if (fallbackBits >= 0) {
        fallbackPieces++;
        const per = fallbackBits / (r.w * r.h);
        for (let y = 0; y < r.h; y++) for (let x = 0; x < r.w; x++) pixelBits[(r.y + y) * width + r.x + x] += per;
        for (let c = 0; c < p.count; c++) planeBits[p.first + c] += fallbackBits / p.count;
        continue;
      }
      for (const { group: g, bits, offsetBits } of lengths!) {
        const s = r.ph / g.h;
        const planeOf = p.planesOf.get(g.group)!;
        bits.forEach((b, j) => {
          let sum = 0;
          for (let i = 0; i < b.length; i++) {
            const v = b[i];
            if (v === 0) continue;
            sum += v;
            spreadBlock(pixelBits, width, r, i % g.w, Math.floor(i / g.w), s, v);
          }
          planeBits[p.first + planeOf[j]] += sum + offsetBits[j];
          // The plane's scale-offset symbol belongs to the whole tile: spread it evenly.
          const per = offsetBits[j] / (r.w * r.h);
          for (let y = 0; y < r.h; y++) for (let x = 0; x < r.w; x++) pixelBits[(r.y + y) * width + r.x + x] += per;
        });
      }
    }
  }

  let totalBits = 0;
  for (const b of planeBits) totalBits += b;
  const max = opts.heatmapMax ?? Math.max(percentile(pixelBits, 0.99), 1e-9);
  return {
    width,
    height,
    channels,
    totalBits,
    bpsp: totalBits / (npix * channels),
    perChannelBpsp: Array.from(planeBits, (b) => b / npix),
    channelNames: names,
    bitsPerPixel: pixelBits,
    heatmapMax: max,
    heatmapPng: heatmapPng(pixelBits, width, height, max),
    models: planes.map((p) => p.model.name),
    fallbackPieces,
  };
}
