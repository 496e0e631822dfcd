import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildLearnedFlow, zeroNets, type LearnedArch } from '../src/flows/arch.js';
import { latentSupport } from '../src/flows/support.js';
import { resolveModel } from '../src/codec/models.js';
import { codingSupport, decodeTile, encodeTile, tileCodeLengths, totalBits } from '../src/codec/tile-coder.js';
import { streamFeatures, WRITTEN_FEATURES } from '../src/codec/stream-features.js';
import { extractTile } from '../src/codec/tiling.js';
import { LATENT_BITS, PROB_BITS } from '../src/quant/constants.js';
import { createRunner } from '../src/quant/runner.js';
import { exportNets } from '../train/export.js';
import { FloatPriors } from '../train/float-prior.js';
import { mixtureBits } from '../train/loss.js';
import { mulberry32 } from './helpers/prng.js';

const gray: LearnedArch = { channels: 1, levels: 3, hidden: [4], kernel: 3, mixture: 2, ownLevels: 1, residual: true, transform: 'pixels' };

describe('latent support (format v4)', () => {
  it('only flows whose latents are their samples have one: pixel-domain gray, not YCoCg-R RGB, not lifting', () => {
    expect(latentSupport(buildLearnedFlow(gray, zeroNets(gray)))).toEqual([0, 255]);
    expect(latentSupport(buildLearnedFlow({ ...gray, channels: 3 }, zeroNets({ ...gray, channels: 3 })))).toBeNull();
    expect(latentSupport(buildLearnedFlow({ ...gray, transform: 'lifting' }, zeroNets(gray)))).toBeNull();
    expect(latentSupport(resolveModel('zero-gray').flow)).toBeNull();
    const flow = buildLearnedFlow(gray, zeroNets(gray));
    expect(codingSupport(flow, streamFeatures(3))).toBeNull();
    expect(codingSupport(flow, streamFeatures(4))).toEqual([0, 255]);
  });

  it('a tile of extreme values codes without escapes and decodes exactly', async () => {
    const reference = (await createRunner('reference'))!;
    const flow = buildLearnedFlow(gray, await exportNets(gray, new FloatPriors(gray, 9)));
    // 28×28: black, with isolated white pixels and a white block holding isolated black ones —
    // values a sharp prior centred on the neighbours puts far outside its ±12σ window.
    const rng = mulberry32(5);
    const px = new Uint8Array(28 * 28);
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 28; x++) {
        const inBlock = y >= 8 && y < 20 && x >= 8 && x < 20;
        px[y * 28 + x] = inBlock ? (rng() < 0.1 ? 0 : 255) : rng() < 0.05 ? 255 : 0;
      }
    const r = { x: 0, y: 0, w: 28, h: 28, pw: 32, ph: 32 };
    const tile = extractTile(px, 28, 1, 0, 1, r, 'zero');
    const lengths = tileCodeLengths(flow, reference, tile, 32, 32, r);
    let coded = 0;
    for (const g of lengths)
      for (const b of g.bits)
        for (const v of b) {
          if (v > 0) coded++;
          expect(v).toBeLessThanOrEqual(PROB_BITS); // an escape would cost PROB_BITS + LATENT_BITS
          expect(v).toBeLessThan(PROB_BITS + LATENT_BITS);
        }
    expect(coded).toBe(28 * 28);
    const stream = encodeTile(flow, reference, tile, 32, 32, r);
    expect(Math.abs(totalBits(lengths) - 8 * stream.length)).toBeLessThan(64);
    expect(Array.from(decodeTile(flow, reference, stream, 32, 32, WRITTEN_FEATURES, r)[0])).toEqual(Array.from(tile[0]));
  });

  it('the truncated float loss is a distribution over the support, as the integer CDF is', async () => {
    await tf.setBackend('cpu');
    const K = 2;
    for (const [m0, m1, l0, l1] of [
      [-20, 3, 0, 2],
      [0, 0, -3, 1],
      [250, 260, 1, 4],
      [128, 40, 5, 3],
    ]) {
      // One row of 256 positions with the same parameters, z = 0..255.
      const params = tf.tensor4d(Array.from({ length: 256 }, () => [m0, m1, l0, l1, 0.3, -0.2]).flat(), [1, 1, 256, 3 * K]);
      const z = tf.tensor4d(
        Array.from({ length: 256 }, (_, i) => i),
        [1, 1, 256, 1],
      );
      let cut = 0,
        free = 0;
      for (let i = 0; i < 256; i++) {
        const mask = tf.tensor4d(
          Array.from({ length: 256 }, (_, j) => (j === i ? 1 : 0)),
          [1, 1, 256, 1],
        );
        cut += 2 ** -(await mixtureBits(params, z, mask, K, 1, [0, 255]).data())[0];
        free += 2 ** -(await mixtureBits(params, z, mask, K, 1).data())[0];
      }
      expect(cut).toBeGreaterThan(0.999);
      expect(cut).toBeLessThan(1.001 + 256 * 2 ** -16); // the loss's probability floor adds ≤ 2^-16 per value
      if (m0 < 5) expect(free).toBeLessThan(0.9); // without the support, mass below 0 is lost
    }
  });
});
