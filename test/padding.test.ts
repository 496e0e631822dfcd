import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildLearnedFlow, zeroNets, type LearnedArch } from '../src/flows/arch.js';
import { isPixelExact, realPositions } from '../src/flows/padding.js';
import { modelToJson, parseModel } from '../src/flows/model.js';
import { flowNets } from '../src/flows/spec.js';
import { resolveModel } from '../src/codec/models.js';
import { compress, decompress } from '../src/codec/index.js';
import { decodeTile, encodeTile, tileCodeLengths, totalBits } from '../src/codec/tile-coder.js';
import { WRITTEN_FEATURES } from '../src/codec/stream-features.js';
import { extractTile } from '../src/codec/tiling.js';
import { computeCanary } from '../src/quant/canary.js';
import { createRunner } from '../src/quant/runner.js';
import { exportNets } from '../train/export.js';
import { FloatPriors } from '../train/float-prior.js';
import { loadPngDir, PatchSampler } from '../train/data.js';
import { latentBatch } from '../train/latents.js';
import { mulberry32 } from './helpers/prng.js';

const ROOT = new URL('..', import.meta.url).pathname;
const gray: LearnedArch = { channels: 1, levels: 3, hidden: [4], kernel: 3, mixture: 2, ownLevels: 1, residual: true, transform: 'pixels' };
const rgb: LearnedArch = { ...gray, channels: 3 };

/** A 28×28 gray PGM with a bright blob on black (Fashion-MNIST-like), seeded. */
function blobPgm(seed: number): Uint8Array {
  const rng = mulberry32(seed);
  const px = new Uint8Array(28 * 28);
  for (let y = 0; y < 28; y++)
    for (let x = 0; x < 28; x++) {
      const d = Math.hypot(y - 14, x - 12);
      px[y * 28 + x] = d < 10 ? Math.min(255, 120 + Math.floor(rng() * 100)) : 0;
    }
  return new Uint8Array([...new TextEncoder().encode('P5\n28 28\n255\n'), ...px]);
}

describe('padding of pixel-exact flows', () => {
  it('pixel-domain flows are pixel-exact (gray and YCoCg-R RGB); lifting flows are not', () => {
    expect(isPixelExact(buildLearnedFlow(gray, zeroNets(gray)))).toBe(true);
    expect(isPixelExact(buildLearnedFlow(rgb, zeroNets(rgb)))).toBe(true);
    expect(isPixelExact(resolveModel('zero-gray').flow)).toBe(false);
    expect(isPixelExact(buildLearnedFlow({ ...gray, transform: 'lifting' }, zeroNets(gray)))).toBe(false);
  });

  it('the coded positions of all groups hold every real pixel exactly once, and no padded one', () => {
    const flow = buildLearnedFlow(gray, zeroNets(gray));
    for (const [rh, rw] of [
      [13, 11],
      [16, 9],
      [1, 16],
      [16, 16],
    ]) {
      const skip = realPositions(flow, 16, 16, rh, rw);
      if (rh === 16 && rw === 16) {
        expect(skip).toBeNull();
        continue;
      }
      expect(skip!.reduce((n, p) => n + p.length, 0)).toBe(rh * rw);
    }
    expect(realPositions(resolveModel('zero-gray').flow, 32, 32, 28, 28)).toBeNull();
  });

  it('a zero-padded tile codes without its padding, smaller, and decodes exactly', async () => {
    const reference = (await createRunner('reference'))!;
    const flow = buildLearnedFlow(gray, await exportNets(gray, new FloatPriors(gray, 3)));
    const pgm = blobPgm(1);
    const samples = pgm.subarray(pgm.length - 28 * 28);
    const r = { x: 0, y: 0, w: 28, h: 28, pw: 32, ph: 32 };
    const tile = extractTile(samples, 28, 1, 0, 1, r, 'zero');
    const skipped = encodeTile(flow, reference, tile, 32, 32, r);
    const full = encodeTile(flow, reference, tile, 32, 32);
    expect(skipped.length).toBeLessThan(full.length);
    // Within the 4-byte final state, and what the small initial state (format v4) absorbs of the last-decoded symbols.
    expect(Math.abs(totalBits(tileCodeLengths(flow, reference, tile, 32, 32, r)) - 8 * skipped.length)).toBeLessThan(128);
    expect(Array.from(decodeTile(flow, reference, skipped, 32, 32, WRITTEN_FEATURES, r)[0])).toEqual(Array.from(tile[0]));
  });

  it('a pixel-exact model round-trips 28×28 images through compress/decompress', async () => {
    const reference = (await createRunner('reference'))!;
    const flow = buildLearnedFlow(gray, await exportNets(gray, new FloatPriors(gray, 5)));
    const model = parseModel(modelToJson('px-test', flow, computeCanary(flowNets(flow), reference), {}));
    for (const seed of [1, 2, 3]) {
      const pgm = blobPgm(seed);
      const z = await compress(pgm, { model, method: 'flow', workers: 0 });
      expect(Array.from(await decompress(z, { models: [model], workers: 0 }))).toEqual(Array.from(pgm));
    }
  });

  it('training tiles of a pixel-exact flow are zero-padded, flipped inside the image, and masked to the real pixels', async () => {
    const reference = (await createRunner('reference'))!;
    // Images smaller than the patch, cut from a corpus photo: 28×28 (Fashion-MNIST's size) and 13×20.
    const photo = loadPngDir(join(ROOT, 'corpus/photos'), 1)[0];
    const crop = (w: number, h: number) => ({
      name: `crop-${w}x${h}`,
      width: w,
      height: h,
      channels: 1 as const,
      samples: Uint8Array.from({ length: w * h }, (_, i) => photo.samples[Math.floor(i / w) * photo.width + (i % w)]),
    });
    const images = [crop(28, 28), crop(13, 20)];
    const sampler = new PatchSampler(images, 32, 4, 'zero');
    const flow = buildLearnedFlow(gray, zeroNets(gray));
    for (let k = 0; k < 4; k++) {
      const t = sampler.next();
      const p = t.planes[0];
      let outside = 0;
      for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) if ((y >= t.h || x >= t.w) && p[y * 32 + x] !== 0) outside++;
      expect(outside).toBe(0);
      const batches = latentBatch(gray, flow, reference, [t], 32);
      const top = realPositions(flow, 32, 32, t.h, t.w)![0].length; // the top group is not trained
      expect(batches.reduce((n, g) => n + g.mask.reduce((a, v) => a + v, 0), 0) + top).toBe(t.h * t.w);
    }
  });
});
