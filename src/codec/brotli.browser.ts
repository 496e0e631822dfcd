/**
 * Browser implementation of brotli.ts (same export): brotli decoding with
 * brotli.js (`brotli/decompress`, a hand port of Google's C decoder, pure
 * JavaScript, synchronous, no wasm to fetch). A stream is accepted only if
 * it decodes without error to exactly `size` bytes.
 *
 * Weaker than node:zlib's decoder in two ways (README "In the browser"):
 * brotli.js does not say how much input it consumed, so bytes after the end
 * of a brotli stream go unnoticed, and a hostile stream may make it allocate
 * past `size` before it is refused. Neither can change a decoded output
 * unnoticed: the container's CRC-32 covers every decoded byte.
 */
import { decompress } from 'brotli/decompress';

/** The `size` bytes that `data` decodes to, or null when `data` is not a brotli stream of exactly `size` bytes. */
export function brotliDecodeExact(data: Uint8Array, size: number): Uint8Array | null {
  let out: Uint8Array;
  try {
    out = decompress(data, Math.max(size, 1));
  } catch {
    return null;
  }
  return out.length === size ? (size === 0 ? new Uint8Array(0) : out) : null;
}
