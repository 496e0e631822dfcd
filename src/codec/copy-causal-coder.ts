/**
 * The copy tile stream of a causal model (format 6, piece kind 2): the causal
 * coder of causal-coder.ts with a "same as a pixel already decoded" decision
 * before each pixel, for screenshots, icons, diagrams and other synthetic
 * images where most pixels repeat one already decoded. docs/FORMAT.md
 * ("Format version 6") specifies it; in short, per pixel (all `count` samples
 * of the plane group, after the channel palettes and YCoCg-R of
 * causal-coder.ts), in raster order within the tile:
 *   candidates W, N, M (the match: the pixel that last followed the same W, N,
 *     NW, NE in this tile), NE, NW, NN, WW, and the continuations of W's and
 *     N's copies; a candidate equal to an earlier one is dropped (it adds a
 *     vote to that one).
 *   per candidate left, one adaptive bit (quant/adaptive-bit.ts; two-rate from format 7) "the pixel is
 *     this one"; the first 1 makes the pixel a copy.
 *   else one bit "in the colour cache" (the last pixel of each of 256 colour
 *     hashes) and then its slot in 8 bits — the encoder uses the cache only
 *     when that is cheaper than its running mean cost of a coded pixel;
 *   else the samples are coded by the causal kernel and CDF. A copied pixel's
 *     samples enter the kernel's values without predict/commit (errors 0).
 * The tile stream is one byte-renormalising rANS stream started at state 1.
 */
import { ByteRansDecoder, ByteRansEncoder } from '../ans/index.js';
import { CausalKernel, type CausalParams } from '../flows/causal-kernel.js';
import type { StackMode } from '../flows/causal-stack.js';
import { planeRanges, toPlanes } from '../flows/ycocg.js';
import { AdaptiveBits } from '../quant/adaptive-bit.js';
import { PROB_BITS } from '../quant/constants.js';
import { log16 } from '../quant/log16.js';
import { CausalPrior, decodedTile } from './causal-coder.js';
import { decodeCopyTwin, encodeCopyTwin } from './causal-tile-wasm.js';
import { toIndices } from './channel-palette.js';
import { EMPTY_CACHE_SLOT, FlowzipError, SAMPLE_OUT_OF_RANGE, tileStreamError } from './errors.js';
import { int32Array, type TileScratch } from '../flows/tile-scratch.js';
import { WRITTEN_FEATURES, type StreamFeatures } from './stream-features.js';

/** Candidates per pixel: W, N, M, NE, NW, NN, WW, then the continuations of W's and N's copies. */
const CANDIDATES = 9;
/** Contexts per candidate: 16 neighbour-equality patterns × 4 × 4 decision classes at W and N. */
const CONTEXTS_PER_CANDIDATE = 256 * 3;
const HASH_BITS = 16;
/** Colour cache slots (2^CACHE_BITS): the last pixel of each colour hash. */
const CACHE_BITS = 8;
/** Candidate identity of a colour-cache copy (for the decisions of later pixels). */
const CACHED = CANDIDATES;

/** Prior of the encoder's running mean cost of a causally coded pixel: 16 bits, in 1/16 bits. */
const CAUSAL_PRIOR16 = 16 * 16;

/** Cost in 1/16 bits (log16) of coding `bit` with P(1) = p1 / 2^16. */
function bitCost16(p1: number, bit: number): number {
  return 16 * 16 - log16(bit ? p1 : 65536 - p1);
}

/** FNV-1a hash of `count` samples of `v` at pixel p into `bits` bits. */
function colourHash(v: Int32Array, p: number, count: number, bits: number): number {
  let hsh = 0x811c9dc5 | 0;
  for (let c = 0; c < count; c++) hsh = Math.imul(hsh ^ (v[p * count + c] & 0xffff), 0x01000193);
  return (hsh ^ (hsh >>> 16)) & ((1 << bits) - 1);
}

/** Decision class of a pixel for the contexts of its right and lower neighbours: 0 coded, 1 copy of W, 2 of N, 3 another copy. */
const classOf = (decision: number): number => (decision < 2 ? decision : decision === 2 ? 2 : 3);

