/**
 * Codes one tile with a model: flow.forward gives latent groups and their
 * prior parameters; each latent is coded with the leaky logistic-mixture CDF
 * by rANS. Decode order: groups as `forward` returns them, within a group
 * channel by channel, pixels in raster order. The encoder pushes in exactly
 * the reverse order (rANS is LIFO).
 *
 * What differs between format versions (rANS coder and initial state, scale
 * offsets, skipped padding, exact support) comes in as a StreamFeatures row
 * (stream-features.ts) on every decode path; encodeTile writes the current
 * version. The byte layout of each version: docs/FORMAT.md.
 */
import { RansDecoder, RansEncoder, type SymbolSink, type SymbolSource } from '../ans/index.js';
import { WRITTEN_FEATURES, type StreamFeatures } from './stream-features.js';
import { forward, inverse, type CodedGroup } from '../flows/flow.js';
import { realPositions } from '../flows/padding.js';
import { latentSupport } from '../flows/support.js';
import { groupPositions, type FlowSpec, type PriorGroup } from '../flows/spec.js';
import { LeakyMixtureCdf } from '../quant/logistic-cdf.js';
import { chooseOffsetSymbol, OFFSET_MODEL, OFFSET_ZERO_SYMBOL, offsetOfSymbol, shiftLogScales } from '../quant/scale-offset.js';
import type { SymbolModel } from '../quant/symbol-model.js';
import type { NetRunner } from '../quant/runner.js';

/**
 * The parameters of group channel j, laid out for LeakyMixtureCdf.set with
 * offset i·K and stride 1: means[i·K + c], logScales[...], logits[...] (null when K = 1).
 */
export function channelParams(g: PriorGroup, params: Int32Array[], j: number): { means: Int32Array; logScales: Int32Array; logits: Int32Array | null } {
  const K = g.mixture,
    nT = g.channels.length;
  const plane = (kind: number, c: number) => params[(kind * K + c) * nT + j];
  if (K === 1) return { means: plane(0, 0), logScales: plane(1, 0), logits: null };
  const n = params[0].length;
  const pack = (kind: number) => {
    const a = new Int32Array(n * K);
    for (let c = 0; c < K; c++) {
      const p = plane(kind, c);
      for (let i = 0; i < n; i++) a[i * K + c] = p[i];
    }
    return a;
  };
  return { means: pack(0), logScales: pack(1), logits: pack(2) };
}

/** Window of every latent's CDF: the flow's latent support where the stream has `exactSupport`, else null (windows follow the parameters). */
export type CodingSupport = readonly [number, number] | null;

/** The CodingSupport of `flow` in a stream with `features` (default: the version written). */
export function codingSupport(flow: FlowSpec, features: StreamFeatures = WRITTEN_FEATURES): CodingSupport {
  return features.exactSupport ? latentSupport(flow) : null;
}

const cdfs = new Map<string, LeakyMixtureCdf>();
function cdfFor(k: number, support: CodingSupport): LeakyMixtureCdf {
  const key = support ? `${k}:${support[0]}:${support[1]}` : `${k}`;
  let c = cdfs.get(key);
  if (!c) cdfs.set(key, (c = new LeakyMixtureCdf(k, support)));
  return c;
}

/** What the symbol loop pushes to (ans/symbols.ts): a RansEncoder, or in bench/profile a recorder. */
export type { SymbolSink, SymbolSource };

/**
 * The prior of one coded plane (channel j of a group, with its offset
 * symbol applied): `at(i)` is the symbol model (quant/symbol-model.ts) of the
 * plane's latent at position i. Every loop that codes or measures latents
 * goes through it. The returned model is shared: use it before the next `at`.
 */
export interface PlanePrior {
  at(i: number): SymbolModel;
}

/** The PlanePrior of channel j of `group` with parameters `params`, offset symbol `offsetSymbol`, and CDF window `support`. */
export function planePrior(group: PriorGroup, params: Int32Array[], j: number, offsetSymbol: number, support: CodingSupport): PlanePrior {
  const K = group.mixture;
  const cdf = cdfFor(K, support);
  const { means, logScales, logits } = offsetParams(group, params, j, offsetSymbol);
  return {
    at(i: number): SymbolModel {
      cdf.set(means, logScales, logits, i * K, 1);
      return cdf;
    },
  };
}

