/**
 * The seeded PRNG of tests, benchmarks, fuzzing and training (mulberry32):
 * small, fast, and the same sequence on every platform (integer arithmetic
 * only; the float it returns is an exact multiple of 2^-32). Never used to
 * decide a coded symbol.
 */

/** mulberry32 with its state exposed, so that a checkpoint can save and restore it. */
export class Mulberry32 {
  /** The 32-bit state (any integer seed is taken modulo 2^32). */
  constructor(public state: number) {}

  /** The next value, uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** A mulberry32 generator as a function returning uniform values in [0, 1). */
export function mulberry32(seed: number): () => number {
  const r = new Mulberry32(seed >>> 0);
  return () => r.next();
}

/** Uniform integer in [lo, hi] from a PRNG returning values in [0, 1). */
export function randInt(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}
