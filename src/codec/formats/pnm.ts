/**
 * Binary PNM (netpbm P5 greymap / P6 pixmap): parse to a {@link Raster} plus
 * the verbatim header, and write back byte-identically.
 *
 * Header grammar accepted (netpbm's): the magic `P5`/`P6`; then width, height
 * and maxval as unsigned decimal integers, each preceded by any run of
 * whitespace (space, \t, \n, \v, \f, \r) and `#` comments (to the next \n or
 * \r); then exactly one whitespace byte, or one comment including its line
 * end, after maxval. The header is kept verbatim, so comments and
 * non-canonical whitespace survive a round trip.
 */

import { FlowzipError } from '../errors.js';
import { DEFAULT_MAX_PIXELS, assertRaster, createRaster, type Raster } from './image.js';

/** A parsed binary PNM. */
export interface PnmImage {
  /** Samples as stored: channels 1 (P5) or 3 (P6); bitDepth 16 iff maxval > 255. */
  raster: Raster;
  /** Exact header bytes, including the single whitespace byte (or comment) after maxval. */
  header: Uint8Array;
  /** Maximum sample value declared in the header, 1..65535. */
  maxval: number;
}

/** Options for {@link parsePnm}. */
export interface PnmParseOptions {
  /** Largest accepted `width * height`; default {@link DEFAULT_MAX_PIXELS}. */
  maxPixels?: number;
}

/** Largest width or height accepted (the PNG limit, 2^31 - 1). */
const MAX_DIMENSION = 2 ** 31 - 1;
const MAX_MAXVAL = 65535;

const CHAR_P = 0x50;
const CHAR_5 = 0x35;
const CHAR_6 = 0x36;
const CHAR_HASH = 0x23;
const CHAR_LF = 0x0a;
const CHAR_CR = 0x0d;

/**
 * Parses a binary PNM (P5 or P6).
 *
 * Returns null if `bytes` do not start with `P5` or `P6`, if bytes follow the
 * sample data (not a clean PNM; the caller treats the file as raw bytes), or
 * if a sample exceeds maxval (it could not round-trip through the raster
 * semantics).
 *
 * Throws `FlowzipError('E_BAD_IMAGE')` (one-line message) on a malformed or
 * truncated header, width/height 0 or above 2^31 - 1, maxval outside 1..65535,
 * or sample data shorter than `width * height * channels * bytesPerSample`
 * (bytesPerSample 2, big-endian, when maxval > 255).
 * Throws `FlowzipError('E_LIMIT')` if `width * height > opts.maxPixels`,
 * checked from the header before any sample is read.
 *
 * The returned header and samples are copies; `bytes` is not retained.
 */
export function parsePnm(bytes: Uint8Array, opts: PnmParseOptions = {}): PnmImage | null {
  if (bytes.length < 2 || bytes[0] !== CHAR_P || (bytes[1] !== CHAR_5 && bytes[1] !== CHAR_6)) {
    return null;
  }
  const channels = bytes[1] === CHAR_5 ? 1 : 3;
  const cursor = new HeaderCursor(bytes, 2);
  const width = cursor.readNumber('width');
  const height = cursor.readNumber('height');
  if (width < 1 || height < 1 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
    throw new FlowzipError('E_BAD_IMAGE', `PNM: bad dimensions ${width}x${height}`);
  }
  const maxval = cursor.readNumber('maxval');
  if (maxval < 1 || maxval > MAX_MAXVAL) {
    throw new FlowzipError('E_BAD_IMAGE', `PNM: maxval ${maxval} is outside 1..${MAX_MAXVAL}`);
  }
  cursor.readFinalSeparator();

  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (width * height > maxPixels) {
    throw new FlowzipError('E_LIMIT', `PNM: ${width}x${height} exceeds the limit of ${maxPixels} pixels`);
  }

  const bitDepth = maxval > 255 ? 16 : 8;
  const dataStart = cursor.position;
  const dataLength = width * height * channels * (bitDepth / 8);
  const available = bytes.length - dataStart;
  if (available < dataLength) {
    throw new FlowzipError('E_BAD_IMAGE', `PNM: truncated, ${available} of ${dataLength} sample bytes present`);
  }
  if (available > dataLength) return null;

  const raster = createRaster(width, height, channels, bitDepth);
  if (!readSamples(bytes, dataStart, raster.samples, bitDepth, maxval)) return null;
  return { raster, header: bytes.slice(0, dataStart), maxval };
}

/**
 * Exact inverse of {@link parsePnm}: `header` followed by the raster's samples
 * (one byte each for bitDepth 8, two bytes big-endian for bitDepth 16).
 * Does not check the header against the raster; the caller pairs them.
 * Throws `FlowzipError('E_BAD_IMAGE')` if the raster breaks its invariants.
 */
