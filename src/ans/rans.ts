/**
 * rANS (range asymmetric numeral systems) entropy coder with a 32-bit state
 * (after ryg_rans, Fabian Giesen), in the two renormalisations flowzip's
 * streams use: by bytes (`byte`, format versions 2 to 4) and by 16-bit words
 * (`word16`, format version 1, kept to decode old streams). One
 * implementation, parameterised by the word size W (8 or 16 bits):
 *
 *   State      x in [L, 2^32), L = 2^(32−W) (2^24 byte, 2^16 word16), between
 *              symbols (both sides) — except, with start 'one' (format v4),
 *              before the encoder has emitted a word / after the decoder has
 *              read the last one: x in [1, 2^32).
 *   Precision  a symbol is an interval [start, start+freq) of a total 2^bits,
 *              bits in 1..16 chosen per call, freq >= 1, start+freq <= 2^bits.
 *   Encode     while x >= freq * 2^(32-bits): emit the low W bits, x = x >> W
 *              (at most twice for bytes, once for words); then
 *              C(x) = floor(x/freq) * 2^bits + (x mod freq) + start, which
 *              lies in [L, 2^32).
 *   Decode     slot = x mod 2^bits; x = freq * floor(x/2^bits) + slot - start;
 *              while x < L: x = x*2^W + next word — with start 'one', only
 *              while words are left.
 *   Order      LIFO: the encoder takes symbols in reverse of decode order.
 *   Stream     words of W bits, each little-endian (a 16-bit word is its low
 *              byte, then its high byte). The encoder starts at x0 = L
 *              ('normalised', formats 1 to 3) or x0 = 1 ('one', format 4) and
 *              ends by writing its final state as 4 little-endian bytes; the
 *              decoder reads those first, then the emitted words newest-first.
 *              A complete decode ends in x = x0 with every byte read
 *              (finish() checks). An empty stream is 4 bytes.
 *   Start 'one' From x0 = 1 the first pushes only grow the state (C is a
 *              bijection for every x >= 0). The first word is emitted from
 *              x >= L as usual, or from some x < L, which leaves x >> W >=
 *              freq * 2^(32-W-bits), so C(x) >= L; the usual invariant holds
 *              from then on. The decoder reads that word last and then stops
 *              refilling: the ~24 bits the state holds at x0 = L are no longer
 *              wasted (3 bytes less per stream). A truncated stream then shows
 *              as a wrong final state, or not at all if that falls to 1 by
 *              chance: the container's CRC-32 is what catches it.
 *
 * Cost: with bytes, within ~0.001% of the ideal −log2(freq/2^bits) at 16-bit
 * precision; with 16-bit words the truncation in floor(x/freq) grows with
 * 2^bits / L, to ~0.1% at bits = 16 (0.5–2% on real, skewed tables).
 *
 * All arithmetic is exact in JS Numbers (values below 2^32). The state is
 * held as an int32 (`x | 0`, read back with `>>> 0`) so V8 keeps it an
 * unboxed small integer.
 */

import { AnsError, badBits, badSymbol } from './errors.js';

/** Initial (and final) state of a stream: `normalised` = L (formats 1 to 3), `one` = 1 (format 4; see the header). */
export type RansStart = 'normalised' | 'one';
/** Renormalisation word: `byte` (formats 2 to 4) or `word16` (format 1). */
export type RansWord = 'byte' | 'word16';

const wordBitsOf = (word: RansWord): 8 | 16 => (word === 'byte' ? 8 : 16);
/**
 * L of the byte coder, 2^24: the larger of the two bounds. The decoder tests a state against it (a
 * constant, which keeps the hot path fast) and `refill` then compares with the coder's own L, so a
 * word16 state in [2^16, 2^24) reads nothing.
 */
const L_BYTE = 1 << 24;
const lowerBound = (wordBits: number): number => 2 ** (32 - wordBits);
const initialState = (start: RansStart, wordBits: number): number => (start === 'one' ? 1 : lowerBound(wordBits));

/**
 * rANS encoder. Feed it symbols in REVERSE of decode order, then call
 * {@link RansEncoder.finish} once. Words are written back to front into a
 * growable byte buffer, so the stream needs no reversal.
 */
export class RansEncoder {
  /** State as int32 (unsigned value `x >>> 0`); 0 once finished (a live state is >= 1). */
  private x: number;
  private buf: Uint8Array;
  /** Index of the first written byte in `buf`; bytes live in [pos, buf.length). */
  private pos: number;
  private readonly wordBits: 8 | 16;

