import { describe, expect, it } from 'vitest';
import { LOGSCALE_MAX, LOGSCALE_MIN, PROB_BITS } from '../src/quant/constants.js';
import { ESCAPE, ESCAPE_START, LeakyMixtureCdf } from '../src/quant/logistic-cdf.js';
import { mulberry32, randInt } from './helpers/prng.js';

const TOTAL = 1 << PROB_BITS;

/** Every cum(z) of the window, from a fresh CDF (no cache, no table). */
function freshStarts(k: number, means: number[], ls: number[], logits: number[] | null): { lo: number; starts: number[] } {
  const c = new LeakyMixtureCdf(k);
  c.set(means, ls, logits, 0, 1);
  const starts: number[] = [];
  for (let z = c.lo; z <= c.hi + 1; z++) starts.push(c.cum(z));
  return { lo: c.lo, starts };
}

/** The symbol of slot cf by plain linear scan over the starts. */
function scan(lo: number, starts: number[], cf: number): number {
  if (cf >= ESCAPE_START) return ESCAPE;
  let d = 0;
  while (starts[d + 1] <= cf) d++;
  return lo + d;
}

describe('leaky CDF fast paths (guess + gallop search, K = 1 cache and tables)', () => {
  it('symbolAt, start and freq equal a linear scan, with and without the cached table', () => {
    const rng = mulberry32(99);
    const cdf = new LeakyMixtureCdf(1);
    for (let t = 0; t < 60; t++) {
      const mean = t % 3 === 0 ? 0 : randInt(rng, -30000, 30000);
      const ls = randInt(rng, LOGSCALE_MIN - 10, LOGSCALE_MAX + 10);
      const { lo, starts } = freshStarts(1, [mean], [ls], null);
      // Reuse the same parameters enough times for the cache and then the table to kick in.
      for (let rep = 0; rep < 8; rep++) {
        cdf.set([mean], [ls], null, 0, 1);
        expect(cdf.lo).toBe(lo);
        for (let z = cdf.lo; z <= cdf.hi + 1; z += Math.max(1, Math.floor(cdf.n / 50))) expect(cdf.cum(z)).toBe(starts[z - lo]);
        for (let k = 0; k < 40; k++) {
          const cf = k < 4 ? [0, ESCAPE_START - 1, ESCAPE_START, TOTAL - 1][k] : randInt(rng, 0, TOTAL - 1);
          const z = cdf.symbolAt(cf);
          expect(z).toBe(scan(lo, starts, cf));
          if (z !== ESCAPE) {
            expect(cdf.start).toBe(starts[z - lo]);
            expect(cdf.freq).toBe(starts[z - lo + 1] - starts[z - lo]);
          }
        }
      }
    }
  });

  it('cache slots shared by colliding parameters never mix them up', () => {
    const cdf = new LeakyMixtureCdf(1);
    // (mu, ls) and (mu', ls') with mu·31 + ls ≡ mu'·31 + ls' (mod 1024): same slot, different keys.
    const pairs: Array<[number, number]> = [
      [0, 40],
      [1024, 40],
      [-1024, 40],
      [33, 9],
      [0, 40],
    ];
    for (let rep = 0; rep < 6; rep++) {
      for (const [mu, ls] of pairs) {
        const { lo, starts } = freshStarts(1, [mu], [ls], null);
        cdf.set([mu], [ls], null, 0, 1);
        for (let z = cdf.lo; z <= cdf.hi + 1; z++) expect(cdf.cum(z)).toBe(starts[z - lo]);
      }
    }
  });

  it('mixtures: symbolAt equals a linear scan', () => {
    const rng = mulberry32(5);
    for (let t = 0; t < 20; t++) {
      const k = 2 + (t % 4);
      const means = Array.from({ length: k }, () => randInt(rng, -20000, 20000));
      const ls = Array.from({ length: k }, () => randInt(rng, -60, 160));
      const logits = Array.from({ length: k }, () => randInt(rng, -200, 200));
      const { lo, starts } = freshStarts(k, means, ls, logits);
      const cdf = new LeakyMixtureCdf(k);
      cdf.set(means, ls, logits, 0, 1);
      for (let n = 0; n < 300; n++) {
        const cf = randInt(rng, 0, TOTAL - 1);
        expect(cdf.symbolAt(cf)).toBe(scan(lo, starts, cf));
      }
    }
  });
});
