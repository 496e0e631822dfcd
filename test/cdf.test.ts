import { describe, expect, it } from 'vitest';
import { PROB_BITS, LOGSCALE_MIN, LOGSCALE_MAX, LATENT_LIMIT, CDF_BITS } from '../src/quant/constants.js';
import { ESCAPE, ESCAPE_START, LeakyMixtureCdf } from '../src/quant/logistic-cdf.js';
import { LOGISTIC_CDF, INV_SCALE, HALF_WINDOW, EXP_WEIGHT } from '../src/quant/tables.js';
import { mulberry32, randInt } from './helpers/prng.js';

const TOTAL = 1 << PROB_BITS;

/** Checks every invariant of one parameter set, exhaustively over all 2^PROB_BITS slots. */
function checkExhaustive(cdf: LeakyMixtureCdf): void {
  expect(cdf.cum(cdf.lo)).toBe(0);
  expect(cdf.cum(cdf.hi + 1)).toBe(ESCAPE_START);
  const starts = new Int32Array(cdf.n + 1);
  for (let z = cdf.lo; z <= cdf.hi + 1; z++) starts[z - cdf.lo] = cdf.cum(z);
  for (let k = 0; k < cdf.n; k++) expect(starts[k + 1] - starts[k]).toBeGreaterThanOrEqual(1);
  // Every slot decodes to the symbol whose interval holds it.
  let z = 0;
  for (let cf = 0; cf < TOTAL; cf++) {
    if (cf >= ESCAPE_START) {
      expect(cdf.symbolAt(cf)).toBe(ESCAPE);
      continue;
    }
    while (starts[z + 1] <= cf) z++;
    const got = cdf.symbolAt(cf);
    if (got !== cdf.lo + z) throw new Error(`slot ${cf}: symbol ${got}, expected ${cdf.lo + z}`);
  }
}

describe('committed tables', () => {
  it('logistic CDF is monotone from 1/2 to 1', () => {
    expect(LOGISTIC_CDF[0]).toBe(2 ** (CDF_BITS - 1));
    for (let i = 1; i < LOGISTIC_CDF.length; i++) expect(LOGISTIC_CDF[i]).toBeGreaterThanOrEqual(LOGISTIC_CDF[i - 1]);
    expect(LOGISTIC_CDF[LOGISTIC_CDF.length - 1]).toBeLessThanOrEqual(2 ** CDF_BITS);
  });
  it('scale tables cover every log-scale, decreasing 1/s and increasing windows', () => {
    expect(INV_SCALE.length).toBe(LOGSCALE_MAX - LOGSCALE_MIN + 1);
    for (let i = 1; i < INV_SCALE.length; i++) {
      expect(INV_SCALE[i]).toBeLessThan(INV_SCALE[i - 1]);
      expect(HALF_WINDOW[i]).toBeGreaterThanOrEqual(HALF_WINDOW[i - 1]);
    }
    for (let i = 1; i < EXP_WEIGHT.length; i++) expect(EXP_WEIGHT[i]).toBeLessThanOrEqual(EXP_WEIGHT[i - 1]);
    expect(EXP_WEIGHT[EXP_WEIGHT.length - 1]).toBeGreaterThanOrEqual(1);
  });
});

