/**
 * The decoded-image type shared by every image format (PNM, PNG) and by the
 * codec that compresses it.
 */

import { FlowzipError } from '../errors.js';

/** Number of interleaved channels a raster may have. */
export type RasterChannels = 1 | 2 | 3 | 4;

/** Storage depth of raster samples: 8 → `Uint8Array`, 16 → `Uint16Array`. */
export type RasterBitDepth = 8 | 16;

/**
 * Decoded raster: samples interleaved row-major (y, x, channel).
 *
 * Invariants (checked by {@link assertRaster}): `width` and `height` are
 * positive integers, `samples.length === width * height * channels`, and
 * `samples` is a `Uint8Array` when `bitDepth` is 8 and a `Uint16Array` when it
 * is 16. Samples hold the values exactly as the source file stores them (no
 * scaling); the format that produced the raster says what their range is
 * (PNM maxval, PNG bit depth or palette size).
 */
export interface Raster {
  width: number;
  height: number;
  channels: RasterChannels;
  bitDepth: RasterBitDepth;
  samples: Uint8Array | Uint16Array;
}

/**
 * Default cap on `width * height` for image parsers: 2^28 pixels. Parsers check
 * it from the header, before allocating or decoding any pixel data.
 */
export const DEFAULT_MAX_PIXELS = 2 ** 28;

/**
 * Default pixel limit of compress: 2^26 (64 Mi pixels, e.g. 8192×8192). An
 * image over it is not refused: it is stored as raw bytes (brotli or stored),
 * so a small file that claims a huge image (a decompression bomb) costs no
 * more memory and time than its own size (issue 17). `maxPixels` /
 * `--max-pixels` raise it; decompress keeps accepting {@link DEFAULT_MAX_PIXELS}.
 */
export const DEFAULT_COMPRESS_MAX_PIXELS = 2 ** 26;

/** Number of samples a raster of this shape holds: `width * height * channels`. */
export function sampleCount(raster: Pick<Raster, 'width' | 'height' | 'channels'>): number {
  return raster.width * raster.height * raster.channels;
}

/**
 * Allocates a zero-filled raster of the given shape. The caller guarantees the
 * shape is valid (positive integer dimensions).
 */
export function createRaster(width: number, height: number, channels: RasterChannels, bitDepth: RasterBitDepth): Raster {
  const count = width * height * channels;
  const samples = bitDepth === 16 ? new Uint16Array(count) : new Uint8Array(count);
  return { width, height, channels, bitDepth, samples };
}

/**
 * Throws `FlowzipError('E_BAD_IMAGE')` unless `raster` satisfies the
 * {@link Raster} invariants. `context` prefixes the message (e.g. `'PNG'`).
 */
export function assertRaster(raster: Raster, context: string): void {
  const { width, height, channels, bitDepth, samples } = raster;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new FlowzipError('E_BAD_IMAGE', `${context}: raster has invalid size ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    throw new FlowzipError('E_BAD_IMAGE', `${context}: raster has invalid channel count ${channels}`);
  }
  const typeMatches = (bitDepth === 8 && samples instanceof Uint8Array) || (bitDepth === 16 && samples instanceof Uint16Array);
  if (!typeMatches) {
    throw new FlowzipError('E_BAD_IMAGE', `${context}: raster sample array does not match bit depth ${bitDepth}`);
  }
  if (samples.length !== sampleCount(raster)) {
    throw new FlowzipError('E_BAD_IMAGE', `${context}: raster has ${samples.length} samples, expected ${sampleCount(raster)}`);
  }
}
