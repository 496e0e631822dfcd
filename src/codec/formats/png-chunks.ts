/**
 * The PNG chunk stream: the 8-byte signature followed by chunks, each
 * `length (u32 BE) | type (4 ASCII letters) | data | CRC-32 of type+data`.
 * Reading verifies every CRC; writing computes them.
 */

import { crc32 } from '../../platform/zlib.js';

import { FlowzipError } from '../errors.js';

/** One PNG chunk: its 4-letter type and its data (without length and CRC). */
export interface PngChunk {
  /** 4 ASCII letters, e.g. `'tEXt'`. */
  type: string;
  data: Uint8Array;
}

/** The 8 bytes every PNG starts with. */
export const PNG_SIGNATURE: Uint8Array = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** Largest chunk data length PNG allows. */
export const MAX_CHUNK_LENGTH = 2 ** 31 - 1;

/** True if `bytes` start with the PNG signature. */
export function hasPngSignature(bytes: Uint8Array): boolean {
  if (bytes.length < PNG_SIGNATURE.length) return false;
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * True if the chunk type is critical (first letter upper case): a decoder
 * that does not know it cannot display the image.
 */
export function isCriticalChunk(type: string): boolean {
  return type.charCodeAt(0) < 0x60;
}

function isLetter(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/**
 * Reads chunks one at a time from a PNG byte array, starting after the
 * signature (the caller checks it). Chunk data are views into the input, not
 * copies.
 */
export class PngChunkReader {
  private offset = PNG_SIGNATURE.length;

  constructor(private readonly bytes: Uint8Array) {}

  /** Number of bytes not yet read. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /**
   * Returns the next chunk. Throws `FlowzipError('E_BAD_IMAGE')` if the input
   * ends inside or before the chunk (`what` names what was expected there),
   * if the length exceeds 2^31 - 1, if the type is not 4 ASCII letters, or if
   * the CRC does not match.
   */
  next(what = 'a chunk'): PngChunk {
    const { bytes } = this;
    const start = this.offset;
    if (bytes.length - start < 8) {
      throw new FlowzipError('E_BAD_IMAGE', `PNG: truncated, expected ${what} at byte ${start}`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const length = view.getUint32(start);
    const typeBytes = bytes.subarray(start + 4, start + 8);
    if (!typeBytes.every(isLetter)) {
      throw new FlowzipError('E_BAD_IMAGE', `PNG: invalid chunk type at byte ${start}`);
    }
    const type = String.fromCharCode(...typeBytes);
    if (length > MAX_CHUNK_LENGTH) {
      throw new FlowzipError('E_BAD_IMAGE', `PNG: chunk ${type} has invalid length ${length}`);
    }
    const end = start + 8 + length + 4;
    if (end > bytes.length) {
      throw new FlowzipError('E_BAD_IMAGE', `PNG: truncated inside chunk ${type}`);
    }
    const storedCrc = view.getUint32(end - 4);
    if (crc32(bytes.subarray(start + 4, end - 4)) !== storedCrc) {
      throw new FlowzipError('E_BAD_IMAGE', `PNG: bad CRC in chunk ${type}`);
    }
    this.offset = end;
    return { type, data: bytes.subarray(start + 8, end - 4) };
  }
}

/**
 * Serialises the signature (unless `signature` is false: chunks that follow
 * others) followed by `chunks`, computing each length and CRC. Throws `FlowzipError('E_BAD_IMAGE')` if a type is not 4 ASCII letters
 * or a chunk's data exceeds 2^31 - 1 bytes.
 */
export function writePngChunks(chunks: readonly PngChunk[], signature = true): Uint8Array {
  const start = signature ? PNG_SIGNATURE.length : 0;
  let total = start;
  for (const chunk of chunks) total += 12 + chunk.data.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  if (signature) out.set(PNG_SIGNATURE, 0);
  let offset = start;
  for (const { type, data } of chunks) {
    const typeBytes = Uint8Array.from(type, (c) => c.charCodeAt(0));
    if (typeBytes.length !== 4 || !typeBytes.every(isLetter)) {
      throw new FlowzipError('E_BAD_IMAGE', `PNG: invalid chunk type ${JSON.stringify(type)}`);
    }
    if (data.length > MAX_CHUNK_LENGTH) {
      throw new FlowzipError('E_BAD_IMAGE', `PNG: chunk ${type} is too long`);
    }
    view.setUint32(offset, data.length);
    out.set(typeBytes, offset + 4);
    out.set(data, offset + 8);
    const dataEnd = offset + 8 + data.length;
    view.setUint32(dataEnd, crc32(out.subarray(offset + 4, dataEnd)));
    offset = dataEnd + 4;
  }
  return out;
}