/** State shared by the encoder and decoder of one tile. */
class CopyState {
  readonly kernel: CausalKernel;
  readonly bits: AdaptiveBits;
  /** The colour cache's "hit" bit (16 contexts: decisions at W and N) and its slot's binary tree (2^CACHE_BITS contexts). */
  readonly cacheBits: AdaptiveBits;
  private readonly cache = new Int32Array(1 << CACHE_BITS);
  /** Per pixel: 0 coded, 1 + candidate for a copy. */
  readonly decisions: Uint8Array;
  /** Per pixel: the pixel it is a copy of, or −1 when coded. */
  private readonly source: Int32Array;
  private readonly table: Int32Array;
  /** After `candidates`: the distinct candidates' pixel indices, identities and count, and the context base. */
  readonly at = new Int32Array(CANDIDATES);
  readonly id = new Int32Array(CANDIDATES);
  /** Per distinct candidate: how many of the candidates hold its samples, less one, at most 2. */
  readonly votes = new Int32Array(CANDIDATES);
  /** Per decoded pixel: its samples packed into one integer (packPixel), so that equal pixels have equal keys. */
  private readonly packed: Int32Array;
  /** Scratch of `candidates`: every candidate's pixel index (−1 when missing), in identity order. */
  private readonly all = new Int32Array(CANDIDATES);
  /** Scratch of `candidates`: the packed samples of each distinct candidate. */
  private readonly keys = new Int32Array(CANDIDATES);
  n = 0;
  ctx = 0;
  key = 0;

  constructor(
    readonly count: number,
    readonly w: number,
    h: number,
    params: CausalParams,
    stack: StackMode,
    twoRate: boolean,
    scratch: TileScratch | undefined,
  ) {
    this.bits = new AdaptiveBits(CANDIDATES * CONTEXTS_PER_CANDIDATE, twoRate);
    this.cacheBits = new AdaptiveBits(16 + (1 << CACHE_BITS), twoRate);
    const { lo, hi, mids } = planeRanges(count as 1 | 3);
    this.kernel = new CausalKernel(count, w, h, lo, hi, mids, params, stack, scratch);
    this.decisions = new Uint8Array(w * h);
    this.source = int32Array(scratch, 'copy-source', w * h).fill(-1);
    this.table = int32Array(scratch, 'copy-table', 1 << HASH_BITS);
    this.packed = int32Array(scratch, 'copy-packed', w * h);
  }

  /** The packed samples of decoded pixel p (packPixel). */
  packedOf(p: number): number {
    return this.packed[p];
  }

  /** Hash of the samples of W, N, NW, NE (−1 where missing) into HASH_BITS bits. */
  private matchKey(iW: number, iN: number, iNW: number, iNE: number): number {
    let hsh = this.hashPixel(0x811c9dc5 | 0, iW);
    hsh = this.hashPixel(hsh, iN);
    hsh = this.hashPixel(hsh, iNW);
    hsh = this.hashPixel(hsh, iNE);
    return (hsh ^ (hsh >>> 16)) & ((1 << HASH_BITS) - 1);
  }

  /** FNV-1a step of matchKey over the samples of pixel p (0x7fff per sample when p < 0). */
  private hashPixel(hsh: number, p: number): number {
    const v = this.kernel.values,
      k = this.count;
    if (p < 0) {
      for (let c = 0; c < k; c++) hsh = Math.imul(hsh ^ 0x7fff, 0x01000193);
    } else {
      for (let c = 0; c < k; c++) hsh = Math.imul(hsh ^ (v[p * k + c] & 0xffff), 0x01000193);
    }
    return hsh;
  }

