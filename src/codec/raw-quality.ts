/**
 * How hard brotli works on raw bytes (non-images, and the whole-file
 * candidate of images the flow did poorly on): issue 17, item 5. Brotli at
 * quality 11 runs at ~0.2 MB/s (5 MB of random bytes took 18 s, a 6.8 MB
 * binary 43 s), so:
 *
 * - up to {@link FULL_QUALITY_BYTES} the quality stays 11 (what flowzip always
 *   did: streams of small files are unchanged);
 * - above it, evenly spread samples are compressed at quality 1 first; when
 *   they do not shrink by 1%, the data is taken as incompressible and brotli
 *   is skipped (the caller stores it: ≥ 20 MB/s on random bytes);
 * - otherwise the quality falls with the size: 9 to 4 MiB, 7 to 16 MiB, 5 to
 *   64 MiB, 3 beyond (≈ 7, 11, 26 and 80 MB/s on a binary).
 *
 * Integer decisions only (byte counts), so every platform chooses alike.
 */
import { brotliCompressSync, constants as zc } from '../platform/zlib.js';

/** Inputs up to this size get quality 11 and no sampling. */
export const FULL_QUALITY_BYTES = 256 << 10;
const SAMPLES = 16,
  SAMPLE_BYTES = 64 << 10;

/** Quality for brotli by input size (above {@link FULL_QUALITY_BYTES}). */
function qualityBySize(bytes: number): number {
  if (bytes <= FULL_QUALITY_BYTES) return 11;
  if (bytes <= 4 << 20) return 9;
  if (bytes <= 16 << 20) return 7;
  if (bytes <= 64 << 20) return 5;
  return 3;
}

/** True when quality-1 brotli of evenly spread samples saves under 1% (random, already compressed). */
export function looksIncompressible(input: Uint8Array): boolean {
  const step = Math.max(SAMPLE_BYTES, Math.floor(input.length / SAMPLES));
  let raw = 0,
    packed = 0;
  for (let at = 0; at < input.length; at += step) {
    const sample = input.subarray(at, Math.min(input.length, at + SAMPLE_BYTES));
    raw += sample.length;
    packed += brotliCompressSync(sample, { params: { [zc.BROTLI_PARAM_QUALITY]: 1, [zc.BROTLI_PARAM_SIZE_HINT]: sample.length } }).length;
  }
  return packed * 100 >= raw * 99;
}

/**
 * Brotli quality for `input` (at most `cap`), or null when it looks
 * incompressible and brotli is not worth running (only above
 * {@link FULL_QUALITY_BYTES}, and only when `mayStore`).
 */
export function rawBrotliQuality(input: Uint8Array, cap = 11, mayStore = true): number | null {
  if (mayStore && input.length > FULL_QUALITY_BYTES && looksIncompressible(input)) return null;
  return Math.min(cap, qualityBySize(input.length));
}
