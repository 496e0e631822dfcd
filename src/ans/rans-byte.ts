/**
 * rANS with byte renormalisation (format versions 2 to 4; ryg_rans's byte
 * coder, restated). The state keeps the 32 bits of `rans.ts` but its lower bound
 * rises from 2^16 to 2^24, so that a symbol coded at 16-bit precision loses
 * at most about freq / L <= 2^-8 of its interval to the truncation in
 * floor(x/freq), and on average far less (the narrow coder lost 0.5–2% of
 * the stream on real, skewed 16-bit tables).
 *
 *   State      x in [L, 2^32), L = 2^24, between symbols (both sides) — except,
 *              with start 'one' (format v4), before the encoder has emitted
 *              a byte / after the decoder has read the last one: x in [1, 2^32).
 *   Precision  a symbol is [start, start+freq) of a total 2^bits, bits in
 *              1..16, freq >= 1, start+freq <= 2^bits.
 *   Encode     while x >= freq * 2^(32-bits): emit the low byte, x = x >> 8
 *              (at most twice); then C(x) = floor(x/freq) * 2^bits
 *              + (x mod freq) + start, which lies in [2^24, 2^32).
 *   Decode     slot = x mod 2^bits; x = freq * floor(x/2^bits) + slot - start;
 *              while x < L: x = x*2^8 + next byte (at most twice) — with start
 *              'one', only while bytes are left.
 *   Order      LIFO: the encoder takes symbols in reverse of decode order.
 *   Stream     bytes. The encoder starts at x0 = L ('normalised', formats 2
 *              and 3) or x0 = 1 ('one', format 4) and ends by writing its
 *              final state as 4 little-endian bytes; the decoder reads those
 *              first, then the emitted bytes newest-first. A complete decode
 *              ends in x = x0 with every byte read (finish() checks). An empty
 *              stream is 4 bytes.
 *   Start 'one' From x0 = 1 the first pushes only grow the state (C is a
 *              bijection for every x >= 0). The first byte is emitted from
 *              x >= L as usual, or from some x < L, which leaves x >> 8 >=
 *              freq * 2^(24-bits), so C(x) >= L; the usual invariant holds
 *              from then on (a state >= L stays >= L). The decoder
 *              reads that byte last and then stops refilling: the ~24 bits
 *              the state holds at x0 = L are no longer wasted (3 bytes less
 *              per stream). A truncated stream then shows as a wrong final
 *              state, or not at all if that falls to 1 by chance: the
 *              container's CRC-32 is what catches it.
 *
 * All arithmetic is exact in JS Numbers (values below 2^32). The state is
 * held as an int32 (`x | 0`, read back with `>>> 0`) so V8 keeps it an
 * unboxed small integer.
 */

import { AnsError, badBits, badSymbol } from './errors.js';

/** Lower bound of the normalised state interval [L, 2^32). */
const L = 1 << 24;

/** Initial (and final) state of a stream: `normalised` = L (formats 2 and 3), `one` = 1 (format 4; see the header). */
export type ByteRansStart = 'normalised' | 'one';
const initialState = (start: ByteRansStart) => (start === 'one' ? 1 : L);



/**
 * Byte-renormalising rANS encoder. Feed it symbols in REVERSE of decode
 * order, then call {@link ByteRansEncoder.finish} once. Bytes are written
 * back to front into a growable buffer, so the stream needs no reversal.
 */
export class ByteRansEncoder {
  /** State as int32 (unsigned value `x >>> 0`); 0 once finished (a live state is >= 1). */
  private x: number;
  private buf: Uint8Array;
  /** Index of the first written byte in `buf`; bytes live in [pos, buf.length). */
  private pos: number;

  /**
   * @param initialCapacity starting size of the byte buffer (a hint; it doubles as needed). Default 8192.
   * @param start the stream's initial state (the decoder must be given the same).
   */
  constructor(initialCapacity = 8192, start: ByteRansStart = 'normalised') {
    this.x = initialState(start);
    const cap = Math.max(8, Math.min(2 ** 31, Math.floor(initialCapacity) || 0));
    this.buf = new Uint8Array(cap);
    this.pos = cap;
  }