  /** Finds the distinct candidates of pixel (x, y) and its context base. */
  candidates(x: number, y: number): void {
    const w = this.w,
      i = y * w + x;
    const iW = x > 0 ? i - 1 : -1,
      iN = y > 0 ? i - w : -1,
      iNW = x > 0 && y > 0 ? i - w - 1 : -1,
      iNE = y > 0 && x + 1 < w ? i - w + 1 : -1;
    this.key = this.matchKey(iW, iN, iNW, iNE);
    const m = this.table[this.key] - 1;
    // Continuations: the pixel after W's source, the pixel below N's source (a copy run goes on).
    const sW = iW < 0 ? -1 : this.source[iW],
      sN = iN < 0 ? -1 : this.source[iN];
    const cW = sW >= 0 && sW + 1 < i ? sW + 1 : -1,
      cN = sN >= 0 && sN + w < i ? sN + w : -1;
    const all = this.all,
      at = this.at,
      votes = this.votes,
      id = this.id,
      keys = this.keys,
      packed = this.packed;
    all[0] = iW;
    all[1] = iN;
    all[2] = m;
    all[3] = iNE;
    all[4] = iNW;
    all[5] = y > 1 ? i - 2 * w : -1;
    all[6] = x > 1 ? i - 2 : -1;
    all[7] = cW;
    all[8] = cN;
    let n = 0;
    for (let k = 0; k < CANDIDATES; k++) {
      const p = all[k];
      if (p < 0) continue;
      const key = packed[p];
      let j = 0;
      while (j < n && keys[j] !== key) j++;
      if (j < n) {
        if (votes[j] < 2) votes[j]++;
        continue;
      }
      at[n] = p;
      keys[n] = key;
      votes[n] = 0;
      id[n++] = k;
    }
    this.n = n;
    const kW = iW < 0 ? -1 : packed[iW],
      kN = iN < 0 ? -2 : packed[iN],
      kNW = iNW < 0 ? -3 : packed[iNW],
      kNE = iNE < 0 ? -4 : packed[iNE];
    // Packed keys are ≥ 0, so a missing neighbour (a distinct negative stand-in) equals no other.
    const eq = (kW === kN ? 1 : 0) | (kN === kNE ? 2 : 0) | (kW === kNW ? 4 : 0) | (kN === kNW ? 8 : 0);
    const dW = iW < 0 ? 0 : classOf(this.decisions[iW]),
      dN = iN < 0 ? 0 : classOf(this.decisions[iN]);
    this.ctx = (eq * 4 + dW) * 4 + dN;
  }

  /** Context of the j-th distinct candidate. */
  contextOf(j: number): number {
    return this.id[j] * CONTEXTS_PER_CANDIDATE + this.votes[j] * 256 + this.ctx;
  }

  /** Pixel i is a copy of pixel `from` (candidate identity `id`): its samples join the kernel's values. */
  copy(i: number, from: number, id: number): void {
    const v = this.kernel.values,
      k = this.count;
    for (let c = 0; c < k; c++) v[i * k + c] = v[from * k + c];
    this.decisions[i] = 1 + id;
    this.source[i] = from;
  }

  /** After pixel i is decoded: it becomes the match of its context and its colour's cache entry. */
  remember(i: number): void {
    this.packed[i] = packPixel(this.kernel.values, i, this.count);
    this.table[this.key] = i + 1;
    this.cache[colourHash(this.kernel.values, i, this.count, CACHE_BITS)] = i + 1;
  }

  /** The context of the cache's hit bit: the decisions at W and N (from `ctx`). */
  get hitContext(): number {
    return this.ctx & 15;
  }

  /** The cache slot of pixel i of `values` when it holds a pixel of the same colour, else −1. */
  cachedSlot(values: Int32Array, i: number): number {
    const slot = colourHash(values, i, this.count, CACHE_BITS);
    const p = this.cache[slot] - 1;
    return p >= 0 && equalPixels(values, this.count, i, p) ? slot : -1;
  }

  /** The pixel in cache slot `slot`; E_CORRUPT when empty (only a corrupt stream names one). */
  cachedPixel(slot: number): number {
    const p = this.cache[slot] - 1;
    if (p < 0) throw new FlowzipError('E_CORRUPT', EMPTY_CACHE_SLOT);
    return p;
  }
}

