/**
 * rANS (range asymmetric numeral systems) entropy coder, 32-bit state,
 * 16-bit renormalisation words. After ryg_rans (Fabian Giesen), restated:
 *
 *   State      x in [L, 2^32), L = 2^16, between symbols (both sides).
 *   Precision  a symbol is an interval [start, start+freq) of a total 2^bits,
 *              bits in 1..16 chosen per call, freq >= 1, start+freq <= 2^bits.
 *   Encode     C(x) = floor(x/freq) * 2^bits + (x mod freq) + start.
 *              Before it, while x >= freq * 2^(32-bits) emit the low 16 bits
 *              and shift x right by 16 (at most once, since x < 2^32), which
 *              keeps C(x) < 2^32 and C(x) >= L.
 *   Decode     slot = x mod 2^bits; x = freq * floor(x/2^bits) + slot - start.
 *              Then, if x < L, x = x*2^16 + next word (at most once: x >= 1).
 *   Order      rANS is LIFO: the encoder is fed symbols in reverse of the
 *              order the decoder produces them.
 *   Stream     16-bit words, little-endian bytes. The encoder starts from
 *              x = L and ends by writing its final state as two words (low,
 *              high); the decoder reads those first, then the emitted words
 *              newest-first. A complete decode ends in x = L with every byte
 *              read, which finish() checks. An empty stream is 4 bytes.
 *
 * Cost: within ~0.001% of the ideal -log2(freq/2^bits) at bits <= 12; the
 * truncation in floor(x/freq) grows with 2^bits / L, to ~0.02% at bits = 15
 * and ~0.1% at bits = 16 (measured on a skewed 256-symbol source).
 *
 * All arithmetic is exact in JS Numbers: values stay below 2^32 (< 2^53).
 * The state is stored as an int32 (`x | 0`, read back with `>>> 0`) so V8
 * keeps it an unboxed small integer: a double field would box it per store
 * and halve the speed.
 */

import { AnsError, badBits, badSymbol } from './errors.js';

/** Lower bound of the normalised state interval [L, 2^32). */
const L = 0x10000;

/** True when the platform stores typed-array elements little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;



/**
 * rANS encoder. Feed it symbols in REVERSE of decode order, then call
 * {@link RansEncoder.finish} once. Emitted words are written back to front
 * into a growable `Uint16Array`, so the stream needs no reversal.
 */
export class RansEncoder {
  /** State as int32 (unsigned value `x >>> 0`); 0 once finished. */
  private x = L;
  private buf: Uint16Array;
  /** Index of the first written word in `buf`; words live in [pos, buf.length). */
  private pos: number;

  /**
   * @param initialCapacityWords starting size of the word buffer (it doubles
   *   as needed); a hint only, any value works. Default 4096.
   */
  constructor(initialCapacityWords = 4096) {
    const cap = Math.max(4, Math.min(1 << 30, Math.floor(initialCapacityWords) || 0));
    this.buf = new Uint16Array(cap);
    this.pos = cap;
  }

  /**
   * Encode the interval [start, start+freq) of a total 2^bits. Symbols are
   * pushed in REVERSE of decode order (LIFO). Costs -log2(freq / 2^bits) bits.
   * @throws RangeError unless bits is an integer in 1..16, start and freq are
   *   integers, freq >= 1, start >= 0 and start+freq <= 2^bits; Error if
   *   called after finish().
   */
  push(start: number, freq: number, bits: number): void {
    let x = this.x >>> 0;
    if (
      !(
        x >= L &&
        bits >= 1 &&
        bits <= 16 &&
        freq >= 1 &&
        start >= 0 &&
        start + freq <= 1 << bits &&
        (bits | 0) === bits &&
        (freq | 0) === freq &&
        (start | 0) === start
      )
    ) {
      throw x >= L ? badSymbol(start, freq, bits) : new Error('RansEncoder used after finish()');
    }
    // x >= freq * 2^(32-bits)  <=>  floor(x / 2^16) >= freq * 2^(16-bits)
    if (x >>> 16 >= freq << (16 - bits)) {
      let pos = this.pos;
      if (pos === 0) pos = this.grow();
      this.buf[--pos] = x & 0xffff;
      this.pos = pos;
      x >>>= 16;
    }
    const q = (x / freq) >>> 0; // exact floor: x < 2^32, freq <= 2^16
    // The true value is < 2^32; q << bits may wrap, | 0 keeps it as int32 either way.
    this.x = ((q << bits) + (x - q * freq) + start) | 0;
  }

  /**
   * Push the low `nbits` raw bits of `value` (a uniform symbol), popped by
   * {@link RansDecoder.popBits}. LIFO together with {@link push}.
   * @throws RangeError unless nbits is an integer in 0..16 and value an
   *   integer with 0 <= value < 2^nbits.
   */
  pushBits(value: number, nbits: number): void {
    if (!(nbits >= 0 && nbits <= 16 && (nbits | 0) === nbits && value >= 0 && value < 1 << nbits && (value | 0) === value)) {
      throw badBits(value, nbits);
    }
    if (nbits !== 0) this.push(value, 1, nbits);
  }

