/**
 * 16-bit samples through the image path (format 6, image header kind 5):
 * each sample v is split into its high byte h = v >> 8, coded by the models
 * like any 8-bit image, and a low-byte residual r = (v − 257·h) mod 256 — 0
 * for a sample that is an 8-bit value scaled by 257, which most 16-bit PNGs
 * made from 8-bit sources hold — sent brotli-compressed in the image header:
 *
 *   byte layout (0: residuals interleaved like the samples, 1: planar, one
 *   channel after another), varint length + brotli stream of the
 *   width × height × channels residual bytes.
 *
 * The inverse: v = 256·h + ((h + r) mod 256).
 */
import { brotliCompressSync, constants as zc } from '../platform/zlib.js';
import { brotliDecodeExact } from './brotli.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { FlowzipError } from './errors.js';

/** Brotli quality of the residual stream. */
const RESIDUAL_QUALITY = 9;

/** The high bytes of interleaved 16-bit samples. */
export function highBytes(samples: Uint16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i] >> 8;
  return out;
}

/** The residual section (see the header) of interleaved 16-bit samples of `channels` channels: the smaller layout. */
export function residualSection(samples: Uint16Array, channels: number): Uint8Array {
  const n = samples.length / channels;
  const inter = new Uint8Array(samples.length),
    planar = new Uint8Array(samples.length);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) {
      const v = samples[i * channels + c],
        r = (v - 257 * (v >> 8)) & 255;
      inter[i * channels + c] = r;
      planar[c * n + i] = r;
    }
  }
  const params = { [zc.BROTLI_PARAM_QUALITY]: RESIDUAL_QUALITY, [zc.BROTLI_PARAM_SIZE_HINT]: samples.length };
  const a = brotliCompressSync(inter, { params });
  const b = channels > 1 ? brotliCompressSync(planar, { params }) : a;
  const [layout, stream] = b.length < a.length ? [1, b] : [0, a];
  return new ByteWriter().byte(layout).lengthPrefixed(stream).finish();
}

/** Reads a residual section's bytes (layout byte, stream) from `r`; E_CORRUPT on an unknown layout. */
export function readResidualSection(r: ByteReader): Uint8Array {
  const layout = r.byte();
  if (layout > 1) throw new FlowzipError('E_CORRUPT', 'stream has a corrupt 16-bit residual section');
  return new ByteWriter().byte(layout).lengthPrefixed(r.lengthPrefixed()).finish();
}

/** Rebuilds interleaved 16-bit samples from their high bytes and a residual section; E_CORRUPT when the residuals do not decode to exactly one byte per sample. */
export function joinSamples(high: Uint8Array, section: Uint8Array, channels: number): Uint16Array {
  const rd = new ByteReader(section);
  const layout = rd.byte();
  const res = brotliDecodeExact(rd.lengthPrefixed(), high.length);
  if (!res) throw new FlowzipError('E_CORRUPT', 'stream is corrupt (16-bit residuals)');
  const n = high.length / channels;
  const out = new Uint16Array(high.length);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) {
      const h = high[i * channels + c];
      out[i * channels + c] = 256 * h + ((h + res[layout ? c * n + i : i * channels + c]) & 255);
    }
  }
  return out;
}
