/**
 * 16-bit samples through the image path (format 6, image header kind 5):
 * each sample v is split into its high byte h = v >> 8, coded by the models
 * like any 8-bit image, and a low-byte residual r = (v − 257·h) mod 256 — 0
 * for a sample that is an 8-bit value scaled by 257, which most 16-bit PNGs
 * made from 8-bit sources hold — sent brotli-compressed in the image header:
 *
 *   byte layout (0: residuals interleaved like the samples, 1: planar, one
 *   channel after another), varint length + brotli stream of the
 *   width × height × channels residual bytes;
 *   or (format 7 on, `deepResidualContexts`) layout 2, varint length + a
 *   context-coded rANS stream (below).
 *
 * The inverse: v = 256·h + ((h + r) mod 256).
 *
 * Layout 2 codes the residuals pixel by pixel in raster order, after the
 * high bytes (which the decoder has by then): a pixel's residuals are
 * predicted as those of the last earlier pixel with the same high bytes in
 * every channel (0 when there is none) — images drawn with few 16-bit
 * colours repeat their colours' low bytes. One adaptive bit (quant/adaptive-bit.ts)
 * says whether the prediction is wrong, in context (a pixel with these high
 * bytes seen before, the bits of the W and N pixels); when it is, each
 * channel's difference d = (r − prediction) mod 256 follows as 8 adaptive
 * bits from the top, a binary tree of contexts per channel and "seen".
 * Every bit is coded in the two-rate mode of quant/adaptive-bit.ts.
 * One byte-renormalising rANS stream started at state 1.
 */
import { AnsError, ByteRansDecoder, ByteRansEncoder } from '../ans/index.js';
import { AdaptiveBits, pushBit } from '../quant/adaptive-bit.js';
import { brotliCompressSync, constants as zc } from '../platform/zlib.js';
import { brotliDecodeExact } from './brotli.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { FlowzipError } from './errors.js';
import { WRITTEN_FEATURES, type StreamFeatures } from './stream-features.js';

/** Brotli quality of the residual stream. */
const RESIDUAL_QUALITY = 9;

/** The high bytes of interleaved 16-bit samples. */
export function highBytes(samples: Uint16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i] >> 8;
  return out;
}

/** The residual of a 16-bit sample: (v − 257·(v >> 8)) mod 256. */
const residualOf = (v: number) => (v - 257 * (v >> 8)) & 255;

/**
 * The residual section (see the header) of interleaved 16-bit samples of
 * `channels` channels: the smallest layout that `features` allows (layout 2
 * from format 7 on).
 */
export function residualSection(samples: Uint16Array, channels: number, width: number, features: StreamFeatures = WRITTEN_FEATURES): Uint8Array {
  const n = samples.length / channels;
  const inter = new Uint8Array(samples.length),
    planar = new Uint8Array(samples.length);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) {
      const r = residualOf(samples[i * channels + c]);
      inter[i * channels + c] = r;
      planar[c * n + i] = r;
    }
  }
  const params = { [zc.BROTLI_PARAM_QUALITY]: RESIDUAL_QUALITY, [zc.BROTLI_PARAM_SIZE_HINT]: samples.length };
  let best: [number, Uint8Array] = [0, brotliCompressSync(inter, { params })];
  if (channels > 1) {
    const b = brotliCompressSync(planar, { params });
    if (b.length < best[1].length) best = [1, b];
  }
  if (features.deepResidualContexts) {
    const c = encodeResidualContexts(samples, channels, width);
    if (c.length < best[1].length) best = [2, c];
  }
  return new ByteWriter().byte(best[0]).lengthPrefixed(best[1]).finish();
}

/** Reads a residual section's bytes (layout byte, stream) from `r`; E_CORRUPT on a layout `features` does not have. */
export function readResidualSection(r: ByteReader, features: StreamFeatures = WRITTEN_FEATURES): Uint8Array {
  const layout = r.byte();
  if (layout > (features.deepResidualContexts ? 2 : 1)) throw new FlowzipError('E_CORRUPT', 'stream has a corrupt 16-bit residual section');
  return new ByteWriter().byte(layout).lengthPrefixed(r.lengthPrefixed()).finish();
}

/** Rebuilds interleaved 16-bit samples (`channels` channels, rows of `width` pixels) from their high bytes and a residual section; E_CORRUPT when the residuals do not decode to exactly one byte per sample. */
export function joinSamples(high: Uint8Array, section: Uint8Array, channels: number, width: number): Uint16Array {
  const rd = new ByteReader(section);
  const layout = rd.byte();
  const body = rd.lengthPrefixed();
  const res = layout === 2 ? decodeResidualContexts(body, high, channels, width) : brotliDecodeExact(body, high.length);
  if (!res) throw new FlowzipError('E_CORRUPT', 'stream is corrupt (16-bit residuals)');
  const n = high.length / channels;
  const out = new Uint16Array(high.length);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) {
      const h = high[i * channels + c];
      out[i * channels + c] = 256 * h + ((h + res[layout === 1 ? c * n + i : i * channels + c]) & 255);
    }
  }
  return out;
}