/** The real (unpadded) part of a tile: its top-left h×w. */
export interface RealSize {
  h: number;
  w: number;
}

/**
 * Positions to code per group, in decode order, when they are not all the
 * positions of the group's phase: in a stream with `skipPadding`, a
 * pixel-exact flow skips the latents of padded pixels (flows/padding.ts). Null: code all.
 */
export type SkipPadding = Int32Array[] | null;

/** The SkipPadding of an h×w tile with real part `real`, in a stream with `features` (default: the version written). */
export function skipPadding(flow: FlowSpec, h: number, w: number, real: RealSize | undefined, features: StreamFeatures = WRITTEN_FEATURES): SkipPadding {
  return features.skipPadding && real ? realPositions(flow, h, w, real.h, real.w) : null;
}

function positionsOf(skip: SkipPadding, k: number, g: PriorGroup, h: number, w: number): Int32Array {
  return skip ? skip[k] : groupPositions(g.phase, h, w);
}

/** Offset symbols of a tile's coded planes: [group][channel] (quant/scale-offset.ts). */
export type PlaneOffsets = number[][];

/** The encoder's offset symbol for every coded plane of `groups`. */
export function chooseOffsets(groups: CodedGroup[], skip: SkipPadding = null, support: CodingSupport = null): PlaneOffsets {
  return groups.map(({ group, values, params, h, w }, k) => {
    const cdf = cdfFor(group.mixture, support);
    const pos = positionsOf(skip, k, group, h, w);
    return values.map((v, j) => {
      const { means, logScales, logits } = channelParams(group, params, j);
      return chooseOffsetSymbol(cdf, group.mixture, means, logScales, logits, v, pos);
    });
  });
}

/** channelParams with the log-scales shifted by offset symbol s. */
function offsetParams(g: PriorGroup, params: Int32Array[], j: number, s: number): ReturnType<typeof channelParams> {
  const p = channelParams(g, params, j);
  return { ...p, logScales: shiftLogScales(p.logScales, offsetOfSymbol(s)) };
}

/** A decoder for a tile stream with `features` (its rANS coder and initial state). Throws AnsError on a bad initial state. */
export function tileDecoder(stream: Uint8Array, features: StreamFeatures): SymbolSource & { finish(): void } {
  return new RansDecoder(stream, features.ransStart, features.rans);
}

/** A byte-rANS encoder sized for `symbols` latents, starting from the state of the version written. */
export function tileEncoder(symbols: number): RansEncoder {
  return new RansEncoder(symbols, WRITTEN_FEATURES.ransStart, WRITTEN_FEATURES.rans);
}

/**
 * Pushes the latents of the groups onto the encoder, in reverse decode order;
 * with `offsets` (streams with scaleOffsets), each plane's offset symbol goes after its
 * latents, so that the decoder reads it first.
 */
export function pushGroups(enc: SymbolSink, groups: CodedGroup[], offsets?: PlaneOffsets, skip: SkipPadding = null, support: CodingSupport = null): void {
  for (let gi = groups.length - 1; gi >= 0; gi--) {
    const { group, values, params, h, w } = groups[gi];
    const pos = positionsOf(skip, gi, group, h, w);
    for (let j = values.length - 1; j >= 0; j--) {
      const s = offsets ? offsets[gi][j] : OFFSET_ZERO_SYMBOL;
      const prior = planePrior(group, params, j, s, support);
      const v = values[j];
      for (let p = pos.length - 1; p >= 0; p--) prior.at(pos[p]).encode(enc, v[pos[p]]);
      if (offsets) OFFSET_MODEL.encode(enc, s);
    }
  }
}

/**
 * Encodes a tile (planar channels, h×w multiples of 2^levels) to an rANS
 * stream. With `real` (its unpadded top-left part), a pixel-exact flow skips
 * the padded latents: the tile must then be zero-padded (tiling.ts). Throws
 * LatentRangeError if the flow cannot take it.
 */