/**
 * The samples of pixel i of interleaved values as one integer, distinct for distinct pixels: a
 * gray sample (0..255) as it is; Y (0..255), Co and Cg (−255..255, 10-bit two's complement) in 28 bits.
 */
function packPixel(values: Int32Array, i: number, count: number): number {
  if (count === 1) return values[i];
  const o = i * 3;
  return values[o] | ((values[o + 1] & 0x3ff) << 8) | ((values[o + 2] & 0x3ff) << 18);
}

/** Whether pixel i of interleaved values equals pixel j. */
function equalPixels(values: Int32Array, count: number, i: number, j: number): boolean {
  for (let c = 0; c < count; c++) if (values[i * count + c] !== values[j * count + c]) return false;
  return true;
}

/**
 * The encoder's record of a copy tile's symbols in decode order, kept by this
 * thread between tiles; rANS then pushes them in reverse. One Int32 per
 * symbol: its interval of a 2^16 total, start << 16 | (freq − 1) — every bit
 * and every sample inside its CDF's window. The rare escaped sample keeps a
 * word there too, and its prior and value aside (CausalLeakyCdf.encode pushes
 * its raw bits and escape slot at replay). A tile records at most
 * (CANDIDATES + 1 + CACHE_BITS + count) symbols a pixel; the words start at
 * two a sample and double when a pixel might not fit (4 bytes a symbol: a
 * 256×256 colour tile rarely needs more than 6 MB), and are reused.
 */
class SymbolRecords {
  words = new Int32Array(0);
  count = 0;
  private escAt = new Int32Array(16);
  private escMean = new Int32Array(16);
  private escScale = new Int32Array(16);
  private escValue = new Int32Array(16);
  private escapes = 0;

  /** Starts a tile: no symbols, room for at least `n`. */
  start(n: number): void {
    if (this.words.length < n) this.words = new Int32Array(n);
    this.count = 0;
    this.escapes = 0;
  }

  /** Makes room for `more` symbols after those recorded. */
  ensure(more: number): void {
    if (this.count + more <= this.words.length) return;
    const w = new Int32Array(Math.max(this.words.length * 2, this.count + more));
    w.set(this.words.subarray(0, this.count));
    this.words = w;
  }

  /** A bit with P(1) = p1 / 2^16 (pushBit's interval). */
  bit(bit: number, p1: number): void {
    this.words[this.count++] = bit ? p1 - 1 : (p1 << 16) | (65535 - p1);
  }

  /** A sample of `prior` (set to its mean and scale): its interval, or an escape kept aside. Returns its slot's frequency (slotFreq: 0 for an escape). */
  sample(prior: CausalPrior, mean16: number, logScale: number, v: number): number {
    const cdf = prior.cdf;
    if (cdf.inWindow(v)) {
      const start = cdf.cum(v),
        freq = cdf.cum(v + 1) - start;
      this.words[this.count++] = (start << 16) | (freq - 1);
      return freq;
    }
    if (this.escapes === this.escAt.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      [this.escAt, this.escMean, this.escScale, this.escValue] = [grow(this.escAt), grow(this.escMean), grow(this.escScale), grow(this.escValue)];
    }
    const e = this.escapes++;
    this.escAt[e] = this.count;
    this.escMean[e] = mean16;
    this.escScale[e] = logScale;
    this.escValue[e] = v;
    this.words[this.count++] = 0;
    return 0;
  }

  /** Pushes every recorded symbol into `enc`, last first. */
  replay(enc: ByteRansEncoder, prior: CausalPrior): void {
    const words = this.words;
    let e = this.escapes - 1;
    for (let j = this.count - 1; j >= 0; j--) {
      if (e >= 0 && this.escAt[e] === j) {
        prior.set(this.escMean[e], this.escScale[e]);
        prior.cdf.encode(enc, this.escValue[e]);
        e--;
      } else {
        const w = words[j];
        enc.push(w >>> 16, (w & 0xffff) + 1, 16);
      }
    }
  }
}

const records = new SymbolRecords();

