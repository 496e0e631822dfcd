/**
 * Strict brotli decoding for the container (the `brotli` method and fallback
 * tiles): a stream is accepted only if it decodes to exactly the declared
 * number of bytes AND is consumed to its last byte. Node's decoder stops at
 * the end of a brotli stream and ignores whatever follows, so without the
 * second check bytes appended to (or inserted at the end of) a brotli stream
 * would go unnoticed — harmless for the output, but a corrupt stream must be
 * refused, not half-read (DESIGN.md invariant 6).
 */
import { brotliDecompressSync } from 'node:zlib';

/**
 * The `size` bytes that `data` decodes to, or null when `data` is not a
 * complete brotli stream of exactly `size` bytes with nothing after it.
 * Never allocates more than `size` bytes of output (a bomb stops there).
 */
export function brotliDecodeExact(data: Uint8Array, size: number): Uint8Array | null {
  let result: { buffer: Buffer; engine: { bytesWritten?: unknown } };
  try {
    // `info: true` also returns the engine, whose bytesWritten is the input consumed.
    const options = { maxOutputLength: Math.max(size, 1), info: true };
    result = brotliDecompressSync(data, options) as unknown as typeof result;
  } catch {
    return null; // corrupt, truncated, longer than `size`, or `size` beyond what a Buffer can hold
  }
  if (result.buffer.length !== size) return null;
  const consumed = result.engine.bytesWritten;
  if (typeof consumed === 'number' && consumed !== data.length) return null;
  return result.buffer;
}
