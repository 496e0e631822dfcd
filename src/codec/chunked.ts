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
import { brotliCompressSync, constants as zc, crc32 } from '../platform/zlib.js';
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
  let buf = new Uint8Array(size),
    fill = 0;
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

/** Reads bytes from an async source on demand (E_TRUNCATED when it ends too soon). */
class StreamReader {
  private buf = new Uint8Array(0);
  private pos = 0;
  private readonly it: AsyncIterator<Uint8Array>;
  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }
  /** Buffers until `n` bytes are available; false when the source ends first. */
  private async fill(n: number): Promise<boolean> {
    while (this.buf.length - this.pos < n) {
      const next = await this.it.next();
      if (next.done) return false;
      this.buf = Buffer.concat([this.buf.subarray(this.pos), next.value]);
      this.pos = 0;
    }
    return true;
  }
  async take(n: number): Promise<Uint8Array> {
    if (!(await this.fill(n))) throw new FlowzipError('E_TRUNCATED', 'stream is truncated');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  async byte(): Promise<number> {
    return (await this.take(1))[0];
  }
  async varint(): Promise<number> {
    let v = 0;
    for (let shift = 1; ; shift *= 128) {
      const b = await this.byte();
      v += (b & 0x7f) * shift;
      if (b < 0x80) return v;
      if (shift > 2 ** 42) throw new FlowzipError('E_CORRUPT', 'stream has a corrupt length');
    }
  }
  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }
}

/**
 * Decodes a whole `chunked` .fz stream read from `source`, yielding the
 * original bytes chunk by chunk (one chunk in memory at a time), for output
 * of any length. Throws (typed) on a bad frame, a corrupt or truncated
 * chunk, more than `maxOutputBytes`, or a CRC mismatch — after the chunks
 * before the problem were yielded, so a caller writing a file must discard it.
 */
export async function* decodeChunkedStream(source: AsyncIterable<Uint8Array>, maxOutputBytes = Number.POSITIVE_INFINITY): AsyncGenerator<Uint8Array> {
  const r = new StreamReader(source);
  const head = await r.take(3);
  if (head[0] !== MAGIC[0] || head[1] !== MAGIC[1]) throw new FlowzipError('E_CORRUPT', 'not a flowzip stream (bad magic)');
  if (head[2] >> 4 > FORMAT_VERSION) throw new FlowzipError('E_VERSION', `stream format version ${head[2] >> 4} is newer than this flowzip (${FORMAT_VERSION}); upgrade flowzip`);
  if ((head[2] & 15) !== Method.Chunked) throw new FlowzipError('E_CORRUPT', 'not a chunked stream');
  let total = 0,
    crc = 0;
  for (;;) {
    const rawLength = await r.varint();
    if (rawLength === 0) break;
    if (rawLength > MAX_CHUNK_BYTES) throw new FlowzipError('E_CORRUPT', `stream has a chunk of ${rawLength} bytes, over the ${MAX_CHUNK_BYTES} a chunk may hold`);
    total += rawLength;
    if (total > maxOutputBytes) throw new FlowzipError('E_LIMIT', `stream holds more than ${maxOutputBytes} bytes of output, over the limit (raise it with --max-output)`);
    const kind = await r.byte();
    let packed: number;
    if (kind === Kind.Stored) packed = rawLength;
    else if (kind === Kind.Brotli) packed = await r.varint();
    else throw new FlowzipError('E_CORRUPT', 'stream has a corrupt chunk record');
    if (packed > MAX_CHUNK_BYTES + (1 << 20)) throw new FlowzipError('E_CORRUPT', 'stream has a corrupt chunk record');
    const bytes = chunkBytes({ rawLength, kind, data: await r.take(packed) });
    crc = crc32(bytes, crc);
    yield kind === Kind.Stored ? Uint8Array.prototype.slice.call(bytes) : bytes;
  }
  const tail = await r.take(4);
  const stored = new DataView(tail.buffer, tail.byteOffset, 4).getUint32(0, true);
  if (!(await r.atEnd())) throw new FlowzipError('E_CORRUPT', 'stream has trailing data');
  if (stored !== crc >>> 0) throw new FlowzipError('E_CHECKSUM', 'checksum mismatch: the stream is corrupt');
}