/**
 * Codes a w×h tile of `count`-channel interleaved samples as a copy tile stream (see the header) of a format with
 * `features` (two-rate bits from format 7); `scratch`: this thread's reusable arrays (tile-scratch.ts), same stream.
 */
export function encodeCopyTile(
  data: Uint8Array,
  w: number,
  h: number,
  count: 1 | 3,
  params: CausalParams,
  stack: StackMode,
  features: Pick<StreamFeatures, 'twoRateBits'> = WRITTEN_FEATURES,
  scratch?: TileScratch,
): Uint8Array {
  const n = w * h,
    total = n * count;
  const values = toPlanes(toIndices(data, count, params.values), n, count, scratch);
  const { lo, hi, mids } = planeRanges(count);
  // The WebAssembly twin (causal-tile-wasm.ts) codes the same stream, faster; null: the TypeScript below.
  const twin = encodeCopyTwin(new CausalKernel(count, w, h, lo, hi, mids, params, stack, scratch), values, features.twoRateBits);
  if (twin !== null) return twin;
  const s = new CopyState(count, w, h, params, stack, features.twoRateBits, scratch);
  const kernel = s.kernel;
  const truePacked = int32Array(scratch, 'copy-true-packed', n);
  for (let i = 0; i < n; i++) truePacked[i] = packPixel(values, i, count);
  // Forward in decode order, recording each symbol; rANS then takes them in reverse.
  const perPixel = CANDIDATES + 1 + CACHE_BITS + count;
  const rec = records;
  rec.start(Math.max(64, 2 * total));
  const prior = new CausalPrior();
  let causalSum = 0,
    causalCount = 0;
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      rec.ensure(perPixel);
      s.candidates(x, y);
      let hit = -1;
      for (let j = 0; j < s.n && hit < 0; j++) {
        const bit = truePacked[i] === s.packedOf(s.at[j]) ? 1 : 0;
        const ctx = s.contextOf(j);
        rec.bit(bit, s.bits.p1(ctx));
        s.bits.update(ctx, bit);
        if (bit) hit = j;
      }
      let slot = hit >= 0 ? -1 : s.cachedSlot(values, i);
      // Encoder's choice (the decoder just follows the bits): the cache only when its bits cost less
      // than a miss plus the tile's running mean cost of a causally coded pixel (1/16 bits, log16).
      if (slot >= 0) {
        let tree = bitCost16(s.cacheBits.p1(s.hitContext), 1);
        for (let b = CACHE_BITS - 1, node = 1; b >= 0; b--) {
          const bit = (slot >> b) & 1;
          tree += bitCost16(s.cacheBits.p1(16 + node), bit);
          node = node * 2 + bit;
        }
        if (tree >= bitCost16(s.cacheBits.p1(s.hitContext), 0) + Math.floor((causalSum + CAUSAL_PRIOR16) / (causalCount + 1))) slot = -1;
      }
      if (hit < 0) {
        // The colour cache: one bit, then the slot's bits from the top (a binary tree of contexts).
        const ctx = s.hitContext;
        rec.bit(slot >= 0 ? 1 : 0, s.cacheBits.p1(ctx));
        s.cacheBits.update(ctx, slot >= 0 ? 1 : 0);
        for (let b = CACHE_BITS - 1, node = 1; slot >= 0 && b >= 0; b--) {
          const bit = (slot >> b) & 1;
          rec.bit(bit, s.cacheBits.p1(16 + node));
          s.cacheBits.update(16 + node, bit);
          node = node * 2 + bit;
        }
      }
      if (hit >= 0) s.copy(i, s.at[hit], s.id[hit]);
      else if (slot >= 0) s.copy(i, s.cachedPixel(slot), CACHED);
      else {
        kernel.pixel(x, y);
        for (let c = 0; c < count; c++) {
          kernel.predict(c, i);
          const v = values[i * count + c];
          prior.set(kernel.mean16, kernel.logScale);
          const f = rec.sample(prior, kernel.mean16, kernel.logScale, v);
          causalSum += f ? 16 * PROB_BITS - log16(f) : 16 * 32;
          kernel.commit(c, i, values[i * count + c]);
        }
        causalCount++;
      }
      s.remember(i);
    }
  }
  const enc = new ByteRansEncoder(Math.max(64, total), 'one');
  rec.replay(enc, prior);
  return enc.finish();
}

