/**
 * Adaptive binary probabilities in exact integers (the contexts of the copy
 * coder, codec/copy-causal-coder.ts): a bank of contexts, each holding
 * P(bit = 1) in 1/65536 units, coded as an interval of a 2^16 total.
 *
 *   start  p = 2^15, n = 0
 *   code   bit 1 → [0, p), bit 0 → [p, 2^16)
 *   update shift s = RATE[min(n, 15)]; bit 1: p += (2^16 − p) >> s, bit 0: p −= p >> s;
 *          p clamped to [P_MIN, 2^16 − P_MIN]; n += 1 (kept ≤ 15)
 * The shift grows with the context's count (a fast start, then a steady rate).
 */
import type { SymbolSink, SymbolSource } from '../ans/symbols.js';

const ONE = 1 << 16;
/** Smallest probability of either value, in 1/65536 (a bit costs at most 11 bits). */
const P_MIN = 32;
/** Adaptation shift by the context's count of coded bits (0..15). */
const RATE = Int8Array.of(1, 2, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5);

/** A bank of `size` adaptive binary contexts (each P(1) = 1/2 at first). */
export class AdaptiveBits {
  private readonly p: Uint16Array;
  private readonly n: Uint8Array;
  constructor(size: number) {
    this.p = new Uint16Array(size).fill(ONE >> 1);
    this.n = new Uint8Array(size);
  }

  /** P(bit = 1) of context `ctx` in 1/65536, in [P_MIN, 2^16 − P_MIN]. */
  p1(ctx: number): number {
    return this.p[ctx];
  }

  /** Updates context `ctx` with `bit` (0 or 1). */
  update(ctx: number, bit: number): void {
    const n = this.n[ctx];
    const s = RATE[n];
    let p = this.p[ctx];
    p = bit ? p + ((ONE - p) >> s) : p - (p >> s);
    this.p[ctx] = p < P_MIN ? P_MIN : p > ONE - P_MIN ? ONE - P_MIN : p;
    if (n < 15) this.n[ctx] = n + 1;
  }

  /** Decodes one bit of context `ctx` from `src` and updates the context. */
  decode(src: SymbolSource, ctx: number): number {
    const p = this.p[ctx];
    const bit = src.peek(16) < p ? 1 : 0;
    if (bit) src.advance(0, p, 16);
    else src.advance(p, ONE - p, 16);
    this.update(ctx, bit);
    return bit;
  }
}

/** Pushes `bit` with P(1) = p1 (1/65536 units; what AdaptiveBits.p1 gave before the update). */
export function pushBit(sink: SymbolSink, bit: number, p1: number): void {
  if (bit) sink.push(0, p1, 16);
  else sink.push(p1, ONE - p1, 16);
}
