/**
 * Opens a .fz input for decompress and test: a `chunked` stream is decoded
 * as it is read, one chunk at a time (constant memory, output of any
 * length); every other stream is read whole, as before.
 */
import type { Stats } from 'node:fs';
import { decodeChunkedStream } from '../codec/chunked.js';
import { isFz, Method } from '../codec/container.js';
import { openInput } from './io.js';

/** A .fz input: whole in memory, or (a long `chunked` stream) its decoded bytes as a stream. */
export type FzInput = { stats: Stats | null } & ({ packed: Uint8Array; decoded?: undefined } | { packed?: undefined; decoded: AsyncIterable<Uint8Array> });

/** True when bytes start a `chunked` .fz stream. */
function isChunked(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && isFz(bytes) && (bytes[2] & 15) === Method.Chunked;
}

/** Opens `path` (or stdin); `maxOutput` bounds a chunked stream's output only when given (its output is not held in memory). */
export async function openFz(path: string, maxOutput?: number): Promise<FzInput> {
  const opened = await openInput(path, 0); // a .fz is never an image: read whole up to WHOLE_INPUT_BYTES
  if (opened.bytes) {
    // Short, but a chunked stream may still hold gigabytes (8 MiB of zeros codes to a few hundred bytes).
    if (!isChunked(opened.bytes)) return { stats: opened.stats, packed: opened.bytes };
    const whole = opened.bytes;
    return {
      stats: opened.stats,
      decoded: decodeChunkedStream(
        (async function* () {
          yield whole;
        })(),
        maxOutput,
      ),
    };
  }
  const it = opened.stream[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let length = 0;
  while (length < 3) {
    const next = await it.next();
    if (next.done) break;
    head.push(next.value);
    length += next.value.length;
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    yield* head;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  }
  const first = Buffer.concat(head);
  if (isChunked(first)) {
    return { stats: opened.stats, decoded: decodeChunkedStream(all(), maxOutput) };
  }
  const parts: Uint8Array[] = [];
  for await (const piece of all()) parts.push(piece);
  return { stats: opened.stats, packed: Buffer.concat(parts) };
}
