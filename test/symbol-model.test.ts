import { describe, expect, it } from 'vitest';
import { RansDecoder, RansEncoder } from '../src/ans/index.js';
import { PROB_BITS } from '../src/quant/constants.js';
import { ESCAPE_BITS, LeakyMixtureCdf } from '../src/quant/logistic-cdf.js';
import { OFFSET_FREQ, OFFSET_MODEL, OFFSET_SYMBOLS, OFFSET_ZERO_SYMBOL } from '../src/quant/scale-offset.js';
import type { SymbolModel } from '../src/quant/symbol-model.js';
import { mulberry32, randInt } from './helpers/prng.js';

/** A sequence of (parameters, symbol) pairs: each symbol coded under its own model state. */
interface Item {
  set: () => SymbolModel;
  z: number;
}

function roundTrip(items: Item[]): { back: number[]; bytes: number; bits: number } {
  const enc = new RansEncoder(1024, 'one');
  for (let k = items.length - 1; k >= 0; k--) items[k].set().encode(enc, items[k].z);
  const stream = enc.finish();
  const dec = new RansDecoder(stream, 'one');
  const back = items.map((it) => it.set().decode(dec));
  dec.finish();
  const bits = items.reduce((t, it) => t + it.set().bits(it.z), 0);
  return { back, bytes: stream.length, bits };
}

describe('SymbolModel: the one contract between a prior and the coder', () => {
  it('a mixture CDF codes any latent, escapes included, and decodes it back; bits is the code length', () => {
    const rng = mulberry32(11);
    const cdf = new LeakyMixtureCdf(3);
    const items: Item[] = [];
    let escapes = 0;
    for (let n = 0; n < 3000; n++) {
      const means = Int32Array.from({ length: 3 }, () => randInt(rng, -2000, 2000));
      const ls = Int32Array.from({ length: 3 }, () => randInt(rng, -20, 60));
      const lg = Int32Array.from({ length: 3 }, () => randInt(rng, -200, 200));
      const far = rng() < 0.02;
      const z = far ? randInt(rng, -30000, 30000) : randInt(rng, -40, 40);
      const set = () => (cdf.set(means, ls, lg, 0, 1), cdf);
      if (set().slotFreq(z) === 0) {
        escapes++;
        expect(set().bits(z)).toBe(ESCAPE_BITS);
      } else {
        expect(set().bits(z)).toBeCloseTo(PROB_BITS - Math.log2(set().slotFreq(z)), 12);
      }
      items.push({ set, z });
    }
    expect(escapes).toBeGreaterThan(10);
    const { back, bytes, bits } = roundTrip(items);
    expect(back).toEqual(items.map((it) => it.z));
    expect(Math.abs(bytes * 8 - bits)).toBeLessThan(0.001 * bits + 64);
  });

  it('a support-limited CDF codes in-range values without escapes', () => {
    const cdf = new LeakyMixtureCdf(1, [0, 255]);
    const rng = mulberry32(5);
    const items: Item[] = Array.from({ length: 500 }, () => {
      const m = Int32Array.of(randInt(rng, -4000, 40000)),
        s = Int32Array.of(randInt(rng, -10, 80));
      return { set: () => (cdf.set(m, s, null, 0, 1), cdf), z: randInt(rng, 0, 255) };
    });
    for (const it of items) expect(it.set().slotFreq(it.z)).toBeGreaterThan(0);
    expect(roundTrip(items).back).toEqual(items.map((it) => it.z));
  });

  it('the offset symbol model codes every symbol, on the byte and the 16-bit coder alike', () => {
    const syms = [...Array.from({ length: OFFSET_SYMBOLS }, (_, s) => s), OFFSET_ZERO_SYMBOL, OFFSET_ZERO_SYMBOL];
    expect(roundTrip(syms.map((z) => ({ set: () => OFFSET_MODEL, z }))).back).toEqual(syms);
    const enc = new RansEncoder(64, 'normalised', 'word16');
    for (let k = syms.length - 1; k >= 0; k--) OFFSET_MODEL.encode(enc, syms[k]);
    const dec = new RansDecoder(enc.finish(), 'normalised', 'word16');
    expect(syms.map(() => OFFSET_MODEL.decode(dec))).toEqual(syms);
    for (let s = 0; s < OFFSET_SYMBOLS; s++) {
      expect(OFFSET_MODEL.slotFreq(s)).toBe(OFFSET_FREQ[s]);
      expect(OFFSET_MODEL.bits(s)).toBeCloseTo(PROB_BITS - Math.log2(OFFSET_FREQ[s]), 12);
    }
  });
});