  /**
   * Encode the interval [start, start+freq) of a total 2^bits (LIFO: in
   * reverse of decode order). Costs -log2(freq / 2^bits) bits.
   * @throws RangeError unless bits is an integer in 1..16, start and freq are
   *   integers, freq >= 1, start >= 0 and start+freq <= 2^bits; Error after finish().
   */
  push(start: number, freq: number, bits: number): void {
    let x = this.x >>> 0;
    if (!(x >= 1 && bits >= 1 && bits <= 16 && freq >= 1 && start >= 0 && start + freq <= 1 << bits && (bits | 0) === bits && (freq | 0) === freq && (start | 0) === start)) {
      throw x >= 1 ? badSymbol(start, freq, bits) : new Error('ByteRansEncoder used after finish()');
    }
    // x >= freq * 2^(32-bits)  <=>  floor(x / 2^8) >= freq * 2^(24-bits)
    const limit = freq << (24 - bits);
    while (x >>> 8 >= limit) {
      let pos = this.pos;
      if (pos === 0) pos = this.grow();
      this.buf[--pos] = x & 0xff;
      this.pos = pos;
      x >>>= 8;
    }
    const q = (x / freq) >>> 0; // exact floor: x < 2^32, freq <= 2^16
    this.x = ((q << bits) + (x - q * freq) + start) | 0;
  }

  /**
   * Push the low `nbits` raw bits of `value` (a uniform symbol), popped by
   * {@link ByteRansDecoder.popBits}. LIFO together with {@link push}.
   * @throws RangeError unless nbits is an integer in 0..16 and 0 <= value < 2^nbits.
   */
  pushBits(value: number, nbits: number): void {
    if (!(nbits >= 0 && nbits <= 16 && (nbits | 0) === nbits && value >= 0 && value < 1 << nbits && (value | 0) === value)) {
      throw badBits(value, nbits);
    }
    if (nbits !== 0) this.push(value, 1, nbits);
  }

  /** Flush the state and return the stream (a fresh `Uint8Array`, length >= 4). The encoder may not be used afterwards. */
  finish(): Uint8Array {
    const x = this.x >>> 0;
    if (!(x >= 1)) throw new Error('ByteRansEncoder used after finish()');
    let pos = this.pos;
    if (pos < 4) pos = this.grow();
    const buf = this.buf;
    buf[--pos] = x >>> 24;
    buf[--pos] = (x >>> 16) & 0xff;
    buf[--pos] = (x >>> 8) & 0xff;
    buf[--pos] = x & 0xff;
    const out = buf.slice(pos);
    this.x = 0;
    this.buf = new Uint8Array(0);
    this.pos = 0;
    return out;
  }

  /** Double the buffer, keeping the written bytes at its end; returns the new pos. */
  private grow(): number {
    const old = this.buf;
    const cap = old.length;
    if (cap === 0) throw new Error('ByteRansEncoder used after finish()');
    const buf = new Uint8Array(cap * 2);
    buf.set(old.subarray(this.pos), cap + this.pos);
    this.buf = buf;
    this.pos += cap;
    return this.pos;
  }
}

/**
 * Decoder over a stream made by {@link ByteRansEncoder.finish}: for each
 * symbol, `peek` the slot, map it to a symbol, `advance` with its interval.
 * Every read is bounds-checked, so any input ends in a value or an
 * {@link AnsError}; the state stays in [2^24, 2^32) whatever the bytes while
 * bytes are left (start 'one': in [0, 2^32) after the last one).
 */
export class ByteRansDecoder {
  /** State as int32 (unsigned value `x >>> 0`). */
  private x: number;
  private readonly bytes: Uint8Array;
  /** Offset of the next byte to read. */
  private pos: number;
  /** The state a complete decode ends in (the encoder's initial state). */
  private readonly x0: number;

