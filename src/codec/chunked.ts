/**
 * Method 3 `chunked`: raw bytes coded as a stream of independent chunks, so
 * that input of any length — `/dev/zero`, an endless pipe — is compressed in
 * constant memory (issue 17, item 1; DESIGN.md invariant 5). The CLI uses it
 * for non-image input larger than it reads into memory; small inputs keep
 * the `stored` / `brotli` methods, whose bytes are unchanged.
 *
 * Body: chunk records, then a varint 0.
 *
 *   varint rawLength (1..MAX_CHUNK_BYTES) | byte kind
 *   kind 0 (stored): rawLength bytes
 *   kind 1 (brotli): varint packedLength | packedLength bytes of one brotli
 *                    stream that decodes to exactly rawLength bytes
 *
 * The frame's CRC-32 covers the original bytes, as for `stored` / `brotli`.
 * Each chunk is coded alone (stored when brotli would not shrink it, or when
 * samples say it is incompressible — raw-quality.ts), so a decoder needs one
 * chunk in memory at a time.
 */
import { brotliCompressSync, constants as zc, crc32 } from 'node:zlib';
import { brotliDecodeExact } from './brotli.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { FORMAT_VERSION, MAGIC, Method } from './container.js';
import { FlowzipError } from './errors.js';
import { rawBrotliQuality } from './raw-quality.js';

/** Raw bytes per chunk written by this encoder. */
export const CHUNK_BYTES = 8 << 20;
/** Largest chunk a decoder accepts (bounds its memory; a larger record is E_CORRUPT). */
export const MAX_CHUNK_BYTES = 64 << 20;

const enum Kind {
  Stored = 0,
  Brotli = 1,
}

/** One chunk's record: stored, or brotli when that is smaller. */
export function chunkRecord(chunk: Uint8Array): Uint8Array {
  const quality = rawBrotliQuality(chunk);
  if (quality !== null) {
    const packed = brotliCompressSync(chunk, { params: { [zc.BROTLI_PARAM_QUALITY]: quality, [zc.BROTLI_PARAM_SIZE_HINT]: chunk.length } });
    if (packed.length < chunk.length) return new ByteWriter().varint(chunk.length).byte(Kind.Brotli).varint(packed.length).bytes(packed).finish();
  }
  return new ByteWriter().varint(chunk.length).byte(Kind.Stored).bytes(chunk).finish();
}

/** Regroups a byte source into chunks of exactly `size` bytes (the last one shorter, never empty). */
async function* rechunk(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let buf = new Uint8Array(size), fill = 0;
  for await (const piece of source) {
    let at = 0;
    while (at < piece.length) {
      const n = Math.min(size - fill, piece.length - at);
      buf.set(piece.subarray(at, at + n), fill);
      fill += n;
      at += n;
      if (fill === size) {
        yield buf;
        buf = new Uint8Array(size);
        fill = 0;
      }
    }
  }
  if (fill > 0) yield buf.subarray(0, fill);
}

/**
 * Codes a byte source as a whole `chunked` .fz stream, yielded piece by
 * piece (frame header, one record per chunk, end marker and CRC): memory
 * stays about two chunks whatever the length of the source.
 */
export async function* encodeChunked(source: AsyncIterable<Uint8Array>, chunkBytes = CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  yield Uint8Array.of(MAGIC[0], MAGIC[1], (FORMAT_VERSION << 4) | Method.Chunked);
  let crc = 0;
  for await (const chunk of rechunk(source, chunkBytes)) {
    crc = crc32(chunk, crc);
    yield chunkRecord(chunk);
  }
  const end = new Uint8Array(5);
  new DataView(end.buffer).setUint32(1, crc >>> 0, true);
  yield end;
}

/** One record as read from a body: its raw length and how to get its bytes. */
interface ChunkRef {
  rawLength: number;
  kind: Kind;
  data: Uint8Array;
}

/** Reads the records of a `chunked` body (not decoding them); E_TRUNCATED / E_CORRUPT when malformed. */
export function* chunkRecords(body: Uint8Array): Generator<ChunkRef> {
  const r = new ByteReader(body);
  for (;;) {
    const rawLength = r.varint();
    if (rawLength === 0) break;
    if (rawLength > MAX_CHUNK_BYTES) throw new FlowzipError('E_CORRUPT', `stream has a chunk of ${rawLength} bytes, over the ${MAX_CHUNK_BYTES} a chunk may hold`);
    const kind = r.byte();
    if (kind === Kind.Stored) yield { rawLength, kind, data: r.bytes(rawLength) };
    else if (kind === Kind.Brotli) yield { rawLength, kind, data: r.bytes(r.varint()) };
    else throw new FlowzipError('E_CORRUPT', 'stream has a corrupt chunk record');
  }
  if (r.remaining !== 0) throw new FlowzipError('E_CORRUPT', 'stream has trailing data');
}

/** Original length declared by a `chunked` body's records. */
export function chunkedLength(body: Uint8Array): number {
  let n = 0;
  for (const c of chunkRecords(body)) n += c.rawLength;
  return n;
}

/** The raw bytes of one record (E_CORRUPT when its brotli data is not exactly rawLength bytes). */
export function chunkBytes(c: ChunkRef): Uint8Array {
  if (c.kind === Kind.Stored) return c.data;
  const out = brotliDecodeExact(c.data, c.rawLength);
  if (!out) throw new FlowzipError('E_CORRUPT', 'stream is corrupt (brotli data of a chunk)');
  return out;
}

/**
 * Decodes a `chunked` body to the original bytes; `limit` is checked on the
 * declared lengths before anything is decoded (E_LIMIT). Returns the bytes
 * and their CRC-32 (the caller compares it with the frame's).
 */
export function decodeChunked(body: Uint8Array, checkLimit: (bytes: number) => void): { out: Uint8Array; crc: number } {
  checkLimit(chunkedLength(body));
  // Each chunk is decoded (and so checked) before the whole is put together: a corrupt stream fails before the big allocation.
  const pieces: Uint8Array[] = [];
  let crc = 0;
  for (const c of chunkRecords(body)) {
    const bytes = chunkBytes(c);
    pieces.push(bytes);
    crc = crc32(bytes, crc);
  }
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return { out, crc: crc >>> 0 };
}

/** Checks every record of a `chunked` body decodes and the whole matches `crc`, one chunk in memory at a time. */
export function checkChunked(body: Uint8Array, crc: number): void {
  let c = 0;
  for (const rec of chunkRecords(body)) c = crc32(chunkBytes(rec), c);
  if (c >>> 0 !== crc) throw new FlowzipError('E_CHECKSUM', 'checksum mismatch: the stream is corrupt');
}