describe('leaky mixture CDF', () => {
  it('single logistic: freq ≥ 1, sums to 2^16, exhaustive slot → symbol inverse', () => {
    const rng = mulberry32(7);
    const cdf = new LeakyMixtureCdf(1);
    const cases: Array<[number, number]> = [
      [0, LOGSCALE_MIN],
      [0, LOGSCALE_MAX],
      [-LATENT_LIMIT * 16, 40],
      [(LATENT_LIMIT - 1) * 16, 40],
      [5000, 0],
    ];
    for (let i = 0; i < 12; i++) cases.push([randInt(rng, -4000, 4000), randInt(rng, LOGSCALE_MIN - 20, LOGSCALE_MAX + 20)]);
    for (const [m, ls] of cases) {
      cdf.set([m], [ls], null, 0, 1);
      checkExhaustive(cdf);
    }
  });

  it('mixtures of 2..5 components with spread-out means keep every invariant', () => {
    const rng = mulberry32(11);
    for (let t = 0; t < 12; t++) {
      const k = 2 + (t % 4);
      const cdf = new LeakyMixtureCdf(k);
      const means = Array.from({ length: k }, () => randInt(rng, -30000, 30000));
      const ls = Array.from({ length: k }, () => randInt(rng, -40, 150));
      const logits = Array.from({ length: k }, () => randInt(rng, -300, 300));
      cdf.set(means, ls, logits, 0, 1);
      expect(cdf.n).toBeLessThanOrEqual(4096);
      checkExhaustive(cdf);
    }
  });

  it('probability mass follows the logistic (the mode gets the most)', () => {
    const cdf = new LeakyMixtureCdf(1);
    cdf.set([3 * 16], [16 * 3], null, 0, 1); // mean 3, s = 8
    const f = (z: number) => cdf.cum(z + 1) - cdf.cum(z);
    expect(f(3)).toBeGreaterThan(f(10));
    expect(f(3)).toBeGreaterThan(f(-4));
    expect(Math.abs(f(3 + 5) - f(3 - 5))).toBeLessThan(f(3) * 0.05); // symmetric about the mean
  });

  it('is a pure function of its parameters (reuse gives the same table)', () => {
    const a = new LeakyMixtureCdf(2),
      b = new LeakyMixtureCdf(2);
    a.set([0, 800], [10, 60], [0, -20], 0, 1);
    a.set([100, -50], [30, 20], [5, 7], 0, 1);
    b.set([100, -50], [30, 20], [5, 7], 0, 1);
    for (let z = a.lo; z <= a.hi + 1; z++) expect(a.cum(z)).toBe(b.cum(z));
  });
});

describe('leaky mixture CDF with a support (format v4)', () => {
  it('every parameter set gets the whole support as its window, with every invariant', () => {
    const rng = mulberry32(23);
    for (const k of [1, 3]) {
      const cdf = new LeakyMixtureCdf(k, [0, 255]);
      // Means inside, at the edges and far outside the support; the whole log-scale range.
      const cases: Array<[number[], number[], number[] | null]> = [];
      for (const m of [0, 255 * 16, -40 * 16, 300 * 16, 20000 * 16]) cases.push([Array(k).fill(m), Array(k).fill(LOGSCALE_MIN), k > 1 ? [0, -10, 10] : null]);
      for (let t = 0; t < 8; t++) {
        cases.push([
          Array.from({ length: k }, () => randInt(rng, -100 * 16, 400 * 16)),
          Array.from({ length: k }, () => randInt(rng, LOGSCALE_MIN - 10, LOGSCALE_MAX + 10)),
          k > 1 ? Array.from({ length: k }, () => randInt(rng, -200, 200)) : null,
        ]);
      }
      for (const [means, ls, logits] of cases) {
        cdf.set(means, ls, logits, 0, 1);
        expect([cdf.lo, cdf.hi]).toEqual([0, 255]);
        checkExhaustive(cdf);
      }
    }
  });

  it('a sharp prior centred at the bottom edge puts its mass on the edge value, not below it', () => {
    const cut = new LeakyMixtureCdf(1, [0, 255]),
      free = new LeakyMixtureCdf(1);
    for (const c of [cut, free]) c.set([0], [0], null, 0, 1); // mean 0, s = 1: half the mass lies below 0
    const p0 = (c: LeakyMixtureCdf) => (c.cum(1) - c.cum(0)) / TOTAL;
    expect(p0(free)).toBeCloseTo(0.2449, 2); // F(½) − F(−½) of a unit logistic
    expect(p0(cut)).toBeCloseTo(0.2449 / 0.6225, 2); // renormalised onto z ≥ 0, i.e. over 1 − F(−½)
    expect(p0(cut)).toBeGreaterThan(1.5 * p0(free));
  });

  it('refuses a support that is not a window of latent values', () => {
    expect(() => new LeakyMixtureCdf(1, [5, 4])).toThrow(RangeError);
    expect(() => new LeakyMixtureCdf(1, [0, 4096])).toThrow(RangeError);
    expect(() => new LeakyMixtureCdf(1, [0.5, 10])).toThrow(RangeError);
    expect(() => new LeakyMixtureCdf(1, [-LATENT_LIMIT - 1, 10])).toThrow(RangeError);
    expect(new LeakyMixtureCdf(1, [0, 4095]).support).toEqual([0, 4095]);
  });
});
