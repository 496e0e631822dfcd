/**
 * Byte-level reading and writing for the container: LEB128 varints, raw
 * bytes. The reader never reads past its end: it throws FlowzipError
 * E_TRUNCATED instead.
 */
import { FlowzipError } from './errors.js';

/** The parts one after the other in one array (the only part itself when there is one). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Growable byte buffer. */
export class ByteWriter {
  private buf = new Uint8Array(64);
  private n = 0;

  private ensure(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.n + extra) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  /** One byte (0..255). */
  byte(v: number): this {
    this.ensure(1);
    this.buf[this.n++] = v & 0xff;
    return this;
  }
  /** Unsigned LEB128 varint of a safe integer ≥ 0. */
  varint(v: number): this {
    if (!(Number.isSafeInteger(v) && v >= 0)) throw new RangeError(`varint ${v}`);
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    return this.byte(v);
  }
  /** Raw bytes. */
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
    return this;
  }
  /** Varint length, then the bytes. */
  lengthPrefixed(b: Uint8Array): this {
    return this.varint(b.length).bytes(b);
  }
  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

/** Bounds-checked reader over a byte array. */
export class ByteReader {
  pos = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly end = buf.length,
  ) {}

  /** Bytes left before the end. */
  get remaining(): number {
    return this.end - this.pos;
  }
  byte(): number {
    if (this.pos >= this.end) throw new FlowzipError('E_TRUNCATED', 'stream is truncated');
    return this.buf[this.pos++];
  }
  /** Unsigned LEB128 varint; refuses values past 2^53 as corrupt. */
  varint(): number {
    let v = 0,
      mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      v += (b & 0x7f) * mul;
      if (b < 0x80) {
        // The writer never ends a varint with a zero byte: such a field was altered (one value, one encoding).
        if (b === 0 && i > 0) throw new FlowzipError('E_CORRUPT', 'stream has a malformed length field');
        return v;
      }
      mul *= 0x80;
    }
    throw new FlowzipError('E_CORRUPT', 'stream has a malformed length field');
  }
  /** `n` raw bytes (a view, not a copy). */
  bytes(n: number): Uint8Array {
    if (n > this.remaining) throw new FlowzipError('E_TRUNCATED', 'stream is truncated');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  lengthPrefixed(): Uint8Array {
    return this.bytes(this.varint());
  }
}
