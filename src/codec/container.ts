/**
 * The .fz container:
 *
 *   magic 'F' 'Z' | byte (version << 4 | method) | body | CRC-32 (4 bytes, LE)
 *
 * - method 0 `stored`: body = the original bytes.
 * - method 1 `brotli`: body = varint original length, brotli stream.
 * - method 2 `image`: body = image header (image-header.ts), then tile pieces.
 * - method 3 `chunked` (format 5 on): body = chunk records of raw bytes, each
 *   stored or brotli, ending with a varint 0 (chunked.ts); written for
 *   non-image input too large to read into memory.
 * The CRC-32 covers the original file for methods 0, 1 and 3; for `image` it
 * covers the image header and the decoded samples. What each version means
 * for the bytes is one row of stream-features.ts; docs/FORMAT.md specifies
 * every version byte by byte.
 */
import { crc32 } from '../platform/zlib.js';
import { concatBytes } from './bytes.js';
import { FlowzipError } from './errors.js';

/** The first two bytes of every stream: "FZ". */
export const MAGIC = Uint8Array.of(0x46, 0x5a);
/** The container format version this flowzip writes (4 bits); every version up to it is read (stream-features.ts has a row for each). */
export const FORMAT_VERSION = 7;
/** Bytes the container adds around a body: magic, version/method, CRC. */
export const FRAME_BYTES = 2 + 1 + 4;
/** First format version whose streams may use the `chunked` method. */
export const CHUNKED_FROM_VERSION = 5;

/** The 4-bit method of a stream (the low nibble of byte 2). */
export const enum Method {
  Stored = 0,
  Brotli = 1,
  Image = 2,
  Chunked = 3,
}
/** Method names, indexed by Method. */
export const METHOD_NAMES = ['stored', 'brotli', 'image', 'chunked'] as const;

/** CRC-32 (IEEE) of the concatenation of parts. */
export function crcOf(...parts: Uint8Array[]): number {
  let c = 0;
  for (const p of parts) c = crc32(p, c);
  return c >>> 0;
}

/** Frames a body (or a body in parts, copied once into the stream): magic, version and method, body, CRC. */
export function frame(method: Method, body: Uint8Array | readonly Uint8Array[], crc: number): Uint8Array {
  return concatBytes(frameParts(method, body instanceof Uint8Array ? [body] : body, crc));
}

/** A framed stream as parts, nothing copied: the 3 header bytes, the body's parts, the 4 CRC bytes. */
export function frameParts(method: Method, body: readonly Uint8Array[], crc: number): Uint8Array[] {
  const head = Uint8Array.of(MAGIC[0], MAGIC[1], (FORMAT_VERSION << 4) | method);
  const tail = new Uint8Array(4);
  new DataView(tail.buffer).setUint32(0, crc >>> 0, true);
  return [head, ...body, tail];
}

/** Bytes in a stream given as parts. */
export function partsLength(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}

/** True when bytes start with the .fz magic. */
export function isFz(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === MAGIC[0] && bytes[1] === MAGIC[1];
}

/** Splits a .fz stream into method, body and stored CRC; typed errors on foreign, truncated or newer streams. */
export function unframe(bytes: Uint8Array): { method: Method; version: number; body: Uint8Array; crc: number } {
  if (bytes.length >= 2 && !isFz(bytes)) throw new FlowzipError('E_CORRUPT', 'not a flowzip stream (bad magic)');
  if (bytes.length < FRAME_BYTES) throw new FlowzipError('E_TRUNCATED', 'stream is truncated');
  const version = bytes[2] >> 4,
    method = bytes[2] & 0x0f;
  if (version > FORMAT_VERSION) throw new FlowzipError('E_VERSION', `stream format version ${version} is newer than this flowzip (${FORMAT_VERSION}); upgrade flowzip`);
  if (version < 1 || method > Method.Chunked || (method === Method.Chunked && version < CHUNKED_FROM_VERSION)) throw new FlowzipError('E_CORRUPT', 'stream header is corrupt');
  const body = bytes.subarray(3, bytes.length - 4);
  const crc = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bytes.length - 4, true);
  return { method: method as Method, version, body, crc };
}
