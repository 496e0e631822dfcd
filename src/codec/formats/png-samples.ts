/**
 * Conversion between a PNG scanline's bytes (after unfiltering) and raster
 * samples: 1, 2 and 4-bit samples are packed most-significant-bits first with
 * rows padded to a whole byte; 8-bit samples are bytes; 16-bit samples are
 * big-endian byte pairs.
 *
 * Written here rather than taken from fast-png: fast-png returns 1/2/4-bit
 * images (including palette indices) still packed, and expects them packed.
 */

import { FlowzipError } from '../errors.js';
import type { PngBitDepth } from './png-header.js';

/** Bytes in one scanline of `pixels` pixels (without the filter type byte). */
export function scanlineBytes(pixels: number, channels: number, bitDepth: PngBitDepth): number {
  return Math.ceil((pixels * channels * bitDepth) / 8);
}

/** The filter's "bytes per pixel": bytes per complete pixel, rounded up to 1. */
export function filterBytesPerPixel(channels: number, bitDepth: PngBitDepth): number {
  return Math.max(1, (channels * bitDepth) / 8);
}

/**
 * Unpacks one scanline of `pixels` pixels from `src` (starting at `srcOffset`)
 * into `dst`, writing pixel i's channels at `dstIndex + i * dstPixelStride`.
 * Padding bits at the end of a sub-byte row are ignored.
 */
export function unpackScanline(
  src: Uint8Array,
  srcOffset: number,
  pixels: number,
  channels: number,
  bitDepth: PngBitDepth,
  dst: Uint8Array | Uint16Array,
  dstIndex: number,
  dstPixelStride: number,
): void {
  if (bitDepth === 8) {
    for (let i = 0, s = srcOffset; i < pixels; i++) {
      const d = dstIndex + i * dstPixelStride;
      for (let c = 0; c < channels; c++) dst[d + c] = src[s++];
    }
  } else if (bitDepth === 16) {
    for (let i = 0, s = srcOffset; i < pixels; i++) {
      const d = dstIndex + i * dstPixelStride;
      for (let c = 0; c < channels; c++, s += 2) dst[d + c] = (src[s] << 8) | src[s + 1];
    }
  } else {
    // Sub-byte depths only occur with one channel (grey or palette).
    const perByte = 8 / bitDepth;
    const mask = (1 << bitDepth) - 1;
    for (let i = 0; i < pixels; i++) {
      const byte = src[srcOffset + Math.floor(i / perByte)];
      const shift = 8 - bitDepth * ((i % perByte) + 1);
      dst[dstIndex + i * dstPixelStride] = (byte >>> shift) & mask;
    }
  }
}

/**
 * Packs `pixels` pixels of `channels` samples, read contiguously from `src`
 * at `srcIndex`, into one scanline at `dst[dstOffset]` (which the caller has
 * zeroed, so sub-byte padding bits are 0). Throws `FlowzipError('E_BAD_IMAGE')`
 * if a sample does not fit in `bitDepth` bits.
 */
export function packScanline(src: Uint8Array | Uint16Array, srcIndex: number, pixels: number, channels: number, bitDepth: PngBitDepth, dst: Uint8Array, dstOffset: number): void {
  const count = pixels * channels;
  if (bitDepth === 8) {
    dst.set(src.subarray(srcIndex, srcIndex + count), dstOffset);
  } else if (bitDepth === 16) {
    for (let i = 0, d = dstOffset; i < count; i++, d += 2) {
      const v = src[srcIndex + i];
      dst[d] = v >>> 8;
      dst[d + 1] = v & 0xff;
    }
  } else {
    const perByte = 8 / bitDepth;
    const max = (1 << bitDepth) - 1;
    for (let i = 0; i < count; i++) {
      const v = src[srcIndex + i];
      if (v > max) {
        throw new FlowzipError('E_BAD_IMAGE', `PNG: sample ${v} does not fit in bit depth ${bitDepth}`);
      }
      const shift = 8 - bitDepth * ((i % perByte) + 1);
      dst[dstOffset + Math.floor(i / perByte)] |= v << shift;
    }
  }
}