  /**
   * @param initialCapacity starting size of the byte buffer (a hint; it doubles as needed). Default 8192.
   * @param start the stream's initial state (the decoder must be given the same).
   * @param word the renormalisation word (the decoder must be given the same).
   */
  constructor(initialCapacity = 8192, start: RansStart = 'normalised', word: RansWord = 'byte') {
    this.wordBits = wordBitsOf(word);
    this.x = initialState(start, this.wordBits);
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
      throw x >= 1 ? badSymbol(start, freq, bits) : new Error('RansEncoder used after finish()');
    }
    // x >= freq * 2^(32-bits)  <=>  floor(x / 2^W) >= freq * 2^(32-W-bits). The byte case is written
    // out with constant shifts: it is the one every stream written today takes, and the hot path.
    if (this.wordBits === 8) {
      const limit = freq << (24 - bits);
      while (x >>> 8 >= limit) {
        let pos = this.pos;
        if (pos === 0) pos = this.grow();
        this.buf[--pos] = x & 0xff;
        this.pos = pos;
        x >>>= 8;
      }
    } else if (x >>> 16 >= freq << (16 - bits)) {
      let pos = this.pos;
      if (pos < 2) pos = this.grow();
      this.buf[--pos] = (x >>> 8) & 0xff;
      this.buf[--pos] = x & 0xff;
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
   * @throws RangeError unless nbits is an integer in 0..16 and 0 <= value < 2^nbits.
   */
  pushBits(value: number, nbits: number): void {
    if (!(nbits >= 0 && nbits <= 16 && (nbits | 0) === nbits && value >= 0 && value < 1 << nbits && (value | 0) === value)) {
      throw badBits(value, nbits);
    }
    if (nbits !== 0) this.push(value, 1, nbits);
  }

  /** Flush the state and return the stream (a fresh `Uint8Array`, length >= 4; even for word16). The encoder may not be used afterwards. */
  finish(): Uint8Array {
    const x = this.x >>> 0;
    if (!(x >= 1)) throw new Error('RansEncoder used after finish()');
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
    if (cap === 0) throw new Error('RansEncoder used after finish()');
    const buf = new Uint8Array(cap * 2);
    buf.set(old.subarray(this.pos), cap + this.pos);
    this.buf = buf;
    this.pos += cap;
    return this.pos;
  }
}

/**
 * Decoder over a stream made by {@link RansEncoder.finish} with the same
 * start and word: for each symbol, `peek` the slot, map it to a symbol,
 * `advance` with its interval. Every read is bounds-checked, so any input
 * ends in a value or an {@link AnsError}; the state stays in [L, 2^32)
 * whatever the bytes while bytes are left (start 'one': in [0, 2^32) after
 * the last one).
 */
export class RansDecoder {
  /** State as int32 (unsigned value `x >>> 0`). */
  private x: number;
  private readonly bytes: Uint8Array;
  /** Offset of the next byte to read. */
  private pos: number;
  /** The state a complete decode ends in (the encoder's initial state). */
  private readonly x0: number;
  /** Lower bound L of the normalised state. */
  private readonly lower: number;
  private readonly wordBits: 8 | 16;

  /**
   * @param bytes the stream; read, never modified or retained beyond this decoder.
   * @param start the initial state the encoder used.
   * @param word the renormalisation word the encoder used.
   * @throws AnsError('E_TRUNCATED') if shorter than the 4-byte initial state;
   *   AnsError('E_CORRUPT') if a word16 stream has odd length, or the state
   *   is below L while bytes follow it (or, start 'normalised', at all).
   */
  constructor(bytes: Uint8Array, start: RansStart = 'normalised', word: RansWord = 'byte') {
    const n = bytes.length;
    this.wordBits = wordBitsOf(word);
    this.lower = lowerBound(this.wordBits);
    this.x0 = initialState(start, this.wordBits);
    if (n < 4) throw new AnsError('E_TRUNCATED', `rANS stream of ${n} bytes is shorter than its 4-byte state`);
    if (this.wordBits === 16 && n & 1) throw new AnsError('E_CORRUPT', `rANS stream has odd length ${n}`);
    const x = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
    // With start 'one' a final state below L means the encoder never emitted a word.
    if (x < this.lower && (start === 'normalised' || n > 4 || x === 0)) throw new AnsError('E_CORRUPT', `rANS initial state ${x} is below 2^${32 - this.wordBits}`);
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
   *   [start, start+freq); AnsError('E_TRUNCATED') if a word is needed past the end.
   */
  advance(start: number, freq: number, bits: number): void {
    const x = this.x;
    const r = (x & ((1 << bits) - 1)) - start;
    if (!(r >= 0 && r < freq && bits >= 1 && bits <= 16 && start + freq <= 1 << bits && (bits | 0) === bits && (freq | 0) === freq && (start | 0) === start)) {
      throw r >= 0 && r < freq ? badSymbol(start, freq, bits) : new RangeError(`rANS: slot ${x & ((1 << bits) - 1)} is not in [${start}, ${start + freq})`);
    }
    // x >= L = 2^(32-W) gives x >>> bits >= 2^(16-W), so y >= 1 and at most two bytes (one 16-bit word) restore y >= L.
    const y = freq * ((x >>> 0) >>> bits) + r;
    this.x = (y < L_BYTE ? this.refill(y) : y) | 0;
  }

  /**
   * Pop `nbits` raw bits pushed with {@link RansEncoder.pushBits}; returns
   * the value in [0, 2^nbits). popBits(0) returns 0 and reads nothing.
   * @throws RangeError unless nbits is an integer in 0..16; AnsError('E_TRUNCATED') as for advance.
   */
  popBits(nbits: number): number {
    if (!(nbits >= 0 && nbits <= 16 && (nbits | 0) === nbits)) throw badBits(0, nbits);
    const x = this.x;
    const v = x & ((1 << nbits) - 1);
    const y = (x >>> 0) >>> nbits;
    this.x = (y < L_BYTE ? this.refill(y) : y) | 0;
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

  /** Shift in words until y >= L (none if it already is: a word16 state in [2^16, 2^24)); with start 'one', stop when none are left. */
  private refill(y: number): number {
    if (y >= this.lower) return y;
    let p = this.pos;
    const b = this.bytes;
    do {
      if (p >= b.length) {
        if (this.x0 === 1) break;
        throw new AnsError('E_TRUNCATED', `rANS stream ends at byte ${p} but needs another ${this.wordBits === 8 ? 'byte' : 'word'}`);
      }
      if (this.wordBits === 8) {
        y = y * 256 + b[p++];
      } else {
        y = y * 0x10000 + (b[p] | (b[p + 1] << 8));
        p += 2;
      }
    } while (y < this.lower);
    this.pos = p;
    return y;
  }
}