/** Decodes a copy tile stream of a format with `features` to w×h interleaved samples; typed errors on corruption; `scratch` as for encodeCopyTile. */
export function decodeCopyTile(
  bytes: Uint8Array,
  w: number,
  h: number,
  count: 1 | 3,
  params: CausalParams,
  stack: StackMode,
  features: Pick<StreamFeatures, 'twoRateBits'> = WRITTEN_FEATURES,
  scratch?: TileScratch,
): Uint8Array {
  const n = w * h;
  const { lo, hi, mids } = planeRanges(count);
  try {
    const dec = new ByteRansDecoder(bytes, 'one');
    // The WebAssembly twin (causal-tile-wasm.ts) first; null or TWIN_FALLBACK: the TypeScript below.
    const kernel = new CausalKernel(count, w, h, lo, hi, mids, params, stack, scratch);
    if (decodeCopyTwin(kernel, bytes, features.twoRateBits)) return decodedTile(kernel, n, count, params);
    return decodeCopyWith(dec, w, h, count, params, stack, features, scratch);
  } catch (e) {
    throw tileStreamError(e);
  }
}

/** decodeCopyTile in TypeScript, from its rANS decoder `dec`; throws AnsError or FlowzipError. */
function decodeCopyWith(
  dec: ByteRansDecoder,
  w: number,
  h: number,
  count: 1 | 3,
  params: CausalParams,
  stack: StackMode,
  features: Pick<StreamFeatures, 'twoRateBits'>,
  scratch: TileScratch | undefined,
): Uint8Array {
  const n = w * h;
  const { lo, hi } = planeRanges(count);
  const s = new CopyState(count, w, h, params, stack, features.twoRateBits, scratch);
  const kernel = s.kernel;
  const prior = new CausalPrior();
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      s.candidates(x, y);
      let hit = -1;
      for (let j = 0; j < s.n && hit < 0; j++) if (s.bits.decode(dec, s.contextOf(j))) hit = j;
      let slot = -1;
      if (hit < 0 && s.cacheBits.decode(dec, s.hitContext)) {
        let node = 1;
        for (let b = 0; b < CACHE_BITS; b++) node = node * 2 + s.cacheBits.decode(dec, 16 + node);
        slot = node - (1 << CACHE_BITS);
      }
      if (hit >= 0) s.copy(i, s.at[hit], s.id[hit]);
      else if (slot >= 0) s.copy(i, s.cachedPixel(slot), CACHED);
      else {
        kernel.pixel(x, y);
        for (let c = 0; c < count; c++) {
          kernel.predict(c, i);
          prior.set(kernel.mean16, kernel.logScale);
          const v = prior.cdf.decode(dec);
          if (v < lo[c] || v > hi[c]) throw new FlowzipError('E_CORRUPT', SAMPLE_OUT_OF_RANGE);
          kernel.commit(c, i, v);
        }
      }
      s.remember(i);
    }
  }
  dec.finish();
  return decodedTile(kernel, n, count, params);
}

/**
 * The encoder's choice of a copy tile: whether at least 1/8 of the tile's
 * pixels (w×h interleaved, `count` channels) equal their W or N neighbour.
 */
export function copyWorthTrying(data: Uint8Array, w: number, h: number, count: number): boolean {
  let same = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let eq = false;
      if (x > 0) {
        eq = true;
        for (let c = 0; c < count && eq; c++) eq = data[i * count + c] === data[(i - 1) * count + c];
      }
      if (!eq && y > 0) {
        eq = true;
        for (let c = 0; c < count && eq; c++) eq = data[i * count + c] === data[(i - w) * count + c];
      }
      if (eq) same++;
    }
  }
  return same * 8 >= w * h;
}
