import { describe, expect, it } from 'vitest';
import { PROB_BITS } from '../src/quant/constants.js';
import { LeakyMixtureCdf } from '../src/quant/logistic-cdf.js';
import { chooseOffsetSymbol, log2Fixed, OFFSET_CUM, OFFSET_FREQ, OFFSET_SYMBOLS, OFFSET_ZERO_SYMBOL, offsetOfSymbol, offsetSymbolAt } from '../src/quant/scale-offset.js';
import { chooseOffsets, decodeTile, encodeTile, tileCodeLengths, totalBits } from '../src/codec/tile-coder.js';
import { streamFeatures, WRITTEN_FEATURES } from '../src/codec/stream-features.js';
import { forward } from '../src/flows/flow.js';
import { resolveModel } from '../src/codec/models.js';
import { createRunner } from '../src/quant/runner.js';
import { mulberry32 } from './helpers/prng.js';

/** n positions of latents drawn from a logistic of mean 0 and scale s (seeded). */
function logisticLatents(n: number, s: number, seed: number): Int32Array {
  const rng = mulberry32(seed);
  return Int32Array.from({ length: n }, () => {
    const u = Math.min(Math.max(rng(), 1e-9), 1 - 1e-9);
    return Math.round(s * Math.log(u / (1 - u)));
  });
}

describe('scale offsets (tile stream v3)', () => {
  it('the symbol table fills 2^PROB_BITS and every slot decodes to the symbol whose interval holds it', () => {
    expect(OFFSET_FREQ.reduce((a, f) => a + f, 0)).toBe(1 << PROB_BITS);
    expect(offsetOfSymbol(OFFSET_ZERO_SYMBOL)).toBe(0);
    let wrong = 0;
    for (let slot = 0; slot < 1 << PROB_BITS; slot++) {
      const s = offsetSymbolAt(slot);
      if (!(slot >= OFFSET_CUM[s] && slot < OFFSET_CUM[s] + OFFSET_FREQ[s])) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it('log2Fixed is 256·log2 x rounded down to within 2 units, for every 16-bit x', () => {
    const bad: number[] = [];
    for (let x = 1; x < 1 << 16; x++) {
      const v = log2Fixed(x),
        exact = 256 * Math.log2(x);
      if (!(Number.isInteger(v) && v <= exact + 1e-9 && v > exact - 2)) bad.push(x);
    }
    expect(bad).toEqual([]);
  });

  it('picks k = 0 for latents that match the prior, a wider scale for wider latents, a narrower for narrower — within 0.5% of the best k', () => {
    const n = 4096,
      K = 1;
    const cdf = new LeakyMixtureCdf(K);
    const ls0 = 3 * 16; // s = 8
    const means = new Int32Array(n),
      logScales = new Int32Array(n).fill(ls0);
    const pos = Int32Array.from({ length: n }, (_, i) => i);
    /** Exact code length of all n latents with every log-scale shifted by symbol s's offset. */
    const exactBits = (z: Int32Array, s: number) => {
      const ls = new Int32Array(1).fill(ls0 + offsetOfSymbol(s));
      let b = 0;
      for (const v of z) {
        cdf.set(means, ls, null, 0, 1);
        b += PROB_BITS - Math.log2(cdf.cum(v + 1) - cdf.cum(v));
      }
      return b;
    };
    for (const [scale, seed, sign] of [
      [8, 1, 0],
      [16, 2, 1],
      [8 * 2 ** -0.5, 3, -1],
      [8 * 2 ** 1.5, 4, 1],
    ]) {
      const z = logisticLatents(n, scale, seed);
      const s = chooseOffsetSymbol(cdf, K, means, logScales, null, z, pos);
      expect(Math.sign(offsetOfSymbol(s)), `scale ${scale}`).toBe(sign);
      const best = Math.min(...Array.from({ length: OFFSET_SYMBOLS }, (_, t) => exactBits(z, t)));
      expect(exactBits(z, s), `scale ${scale}`).toBeLessThan(best * 1.005);
    }
  });

  it('a tile with non-zero offsets (format v3 on) round-trips, and its code length matches the stream', async () => {
    const reference = (await createRunner('reference'))!;
    const model = resolveModel('zero-rgb');
    // Model zero on noise: its scales are far too small, so the encoder widens them.
    const rng = mulberry32(7);
    const tile = [0, 1, 2].map(() => Int32Array.from({ length: 32 * 32 }, () => Math.floor(rng() * 256)));
    const offsets = chooseOffsets(forward(model.flow, reference, tile, 32, 32));
    expect(offsets.flat().some((s) => s !== OFFSET_ZERO_SYMBOL)).toBe(true);
    const stream = encodeTile(model.flow, reference, tile, 32, 32);
    const back = decodeTile(model.flow, reference, stream, 32, 32, WRITTEN_FEATURES);
    back.forEach((p, c) => expect(Array.from(p)).toEqual(Array.from(tile[c])));
    const bits = totalBits(tileCodeLengths(model.flow, reference, tile, 32, 32));
    expect(Math.abs(stream.length * 8 - bits)).toBeLessThan(0.001 * bits + 64);
    // Read as a version 2 stream (no offset symbols), the same bytes do not give the tile back.
    let same: boolean;
    try {
      const wrong = decodeTile(model.flow, reference, stream, 32, 32, streamFeatures(2));
      same = wrong.every((p, c) => p.every((v, i) => v === tile[c][i]));
    } catch {
      same = false;
    }
    expect(same).toBe(false);
  });
});