export function encodeTile(flow: FlowSpec, runner: NetRunner, tile: Int32Array[], h: number, w: number, real?: RealSize): Uint8Array {
  const groups = forward(flow, runner, tile, h, w);
  const skip = skipPadding(flow, h, w, real);
  const support = codingSupport(flow);
  const enc = tileEncoder(h * w);
  pushGroups(enc, groups, chooseOffsets(groups, skip, support), skip, support);
  return enc.finish();
}

/** Decodes a tile stream made by encodeTile (or by an older flowzip: pass its stream's `features`). Throws AnsError on a truncated or inconsistent stream. */
export function decodeTile(flow: FlowSpec, runner: NetRunner, stream: Uint8Array, h: number, w: number, features: StreamFeatures = WRITTEN_FEATURES, real?: RealSize): Int32Array[] {
  const dec = tileDecoder(stream, features);
  const tile = decodeTileFrom(flow, runner, dec, h, w, features, real);
  dec.finish();
  return tile;
}

/** The decoding loop of decodeTile, popping symbols from `dec` (which the caller finishes). */
export function decodeTileFrom(flow: FlowSpec, runner: NetRunner, dec: SymbolSource, h: number, w: number, features: StreamFeatures = WRITTEN_FEATURES, real?: RealSize): Int32Array[] {
  const skip = skipPadding(flow, h, w, real, features);
  const support = codingSupport(flow, features);
  let k = 0; // groups come in decode order
  return inverse(flow, runner, h, w, (group, params, gh, gw) => {
    const pos = positionsOf(skip, k++, group, gh, gw);
    return group.channels.map((_, j) => {
      const s = features.scaleOffsets ? OFFSET_MODEL.decode(dec) : OFFSET_ZERO_SYMBOL;
      const prior = planePrior(group, params, j, s, support);
      const out = new Int32Array(gh * gw);
      for (let p = 0; p < pos.length; p++) out[pos[p]] = prior.at(pos[p]).decode(dec);
      return out;
    });
  });
}

/** Code lengths of one coded group: bits of every latent per channel, and of each channel's offset symbol. */
export interface GroupCodeLengths {
  group: CodedGroup;
  /** Per channel: −log2(freq / 2^PROB_BITS) of each latent (PROB_BITS + LATENT_BITS for an escape: its slot of frequency 1, then the raw latent); 0 where not coded. */
  bits: Float64Array[];
  /** Per channel: bits of its scale-offset symbol (streams with scaleOffsets). */
  offsetBits: number[];
}

/**
 * Exact code length of a tile as encodeTile codes it (with the offsets it
 * chooses, skipping what it skips), per coded group and channel — what `inspect` and model tuning
 * use. `totalBits` of it ≈ the tile stream size × 8.
 */
export function tileCodeLengths(flow: FlowSpec, runner: NetRunner, tile: Int32Array[], h: number, w: number, real?: RealSize): GroupCodeLengths[] {
  const groups = forward(flow, runner, tile, h, w);
  const skip = skipPadding(flow, h, w, real);
  const support = codingSupport(flow);
  const offsets = chooseOffsets(groups, skip, support);
  return groups.map((g, gi) => {
    const pos = positionsOf(skip, gi, g.group, g.h, g.w);
    const bits = g.values.map((v, j) => {
      const prior = planePrior(g.group, g.params, j, offsets[gi][j], support);
      const b = new Float64Array(v.length);
      for (const i of pos) b[i] = prior.at(i).bits(v[i]);
      return b;
    });
    return { group: g, bits, offsetBits: offsets[gi].map((s) => OFFSET_MODEL.bits(s)) };
  });
}

/** Sum of every latent's and offset symbol's bits in code lengths of one tile (or of one group). */
export function totalBits(lengths: GroupCodeLengths[]): number {
  let t = 0;
  for (const g of lengths) {
    for (const b of g.bits) for (let i = 0; i < b.length; i++) t += b[i];
    for (const o of g.offsetBits) t += o;
  }
  return t;
}
