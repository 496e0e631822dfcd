/**
 * The PNG image data stream (the concatenated IDAT payload): a zlib stream of
 * filtered scanlines, pass by pass. Converts it to and from a {@link Raster}.
 *
 * Written here with node:zlib rather than with fast-png's decode/encode:
 * fast-png does not report how many bytes the zlib stream inflated to (a
 * stream that is short or long for the image goes unnoticed, missing bytes
 * silently becoming 0), returns sub-byte and palette images packed, mis-decodes
 * interlaced sub-byte images, and its encoder only emits filter None with
 * fflate level 3. The whole path is small enough to own: inflate, unfilter,
 * unpack (and the reverse).
 */

import { bufferConstants, deflateSync, inflateSync } from '../../platform/zlib.js';

import { FlowzipError } from '../errors.js';
import { createRaster, type Raster } from './image.js';
import { filterRows, unfilterBlock } from './png-filter.js';
import { CHANNELS_OF, type PngHeader } from './png-header.js';
import { pngPasses } from './png-interlace.js';
import { filterBytesPerPixel, packScanline, scanlineBytes, unpackScanline } from './png-samples.js';

/** zlib level used when writing; fixed so output is deterministic. 9 costs ~6x the time for ~4% smaller files. */
export const DEFLATE_LEVEL = 6;

/** Length in bytes of the inflated image data of an image with this header. */
export function imageDataLength(header: PngHeader): number {
  const channels = CHANNELS_OF[header.colourType];
  let total = 0;
  for (const pass of pngPasses(header.width, header.height, header.interlaced)) {
    total += pass.height * (1 + scanlineBytes(pass.width, channels, header.bitDepth));
  }
  return total;
}

/**
 * Decodes the concatenated IDAT payload of an image with `header` into a
 * raster: channels per the colour type (palette → 1 channel of indices),
 * bitDepth 16 for PNG depth 16 and 8 otherwise, samples unscaled (a 2-bit
 * grey sample is 0..3).
 *
 * Throws `FlowzipError('E_BAD_IMAGE')` if the zlib stream is corrupt or
 * truncated, inflates to fewer or more bytes than the image needs, or holds
 * an invalid filter type. Bytes after the end of the zlib stream are ignored.
 */
export function decodeImageData(zlibData: Uint8Array, header: PngHeader): Raster {
  const expected = imageDataLength(header);
  const data = inflateExactly(zlibData, expected);
  const channels = CHANNELS_OF[header.colourType];
  const { bitDepth } = header;
  const raster = createRaster(header.width, header.height, channels, bitDepth === 16 ? 16 : 8);
  const bpp = filterBytesPerPixel(channels, bitDepth);
  let offset = 0;
  for (const pass of pngPasses(header.width, header.height, header.interlaced)) {
    const rowBytes = scanlineBytes(pass.width, channels, bitDepth);
    unfilterBlock(data, offset, rowBytes, pass.height, bpp);
    for (let j = 0; j < pass.height; j++) {
      const y = pass.y0 + j * pass.dy;
      const rowStart = offset + j * (rowBytes + 1) + 1;
      const dstIndex = (y * header.width + pass.x0) * channels;
      unpackScanline(data, rowStart, pass.width, channels, bitDepth, raster.samples, dstIndex, pass.dx * channels);
    }
    offset += pass.height * (rowBytes + 1);
  }
  return raster;
}

/**
 * Encodes `raster` as a non-interlaced zlib image data stream for an image
 * with `header` (whose `interlaced` the caller has checked is false). Rows of
 * sub-byte or palette images use filter None; others choose a filter per row
 * adaptively (see `filterRows`). Deterministic for a given Node version.
 *
 * The caller guarantees the raster's shape matches the header. Throws
 * `FlowzipError('E_BAD_IMAGE')` if a sample does not fit the bit depth.
 */
export function encodeImageData(raster: Raster, header: PngHeader): Uint8Array {
  const { width, height, bitDepth, colourType } = header;
  const channels = CHANNELS_OF[colourType];
  const rowBytes = scanlineBytes(width, channels, bitDepth);
  const raw = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    packScanline(raster.samples, y * width * channels, width, channels, bitDepth, raw, y * rowBytes);
  }
  // libpng's advice: filtering rarely helps palette or sub-byte images.
  const adaptive = colourType !== 3 && bitDepth >= 8;
  const filtered = filterRows(raw, rowBytes, height, filterBytesPerPixel(channels, bitDepth), adaptive);
  return deflateSync(filtered, { level: DEFLATE_LEVEL });
}

/** Inflates `zlibData`, requiring exactly `expected` bytes of output. */
function inflateExactly(zlibData: Uint8Array, expected: number): Uint8Array {
  if (expected > bufferConstants.MAX_LENGTH) {
    throw new FlowzipError('E_LIMIT', `PNG: image data of ${expected} bytes is too large`);
  }
  let data: Uint8Array;
  try {
    data = inflateSync(zlibData, { maxOutputLength: expected });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw imageDataTooLong();
    throw imageDataCorrupt(error);
  }
  if (data.length !== expected) throw imageDataShort(data.length, expected);
  return data;
}

/** The error for image data that inflates to more bytes than the image needs. */
export function imageDataTooLong(): FlowzipError {
  return new FlowzipError('E_BAD_IMAGE', 'PNG: image data is longer than the image needs');
}

/** The error for image data zlib refuses (`error` is zlib's). */
export function imageDataCorrupt(error: unknown): FlowzipError {
  return new FlowzipError('E_BAD_IMAGE', `PNG: image data does not inflate (${(error as Error).message})`);
}

/** The error for image data that ends after `length` of the `expected` bytes. */
export function imageDataShort(length: number, expected: number): FlowzipError {
  return new FlowzipError('E_BAD_IMAGE', `PNG: image data has ${length} bytes, expected ${expected}`);
}
