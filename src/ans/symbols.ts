/**
 * What a probability model codes into and out of: the two sides of a rANS
 * coder, reduced to the calls a symbol model makes. Intervals are
 * (start, freq) out of 2^bits; raw bits are uniform values in [0, 2^nbits).
 * The rANS coders implement them; bench/profile records through them.
 */

/** The encoding side: symbols are pushed in reverse decode order (rANS is LIFO). */
export interface SymbolSink {
  /** Pushes the interval [start, start + freq) of a 2^bits total. */
  push(start: number, freq: number, bits: number): void;
  /** Pushes `value` as nbits raw bits. */
  pushBits(value: number, nbits: number): void;
}

/** The decoding side: peek the slot, then advance past the interval that holds it; or pop raw bits. */
export interface SymbolSource {
  /** The slot in [0, 2^bits) that the next symbol's interval holds. */
  peek(bits: number): number;
  /** Consumes the interval [start, start + freq) that holds the peeked slot. */
  advance(start: number, freq: number, bits: number): void;
  /** Pops nbits raw bits. */
  popBits(nbits: number): number;
}
