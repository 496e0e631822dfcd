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
 *
 * Two-rate mode (format 7 on, `twoRateBits`): each context holds two
 * estimates, both starting at 2^15, and codes with their mean:
 *   code   p = (f + s) >> 1, then as above
 *   update f with shift min(2, RATE[min(n, 15)]) (fast: the last few bits),
 *          s with shift RATE[n] for n < 16, 5 for n < 64, 6 for n < 256, then 7
 *          (slow: a long average); each clamped to [P_MIN, 2^16 − P_MIN] as above;
 *          n += 1 (kept ≤ 256)
 * On eval-S's copy tiles, 2.7 % fewer bits than the one-rate rule.
 */
import type { SymbolSink, SymbolSource } from '../ans/symbols.js';

const ONE = 1 << 16;
/** Smallest probability of either value, in 1/65536 (a bit costs at most 11 bits). */
const P_MIN = 32;
/** Adaptation shift by the context's count of coded bits (0..15). */
const RATE = Int8Array.of(1, 2, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5);

/** Shift of the slow estimate in two-rate mode by the context's count (0..256). */
function slowShift(n: number): number {
  return n < 16 ? RATE[n] : n < 64 ? 5 : n < 256 ? 6 : 7;
}

/** Shift of the fast estimate in two-rate mode. */
const FAST_MAX_SHIFT = 2;

/** A bank of `size` adaptive binary contexts (each P(1) = 1/2 at first); `twoRate`: the two-rate mode (see the header). */
export class AdaptiveBits {
  private readonly p: Uint16Array;
  private readonly n: Uint16Array;
  /** Two-rate mode: the slow estimates (`p` holds the fast ones); null in one-rate mode. */
  private readonly q: Uint16Array | null;
  constructor(size: number, twoRate = false) {
    this.p = new Uint16Array(size).fill(ONE >> 1);
    this.n = new Uint16Array(size);
    this.q = twoRate ? new Uint16Array(size).fill(ONE >> 1) : null;
  }

  /** P(bit = 1) of context `ctx` in 1/65536, in [P_MIN, 2^16 − P_MIN]. */
  p1(ctx: number): number {
    return this.q ? (this.p[ctx] + this.q[ctx]) >> 1 : this.p[ctx];
  }

  /** Updates context `ctx` with `bit` (0 or 1). */
  update(ctx: number, bit: number): void {
    const n = this.n[ctx];
    const q = this.q;
    if (q) {
      this.p[ctx] = step(this.p[ctx], bit, Math.min(FAST_MAX_SHIFT, RATE[n < 15 ? n : 15]));
      q[ctx] = step(q[ctx], bit, slowShift(n));
      if (n < 256) this.n[ctx] = n + 1;
      return;
    }
    this.p[ctx] = step(this.p[ctx], bit, RATE[n]);
    if (n < 15) this.n[ctx] = n + 1;
  }

  /** Decodes one bit of context `ctx` from `src` and updates the context. */
  decode(src: SymbolSource, ctx: number): number {
    const p = this.p1(ctx);
    const bit = src.peek(16) < p ? 1 : 0;
    if (bit) src.advance(0, p, 16);
    else src.advance(p, ONE - p, 16);
    this.update(ctx, bit);
    return bit;
  }
}

/** One estimate moved towards `bit` by `shift`, clamped to [P_MIN, 2^16 − P_MIN]. */
function step(p: number, bit: number, shift: number): number {
  p = bit ? p + ((ONE - p) >> shift) : p - (p >> shift);
  return p < P_MIN ? P_MIN : p > ONE - P_MIN ? ONE - P_MIN : p;
}

/** Pushes `bit` with P(1) = p1 (1/65536 units; what AdaptiveBits.p1 gave before the update). */
export function pushBit(sink: SymbolSink, bit: number, p1: number): void {
  if (bit) sink.push(0, p1, 16);
  else sink.push(p1, ONE - p1, 16);
}