export function writePnm(header: Uint8Array, raster: Raster): Uint8Array {
  assertRaster(raster, 'PNM');
  const { samples } = raster;
  const out = new Uint8Array(header.length + samples.length * (raster.bitDepth / 8));
  out.set(header, 0);
  if (samples instanceof Uint8Array) {
    out.set(samples, header.length);
  } else {
    let o = header.length;
    for (let i = 0; i < samples.length; i++) {
      const v = samples[i];
      out[o++] = v >>> 8;
      out[o++] = v & 0xff;
    }
  }
  return out;
}

/**
 * Canonical header `P5\n<w> <h>\n<maxval>\n` (P6 for 3 channels), so a
 * container can store just the dimensions when a file's header equals it.
 * Throws `FlowzipError('E_BAD_IMAGE')` if the raster has neither 1 nor 3
 * channels, or maxval is outside 1..65535, or maxval disagrees with the
 * raster's bit depth (bitDepth 16 iff maxval > 255).
 */
export function canonicalPnmHeader(raster: Raster, maxval: number): Uint8Array {
  if (raster.channels !== 1 && raster.channels !== 3) {
    throw new FlowzipError('E_BAD_IMAGE', `PNM: ${raster.channels}-channel raster has no PNM form`);
  }
  if (!Number.isInteger(maxval) || maxval < 1 || maxval > MAX_MAXVAL) {
    throw new FlowzipError('E_BAD_IMAGE', `PNM: maxval ${maxval} is outside 1..${MAX_MAXVAL}`);
  }
  if (maxval > 255 !== (raster.bitDepth === 16)) {
    throw new FlowzipError('E_BAD_IMAGE', `PNM: maxval ${maxval} does not match bit depth ${raster.bitDepth}`);
  }
  const magic = raster.channels === 1 ? 'P5' : 'P6';
  return new TextEncoder().encode(`${magic}\n${raster.width} ${raster.height}\n${maxval}\n`);
}

/** Copies sample bytes into `samples`; false if any sample exceeds maxval. */
function readSamples(bytes: Uint8Array, start: number, samples: Uint8Array | Uint16Array, bitDepth: 8 | 16, maxval: number): boolean {
  let o = start;
  for (let i = 0; i < samples.length; i++) {
    const v = bitDepth === 8 ? bytes[o++] : (bytes[o++] << 8) | bytes[o++];
    if (v > maxval) return false;
    samples[i] = v;
  }
  return true;
}

function isWhitespace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** Reads header tokens left to right; every failure is E_BAD_IMAGE. */
class HeaderCursor {
  constructor(
    private readonly bytes: Uint8Array,
    public position: number,
  ) {}

  /** Skips whitespace and comments, then reads an unsigned decimal integer. */
  readNumber(name: string): number {
    this.skipSeparators();
    const { bytes } = this;
    if (this.position >= bytes.length) {
      throw new FlowzipError('E_BAD_IMAGE', `PNM: header truncated before ${name}`);
    }
    if (!isDigit(bytes[this.position])) {
      throw new FlowzipError('E_BAD_IMAGE', `PNM: ${name} is not a decimal number`);
    }
    let value = 0;
    while (this.position < bytes.length && isDigit(bytes[this.position])) {
      value = value * 10 + (bytes[this.position++] - 0x30);
      // Saturate: anything this large is rejected by the caller's range check.
      if (value > MAX_DIMENSION) value = MAX_DIMENSION + 1;
    }
    return value;
  }

  /** Consumes the single whitespace byte, or the one comment, that ends the header. */
  readFinalSeparator(): void {
    const { bytes } = this;
    if (this.position >= bytes.length) {
      throw new FlowzipError('E_BAD_IMAGE', 'PNM: header truncated after maxval');
    }
    const b = bytes[this.position];
    if (isWhitespace(b)) {
      this.position++;
    } else if (b === CHAR_HASH) {
      this.skipComment();
    } else {
      throw new FlowzipError('E_BAD_IMAGE', 'PNM: maxval is not followed by whitespace');
    }
  }

  private skipSeparators(): void {
    const { bytes } = this;
    while (this.position < bytes.length) {
      const b = bytes[this.position];
      if (isWhitespace(b)) this.position++;
      else if (b === CHAR_HASH) this.skipComment();
      else return;
    }
  }

  /** Skips a `#` comment including the \n or \r that ends it. */
  private skipComment(): void {
    const { bytes } = this;
    let p = this.position + 1;
    while (p < bytes.length && bytes[p] !== CHAR_LF && bytes[p] !== CHAR_CR) p++;
    if (p >= bytes.length) {
      throw new FlowzipError('E_BAD_IMAGE', 'PNM: header truncated inside a comment');
    }
    this.position = p + 1;
  }
}