  /**
   * Flush the state and return the stream: a fresh `Uint8Array` of even
   * length >= 4, little-endian 16-bit words. The encoder may not be used
   * afterwards (push, pushBits and finish then throw Error).
   */
  finish(): Uint8Array {
    const x = this.x >>> 0;
    if (!(x >= L)) throw new Error('RansEncoder used after finish()');
    let pos = this.pos;
    if (pos < 2) pos = this.grow();
    const buf = this.buf;
    buf[--pos] = x >>> 16;
    buf[--pos] = x & 0xffff;
    this.x = 0;
    this.buf = new Uint16Array(0);
    this.pos = 0;

    const words = buf.length - pos;
    const out = new Uint8Array(words * 2);
    if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(buf.buffer, buf.byteOffset + pos * 2, words * 2));
    } else {
      for (let i = 0; i < words; i++) {
        const w = buf[pos + i];
        out[2 * i] = w & 0xff;
        out[2 * i + 1] = w >>> 8;
      }
    }
    return out;
  }

  /** Double the buffer, keeping the written words at its end; returns the new pos. */
  private grow(): number {
    const old = this.buf;
    const cap = old.length;
    if (cap === 0) throw new Error('RansEncoder used after finish()');
    const buf = new Uint16Array(cap * 2);
    buf.set(old.subarray(this.pos), cap + this.pos);
    this.buf = buf;
    this.pos += cap;
    return this.pos;
  }
}

/**
 * rANS decoder over a stream made by {@link RansEncoder.finish}. Symbols come
 * out in decode order: for each, `peek` the slot, map it to a symbol, then
 * `advance` with that symbol's interval. Every read is bounds-checked, so any
 * input bytes end in a value or an {@link AnsError}, never an out-of-bounds
 * read; the state stays in [2^16, 2^32) whatever the bytes.
 */
export class RansDecoder {
  /** State as int32 (unsigned value `x >>> 0`), always in [2^16, 2^32). */
  private x: number;
  private readonly bytes: Uint8Array;
  /** Byte offset of the next word to read. */
  private pos: number;

  /**
   * @param bytes the stream; read, never modified or retained beyond this decoder.
   * @throws AnsError('E_TRUNCATED') if shorter than the 4-byte initial state;
   *   AnsError('E_CORRUPT') if the length is odd or the state is below 2^16.
   */
  constructor(bytes: Uint8Array) {
    const n = bytes.length;
    if (n < 4) throw new AnsError('E_TRUNCATED', `rANS stream of ${n} bytes is shorter than its 4-byte state`);
    if (n & 1) throw new AnsError('E_CORRUPT', `rANS stream has odd length ${n}`);
    const x = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
    if (x < L) throw new AnsError('E_CORRUPT', `rANS initial state ${x} is below 2^16`);
    this.x = x | 0;
    this.bytes = bytes;
    this.pos = 4;
  }

  /**
   * The cumulative-frequency slot in [0, 2^bits) of the next symbol; the
   * caller finds the symbol s with start <= slot < start+freq. Does not
   * change the state. `bits` must match the encoder's push.
   * @throws RangeError unless bits is an integer in 1..16.
   */
  peek(bits: number): number {
    if (!(bits >= 1 && bits <= 16 && (bits | 0) === bits)) throw badSymbol(0, 1, bits);
    return this.x & ((1 << bits) - 1);
  }

  /**
   * Consume the symbol [start, start+freq) of total 2^bits whose slot was
   * just peeked.
   * @throws RangeError if the arguments are invalid (as for push) or the
   *   peeked slot is not in [start, start+freq); AnsError('E_TRUNCATED') if
   *   renormalisation needs a word past the end of the stream.
   */
  advance(start: number, freq: number, bits: number): void {
    const x = this.x;
    const r = (x & ((1 << bits) - 1)) - start;
    if (
      !(
        r >= 0 &&
        r < freq &&
        bits >= 1 &&
        bits <= 16 &&
        start + freq <= 1 << bits &&
        (bits | 0) === bits &&
        (freq | 0) === freq &&
        (start | 0) === start
      )
    ) {
      throw r >= 0 && r < freq
        ? badSymbol(start, freq, bits)
        : new RangeError(`rANS: slot ${x & ((1 << bits) - 1)} is not in [${start}, ${start + freq})`);
    }
    // x >= 2^16 gives x >>> bits >= 1, so y >= 1 and one word restores y >= 2^16.
    const y = freq * (x >>> bits) + r;
    this.x = (y < L ? this.refill(y) : y) | 0;
  }

  /**
   * Pop `nbits` raw bits pushed with {@link RansEncoder.pushBits}; returns
   * the value in [0, 2^nbits). popBits(0) returns 0 and reads nothing.
   * @throws RangeError unless nbits is an integer in 0..16;
   *   AnsError('E_TRUNCATED') as for advance.
   */
  popBits(nbits: number): number {
    if (!(nbits >= 0 && nbits <= 16 && (nbits | 0) === nbits)) throw badBits(0, nbits);
    const x = this.x;
    const v = x & ((1 << nbits) - 1);
    const y = x >>> nbits;
    this.x = (y < L ? this.refill(y) : y) | 0;
    return v;
  }

  /**
   * Call after the last symbol.
   * @throws AnsError('E_CORRUPT') unless the state is back at the encoder's
   *   initial state 2^16 and every byte of the stream was consumed.
   */
  finish(): void {
    if (this.x !== L) throw new AnsError('E_CORRUPT', `rANS final state ${this.x >>> 0} is not the initial state ${L}`);
    const left = this.bytes.length - this.pos;
    if (left !== 0) throw new AnsError('E_CORRUPT', `rANS stream has ${left} unread bytes`);
  }

  /** Shift in the next 16-bit word: returns y * 2^16 + word (y in [1, 2^16)). */
  private refill(y: number): number {
    const p = this.pos;
    const b = this.bytes;
    if (p >= b.length) throw new AnsError('E_TRUNCATED', `rANS stream ends at byte ${p} but needs another word`);
    this.pos = p + 2;
    return y * 0x10000 + (b[p] | (b[p + 1] << 8));
  }
}
