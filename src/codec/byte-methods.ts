/**
 * Decoding the container methods that hold bytes, not an image: stored,
 * brotli and chunked (container.ts). Shared by `decompress` (api.ts) and the
 * decode entry point (src/decode/), so both give the same bytes and errors;
 * neither checks the CRC here: the caller compares `crc` with the stream's.
 */
import { brotliDecodeExact } from './brotli.js';
import { ByteReader } from './bytes.js';
import { decodeChunked } from './chunked.js';
import { crcOf, Method } from './container.js';
import { FlowzipError } from './errors.js';

/**
 * The output of a stored, brotli or chunked stream body and its CRC-32.
 * `limit(n)` is called with the output size before anything of that size is
 * allocated and throws (E_LIMIT) when it is too large. Throws E_CORRUPT on a
 * corrupt body; E_USAGE for the image method, which is not bytes.
 */
export function decodeByteMethod(method: Method, body: Uint8Array, limit: (bytes: number) => void): { out: Uint8Array; crc: number } {
  if (method === Method.Stored) {
    limit(body.length);
    const out = body.slice();
    return { out, crc: crcOf(out) };
  }
  if (method === Method.Brotli) {
    const r = new ByteReader(body);
    const n = r.varint();
    limit(n);
    // Exactly n bytes from a brotli stream that ends where the body ends (a bomb stops at n).
    const out = brotliDecodeExact(r.bytes(r.remaining), n);
    if (!out) throw new FlowzipError('E_CORRUPT', 'stream is corrupt (brotli data)');
    return { out, crc: crcOf(out) };
  }
  if (method === Method.Chunked) {
    const chunked = decodeChunked(body, limit);
    return { out: chunked.out, crc: chunked.crc };
  }
  throw new FlowzipError('E_USAGE', 'an image stream is not a byte method');
}
