/**
 * Tile streams of a count-context model (flows/count-context.ts): a
 * byte-renormalising rANS stream started at state 1, the tile's samples
 * (one plane, w×h) in raster order, each coded with the quantised
 * distribution of its context. No per-image parameters.
 */
import { ByteRansDecoder, ByteRansEncoder } from '../ans/index.js';
import { COUNT_PROB_BITS, contextsOf, sampleContext, CountCdfCache, freqOf, valueAt } from '../flows/count-context.js';
import { tileStreamError } from './errors.js';

/** Codes a w×h tile of one plane (row-major samples); returns the tile stream. */
export function encodeCountTile(data: Uint8Array, w: number, h: number, cdfs: CountCdfCache): Uint8Array {
  const n = w * h;
  const ctx = contextsOf(data, w, h);
  const enc = new ByteRansEncoder(Math.max(64, n), 'one');
  for (let i = n - 1; i >= 0; i--) {
    const starts = cdfs.starts(ctx[i]);
    const s = data[i];
    enc.push(starts[s], freqOf(starts, s), COUNT_PROB_BITS);
  }
  return enc.finish();
}

/** Exact code length in bits of every sample of a tile (as encodeCountTile codes it). For inspection. */
export function countCodeLengths(data: Uint8Array, w: number, h: number, cdfs: CountCdfCache): Float64Array {
  const ctx = contextsOf(data, w, h);
  const bits = new Float64Array(w * h);
  for (let i = 0; i < bits.length; i++) bits[i] = COUNT_PROB_BITS - Math.log2(freqOf(cdfs.starts(ctx[i]), data[i]));
  return bits;
}

/** Decodes a tile stream to w×h samples; typed errors on corruption. */
export function decodeCountTile(bytes: Uint8Array, w: number, h: number, cdfs: CountCdfCache): Uint8Array {
  const out = new Uint8Array(w * h);
  try {
    const dec = new ByteRansDecoder(bytes, 'one');
    for (let y = 0, i = 0; y < h; y++) {
      for (let x = 0; x < w; x++, i++) {
        const starts = cdfs.starts(sampleContext(out, w, h, x, y));
        const slot = dec.peek(COUNT_PROB_BITS);
        const s = valueAt(starts, slot);
        dec.advance(starts[s], freqOf(starts, s), COUNT_PROB_BITS);
        out[i] = s;
      }
    }
    dec.finish();
  } catch (e) {
    throw tileStreamError(e);
  }
  return out;
}
