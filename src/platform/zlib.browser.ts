/**
 * Browser implementation of platform/zlib.ts (same exports): CRC-32 from a
 * table (crc32-table.ts); deflate and inflate from pako, a JavaScript port of
 * zlib whose deflate output is byte-identical to zlib's at the same level —
 * so a PNG rebuilt in the browser has the bytes Node writes; brotli
 * decoding of trusted data from brotli.js. Brotli compression is not part of
 * the browser build (decoding needs none).
 */
import { decompress as brotliDecompress } from 'brotli/decompress';
import { Inflate, deflate, deflateRaw } from 'pako';
import { FlowzipError } from '../codec/errors.js';
import { crc32Table } from './crc32-table.js';

/** node:buffer's constants: MAX_LENGTH, the largest output (bytes) an inflate may be asked for here (the largest typed array every engine allows). */
export const bufferConstants = { MAX_LENGTH: 2 ** 31 - 1 } as const;

/** The brotli parameter keys shared code passes (values as in node:zlib). */
export const constants = { BROTLI_PARAM_QUALITY: 1, BROTLI_PARAM_LGWIN: 2, BROTLI_PARAM_SIZE_HINT: 5 } as const;

/** CRC-32 of `data` continuing from `value` (node:zlib's crc32 for byte input). */
export function crc32(data: Uint8Array, value = 0): number {
  return crc32Table(data, value);
}

/** zlib-wrapped deflate at `level` (default 6), the bytes node:zlib's deflateSync gives. */
export function deflateSync(data: Uint8Array, options: { level?: number } = {}): Uint8Array {
  return deflate(data, { level: (options.level ?? 6) as 6 });
}

/** Raw deflate at `level` (default 6), the bytes node:zlib's deflateRawSync gives. */
export function deflateRawSync(data: Uint8Array, options: { level?: number } = {}): Uint8Array {
  return deflateRaw(data, { level: (options.level ?? 6) as 6 });
}

/** An inflate error shaped like node:zlib's: `code` is ERR_BUFFER_TOO_LARGE past maxOutputLength. */
class InflateError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

function inflateWith(data: Uint8Array, raw: boolean, maxOutputLength: number): Uint8Array {
  const inf = new Inflate({ raw });
  const chunks: Uint8Array[] = [];
  let total = 0;
  inf.onData = (chunk) => {
    total += chunk.length;
    if (total > maxOutputLength) throw new InflateError(`Cannot create a Buffer larger than ${maxOutputLength} bytes`, 'ERR_BUFFER_TOO_LARGE');
    chunks.push(chunk);
  };
  inf.push(data, true);
  if (inf.err) throw new InflateError(inf.msg || 'invalid deflate data', 'Z_DATA_ERROR');
  if (!inf.ended) throw new InflateError('unexpected end of file', 'Z_BUF_ERROR');
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Inflates a zlib stream (node:zlib's inflateSync: throws on corrupt or truncated data, ERR_BUFFER_TOO_LARGE past maxOutputLength; bytes after the stream are ignored). */
export function inflateSync(data: Uint8Array, options: { maxOutputLength?: number } = {}): Uint8Array {
  return inflateWith(data, false, options.maxOutputLength ?? bufferConstants.MAX_LENGTH);
}

/** Inflates a raw deflate stream (node:zlib's inflateRawSync). */
export function inflateRawSync(data: Uint8Array, options: { maxOutputLength?: number } = {}): Uint8Array {
  return inflateWith(data, true, options.maxOutputLength ?? bufferConstants.MAX_LENGTH);
}

/** Not in the browser build: E_USAGE (the decoder never compresses; see README "In the browser"). */
export function brotliCompressSync(_data: Uint8Array, _options?: unknown): Uint8Array {
  throw new FlowzipError('E_USAGE', 'brotli compression is not part of the browser build (it decodes only)');
}

/** Brotli decoding of a whole stream whose size is not known in advance (brotli.js reads it from the stream's meta-blocks); throws on malformed data. For trusted data only (shipped model tables): codec/brotli.ts checks streams. */
export function brotliDecompressSync(data: Uint8Array): Uint8Array {
  return brotliDecompress(data);
}
