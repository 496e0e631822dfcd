import { describe, expect, it } from 'vitest';
import { buildLearnedFlow, type LearnedArch } from '../src/flows/arch.js';
import { modelToJson, parseModel } from '../src/flows/model.js';
import { flowNets } from '../src/flows/spec.js';
import { compress, decompress } from '../src/codec/index.js';
import { computeCanary } from '../src/quant/canary.js';
import { createRunner } from '../src/quant/runner.js';
import { exportNets } from '../train/export.js';
import { FloatPriors } from '../train/float-prior.js';
import { codedBpsp } from '../train/evaluate.js';
import { fitTopConstant, topHistogram, withTopConstant } from '../train/top-prior.js';
import type { Img } from '../train/data.js';
import { mulberry32 } from './helpers/prng.js';

const gray: LearnedArch = { channels: 1, levels: 3, hidden: [4], kernel: 3, mixture: 2, ownLevels: 1, residual: true, transform: 'pixels' };

/** 28×28 gray images: black, with a bright seeded blob in the middle (Fashion-MNIST-like). */
function blobs(n: number, seed: number): Img[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, (_, k) => {
    const cy = 10 + rng() * 8,
      cx = 10 + rng() * 8,
      rad = 5 + rng() * 6;
    const samples = new Uint8Array(28 * 28);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) if (Math.hypot(y - cy, x - cx) < rad) samples[y * 28 + x] = 100 + Math.floor(rng() * 150);
    return { name: `blob${k}`, width: 28, height: 28, channels: 1 as const, samples };
  });
}

describe('fitted top prior', () => {
  it('codes the top latents of images like its training images in fewer bits, and the model still round-trips', async () => {
    const reference = (await createRunner('reference'))!;
    const flow = buildLearnedFlow(gray, await exportNets(gray, new FloatPriors(gray, 2)));
    const hist = topHistogram(flow, reference, blobs(60, 1));
    // 28×28 in a 32×32 tile, 3 levels: the top is the 4×4 subsample, all 16 of it real.
    expect([...hist[0].values()].reduce((a, b) => a + b, 0)).toBe(60 * 16);
    const fit = fitTopConstant(flow, hist);
    expect(fit.after).toBeLessThan(0.8 * fit.before);
    const fitted = withTopConstant(flow, fit.constant);
    const held = blobs(20, 2);
    expect(codedBpsp(fitted, reference, held)).toBeLessThan(codedBpsp(flow, reference, held));
    // Deterministic: the same images give the same constant.
    expect(fitTopConstant(flow, topHistogram(flow, reference, blobs(60, 1))).constant).toEqual(fit.constant);
    const model = parseModel(modelToJson('px-fitted', fitted, computeCanary(flowNets(fitted), reference), {}));
    for (const im of held.slice(0, 3)) {
      const pgm = new Uint8Array([...new TextEncoder().encode('P5\n28 28\n255\n'), ...im.samples]);
      const z = await compress(pgm, { model, method: 'flow', workers: 0 });
      expect(Array.from(await decompress(z, { models: [model], workers: 0 }))).toEqual(Array.from(pgm));
    }
  });
});