  /**
   * @param bytes the stream; read, never modified or retained beyond this decoder.
   * @param start the initial state the encoder used.
   * @throws AnsError('E_TRUNCATED') if shorter than the 4-byte initial state;
   *   AnsError('E_CORRUPT') if the state is below 2^24 while bytes follow it (or, start 'normalised', at all).
   */
  constructor(bytes: Uint8Array, start: ByteRansStart = 'normalised') {
    const n = bytes.length;
    if (n < 4) throw new AnsError('E_TRUNCATED', `rANS stream of ${n} bytes is shorter than its 4-byte state`);
    const x = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
    this.x0 = initialState(start);
    // With start 'one' a final state below L means the encoder never emitted a byte.
    if (x < L && (start === 'normalised' || n > 4 || x === 0)) throw new AnsError('E_CORRUPT', `rANS initial state ${x} is below 2^24`);
    this.x = x | 0;
    this.bytes = bytes;
    this.pos = 4;
  }

  /**
   * The slot in [0, 2^bits) of the next symbol; the caller finds the symbol
   * with start <= slot < start+freq. Does not change the state.
   * @throws RangeError unless bits is an integer in 1..16.
   */
  peek(bits: number): number {
    if (!(bits >= 1 && bits <= 16 && (bits | 0) === bits)) throw badSymbol(0, 1, bits);
    return this.x & ((1 << bits) - 1);
  }

  /**
   * Consume the symbol [start, start+freq) of total 2^bits whose slot was just peeked.
   * @throws RangeError if the arguments are invalid or the slot is not in
   *   [start, start+freq); AnsError('E_TRUNCATED') if a byte is needed past the end.
   */
  advance(start: number, freq: number, bits: number): void {
    const x = this.x;
    const r = (x & ((1 << bits) - 1)) - start;
    if (!(r >= 0 && r < freq && bits >= 1 && bits <= 16 && start + freq <= 1 << bits && (bits | 0) === bits && (freq | 0) === freq && (start | 0) === start)) {
      throw r >= 0 && r < freq ? badSymbol(start, freq, bits) : new RangeError(`rANS: slot ${x & ((1 << bits) - 1)} is not in [${start}, ${start + freq})`);
    }
    // x >= 2^24 gives x >>> bits >= 2^8, so y >= 2^8 and at most two bytes restore y >= 2^24.
    const y = freq * ((x >>> 0) >>> bits) + r;
    this.x = (y < L ? this.refill(y) : y) | 0;
  }

  /**
   * Pop `nbits` raw bits pushed with {@link ByteRansEncoder.pushBits}; returns
   * the value in [0, 2^nbits). popBits(0) returns 0 and reads nothing.
   * @throws RangeError unless nbits is an integer in 0..16; AnsError('E_TRUNCATED') as for advance.
   */
  popBits(nbits: number): number {
    if (!(nbits >= 0 && nbits <= 16 && (nbits | 0) === nbits)) throw badBits(0, nbits);
    const x = this.x;
    const v = x & ((1 << nbits) - 1);
    const y = (x >>> 0) >>> nbits;
    this.x = (y < L ? this.refill(y) : y) | 0;
    return v;
  }

  /**
   * Call after the last symbol.
   * @throws AnsError('E_CORRUPT') unless the state is back at the encoder's initial state and every byte was consumed.
   */
  finish(): void {
    if (this.x >>> 0 !== this.x0) throw new AnsError('E_CORRUPT', `rANS final state ${this.x >>> 0} is not the initial state ${this.x0}`);
    const left = this.bytes.length - this.pos;
    if (left !== 0) throw new AnsError('E_CORRUPT', `rANS stream has ${left} unread bytes`);
  }

  /** Shift in bytes until y >= 2^24 (y in [2^8, 2^24): one or two bytes); with start 'one', stop when none are left. */
  private refill(y: number): number {
    let p = this.pos;
    const b = this.bytes;
    do {
      if (p >= b.length) {
        if (this.x0 === 1) break;
        throw new AnsError('E_TRUNCATED', `rANS stream ends at byte ${p} but needs another byte`);
      }
      y = y * 256 + b[p++];
    } while (y < L);
    this.pos = p;
    return y;
  }
}