/** Contexts of layout 2: 8 for the "prediction wrong" bit, then per channel (≤ 4) and "seen" a binary tree of 256 nodes. */
const FLAG_CONTEXTS = 8;

/** The contexts, last-seen table and flags shared by layout 2's encoder and decoder. */
class ResidualContexts {
  readonly bits: AdaptiveBits;
  /** Per pixel: 1 when its prediction was wrong. */
  readonly wrong: Uint8Array;
  /** High bytes of every channel → 1 + the last pixel that had them. */
  private readonly last = new Map<number, number>();
  private key = 0;

  constructor(
    readonly width: number,
    pixels: number,
    readonly channels: number,
  ) {
    this.bits = new AdaptiveBits(FLAG_CONTEXTS + channels * 2 * 256, true);
    this.wrong = new Uint8Array(pixels);
  }

  /** The pixel whose residuals predict pixel i's (−1: none, predict 0), from the high bytes of pixel i. */
  source(high: Uint8Array, i: number): number {
    let key = 0;
    for (let c = 0; c < this.channels; c++) key = key * 256 + high[i * this.channels + c];
    this.key = key;
    return (this.last.get(key) ?? 0) - 1;
  }

  /** Context of pixel i's "prediction wrong" bit (`seen`: it has a source). */
  flagContext(i: number, seen: boolean): number {
    const x = i % this.width;
    return (seen ? 1 : 0) | (x > 0 ? this.wrong[i - 1] << 1 : 0) | (i >= this.width ? this.wrong[i - this.width] << 2 : 0);
  }

  /** First context of the tree of channel c's difference. */
  treeBase(c: number, seen: boolean): number {
    return FLAG_CONTEXTS + (c * 2 + (seen ? 1 : 0)) * 256;
  }

  /** After pixel i: it is the last pixel with its high bytes. */
  remember(i: number): void {
    this.last.set(this.key, i + 1);
  }
}

/** Layout 2's rANS stream of the residuals of interleaved 16-bit samples, rows of `width` pixels (see the header). */
export function encodeResidualContexts(samples: Uint16Array, channels: number, width: number): Uint8Array {
  const n = samples.length / channels;
  const high = new Uint8Array(samples.length),
    res = new Uint8Array(samples.length);
  for (let j = 0; j < samples.length; j++) {
    high[j] = samples[j] >> 8;
    res[j] = residualOf(samples[j]);
  }
  const s = new ResidualContexts(width, n, channels);
  // Forward in decode order, recording P(1) << 1 | bit; rANS then takes them in reverse.
  let ops = new Int32Array(Math.max(64, 2 * n)),
    count = 0;
  const code = (ctx: number, bit: number) => {
    if (count === ops.length) {
      const grown = new Int32Array(2 * ops.length);
      grown.set(ops);
      ops = grown;
    }
    ops[count++] = (s.bits.p1(ctx) << 1) | bit;
    s.bits.update(ctx, bit);
  };
  for (let i = 0; i < n; i++) {
    const src = s.source(high, i),
      seen = src >= 0;
    let wrong = 0;
    for (let c = 0; c < channels; c++) if (res[i * channels + c] !== (seen ? res[src * channels + c] : 0)) wrong = 1;
    code(s.flagContext(i, seen), wrong);
    s.wrong[i] = wrong;
    if (wrong) {
      for (let c = 0; c < channels; c++) {
        const d = (res[i * channels + c] - (seen ? res[src * channels + c] : 0)) & 255,
          base = s.treeBase(c, seen);
        for (let b = 7, node = 1; b >= 0; b--) {
          const bit = (d >> b) & 1;
          code(base + node, bit);
          node = node * 2 + bit;
        }
      }
    }
    s.remember(i);
  }
  const enc = new ByteRansEncoder(Math.max(64, count >> 3), 'one');
  for (let j = count - 1; j >= 0; j--) pushBit(enc, ops[j] & 1, ops[j] >> 1);
  return enc.finish();
}

/** Decodes layout 2's stream to the residuals (interleaved) of samples whose high bytes are `high`; null when the stream is inconsistent. */
export function decodeResidualContexts(bytes: Uint8Array, high: Uint8Array, channels: number, width: number): Uint8Array | null {
  const n = high.length / channels;
  const res = new Uint8Array(high.length);
  const s = new ResidualContexts(width, n, channels);
  try {
    const dec = new ByteRansDecoder(bytes, 'one');
    for (let i = 0; i < n; i++) {
      const src = s.source(high, i),
        seen = src >= 0;
      const wrong = s.bits.decode(dec, s.flagContext(i, seen));
      s.wrong[i] = wrong;
      for (let c = 0; c < channels; c++) {
        let d = 0;
        if (wrong) {
          const base = s.treeBase(c, seen);
          let node = 1;
          for (let b = 0; b < 8; b++) node = node * 2 + s.bits.decode(dec, base + node);
          d = node - 256;
        }
        res[i * channels + c] = ((seen ? res[src * channels + c] : 0) + d) & 255;
      }
      s.remember(i);
    }
    dec.finish();
  } catch (e) {
    if (e instanceof AnsError) return null;
    throw e;
  }
  return res;
}
