/**
 * The PNG image header (IHDR): its fields, the colour-type / bit-depth rules
 * of the PNG specification (ISO/IEC 15948, table 11.1), and its 13-byte
 * encoding.
 */

import { FlowzipError } from '../errors.js';
import type { RasterChannels } from './image.js';

/** PNG colour type: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
export type PngColourType = 0 | 2 | 3 | 4 | 6;

/** PNG bit depth as stored (bits per sample, or per palette index). */
export type PngBitDepth = 1 | 2 | 4 | 8 | 16;

/** The IHDR fields flowzip cares about (compression and filter method are always 0). */
export interface PngHeader {
  width: number;
  height: number;
  bitDepth: PngBitDepth;
  colourType: PngColourType;
  interlaced: boolean;
}

/** Bit depths the PNG specification allows for each colour type. */
export const ALLOWED_BIT_DEPTHS: Readonly<Record<PngColourType, readonly PngBitDepth[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/** Samples per pixel for each colour type (a palette index counts as one). */
export const CHANNELS_OF: Readonly<Record<PngColourType, RasterChannels>> = {
  0: 1,
  2: 3,
  3: 1,
  4: 2,
  6: 4,
};

/** Largest width or height PNG allows. */
const MAX_DIMENSION = 2 ** 31 - 1;

/** IHDR data length. */
export const IHDR_LENGTH = 13;

/** True if `colourType` / `bitDepth` is a combination the PNG specification allows. */
export function isValidColourAndDepth(colourType: number, bitDepth: number): boolean {
  const allowed = (ALLOWED_BIT_DEPTHS as Record<number, readonly number[] | undefined>)[colourType];
  return allowed !== undefined && allowed.includes(bitDepth);
}

/**
 * Decodes IHDR chunk data. Throws `FlowzipError('E_BAD_IMAGE')` on a wrong
 * length, a zero or oversized dimension, a colour type / bit depth combination
 * the specification forbids, or a compression, filter or interlace method
 * other than those the specification defines.
 */
export function decodePngHeader(data: Uint8Array): PngHeader {
  if (data.length !== IHDR_LENGTH) {
    throw new FlowzipError('E_BAD_IMAGE', `PNG: IHDR has length ${data.length}, expected ${IHDR_LENGTH}`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [bitDepth, colourType, compression, filter, interlace] = data.subarray(8);
  if (width < 1 || height < 1 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
    throw new FlowzipError('E_BAD_IMAGE', `PNG: bad dimensions ${width}x${height}`);
  }
  if (!isValidColourAndDepth(colourType, bitDepth)) {
    throw new FlowzipError('E_BAD_IMAGE', `PNG: colour type ${colourType} with bit depth ${bitDepth} is invalid`);
  }
  if (compression !== 0) {
    throw new FlowzipError('E_BAD_IMAGE', `PNG: unknown compression method ${compression}`);
  }
  if (filter !== 0) {
    throw new FlowzipError('E_BAD_IMAGE', `PNG: unknown filter method ${filter}`);
  }
  if (interlace !== 0 && interlace !== 1) {
    throw new FlowzipError('E_BAD_IMAGE', `PNG: unknown interlace method ${interlace}`);
  }
  return {
    width,
    height,
    bitDepth: bitDepth as PngBitDepth,
    colourType: colourType as PngColourType,
    interlaced: interlace === 1,
  };
}

/** Encodes IHDR chunk data. The caller guarantees the header is valid. */
export function encodePngHeader(header: PngHeader): Uint8Array {
  const data = new Uint8Array(IHDR_LENGTH);
  const view = new DataView(data.buffer);
  view.setUint32(0, header.width);
  view.setUint32(4, header.height);
  data[8] = header.bitDepth;
  data[9] = header.colourType;
  data[10] = 0; // compression method: deflate
  data[11] = 0; // filter method: adaptive
  data[12] = header.interlaced ? 1 : 0;
  return data;
}
