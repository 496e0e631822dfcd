import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { buildLearnedFlow, OUT_SCALE, priorSlots, zeroNets, type LearnedArch } from '../src/flows/arch.js';
import { decodeTile, encodeTile, tileCodeLengths, totalBits } from '../src/codec/tile-coder.js';
import { checkNet } from '../src/quant/qnet.js';
import { createRunner } from '../src/quant/runner.js';
import { conv2dSame } from '../train/conv.js';
import { FloatPriors } from '../train/float-prior.js';
import { exportNets, quantiseLayer } from '../train/export.js';
import { latentBatch } from '../train/latents.js';
import { mixtureBits } from '../train/loss.js';
import { loadPngDir, PatchSampler } from '../train/data.js';
import { mulberry32 } from './helpers/prng.js';

const tiny: LearnedArch = { channels: 3, levels: 3, hidden: [8], kernel: 3, mixture: 2, ownLevels: 1 };
const ROOT = new URL('..', import.meta.url).pathname;

function randTensor(rng: () => number, shape: number[]): tf.Tensor {
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng() * 2 - 1),
    shape,
  );
}

describe('training', () => {
  beforeAll(async () => {
    // Initialise both backends (wasm loads asynchronously) before any tensor is made.
    expect(await createRunner('cpu')).not.toBeNull();
    expect(await createRunner('wasm')).not.toBeNull();
  });

  it('custom conv gradient on wasm equals the cpu backend’s native gradient', async () => {
    await tf.setBackend('cpu');
    const rng = mulberry32(3);
    const x = randTensor(rng, [2, 7, 9, 3]) as tf.Tensor4D,
      w = randTensor(rng, [3, 3, 3, 4]) as tf.Tensor4D,
      up = randTensor(rng, [2, 7, 9, 4]);
    const loss = (conv: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), up));
    const [gxCpu, gwCpu] = tf
      .grads(loss((a, b) => tf.conv2d(a, b, 1, 'same')))([x, w])
      .map((t) => t.dataSync());
    await tf.setBackend('wasm');
    const xs = tf.tensor(x.dataSync(), x.shape),
      ws = tf.tensor(w.dataSync(), w.shape),
      ups = tf.tensor(up.dataSync(), up.shape);
    const [gx, gw] = tf
      .grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv2dSame(a as tf.Tensor4D, b as tf.Tensor4D), ups)))([xs, ws])
      .map((t) => t.dataSync());
    for (let i = 0; i < gx.length; i++) expect(gx[i]).toBeCloseTo(gxCpu[i], 4);
    for (let i = 0; i < gw.length; i++) expect(gw[i]).toBeCloseTo(gwCpu[i], 4);
  });

  it('export honours the 2^24 bound: finer weights when they are small, a clear refusal when impossible', async () => {
    await tf.setBackend('cpu');
    const priors = new FloatPriors(tiny, 5);
    for (const net of (await exportNets(tiny, priors)).values()) expect(checkNet(net)).toBeNull();
    const w = (m: number) => Float32Array.from({ length: 9 * 4 * 2 }, (_, i) => (i % 2 ? 1 : -1) * m);
    const small = quantiseLayer(w(0.01), new Float32Array(2), [3, 3, 4, 2], 64, 1023, 512, 0, 4095);
    const big = quantiseLayer(w(10), new Float32Array(2), [3, 3, 4, 2], 64, 1023, 512, 0, 4095);
    expect(small.shift).toBeGreaterThan(big.shift); // more fractional bits for small weights
    for (const l of [small, big]) expect(checkNet({ inLo: -1023, inHi: 1023, layers: [l] })).toBeNull();
    expect(() => quantiseLayer(w(1e4), new Float32Array(2), [3, 3, 4, 2], 64, 1023, 512, 0, 4095)).toThrow(/2\^24/);
  });

  it('float and integer prior nets agree on the parameters they round', async () => {
    await tf.setBackend('cpu');
    const priors = new FloatPriors(tiny, 7);
    const nets = await exportNets(tiny, priors);
    const reference = (await createRunner('reference'))!;
    const rng = mulberry32(8);
    const key = 'L1g3',
      net = nets.get(key)!;
    const cin = net.layers[0].cin,
      h = 6,
      w = 5;
    const planes = Array.from({ length: cin }, () => Int32Array.from({ length: h * w }, () => Math.round((rng() * 2 - 1) * 300)));
    const intOut = reference.run(net, planes, h, w);
    const hwc = new Float32Array(h * w * cin);
    planes.forEach((p, c) =>
      p.forEach((v, i) => {
        hwc[i * cin + c] = v;
      }),
    );
    const floatOut = priors.apply(key, tf.tensor4d(hwc, [1, h, w, cin])).dataSync();
    const cout = intOut.length;
    let worst = 0;
    for (let c = 0; c < cout; c++) for (let i = 0; i < h * w; i++) worst = Math.max(worst, Math.abs(intOut[c][i] / OUT_SCALE - floatOut[i * cout + c]));
    expect(worst).toBeLessThan(0.1); // within ~1.5 output units of 1/16
  });

  it('a tiny model trains: its loss falls over a few steps on a fixed batch', async () => {
    await tf.setBackend('cpu');
    const images = loadPngDir(join(ROOT, 'corpus/photos'), 3);
    const sampler = new PatchSampler(images, 32, 1);
    const tiles = [sampler.next(), sampler.next()];
    const reference = (await createRunner('reference'))!;
    const batches = latentBatch(tiny, buildLearnedFlow(tiny, zeroNets(tiny)), reference, tiles, 32);
    const priors = new FloatPriors(tiny, 2);
    const opt = tf.train.adam(0.01);
    const losses: number[] = [];
    for (let s = 0; s < 12; s++) {
      const l = opt.minimize(
        () => {
          let total = tf.scalar(0);
          for (const g of batches)
            total = tf.add(total, mixtureBits(priors.apply(g.key, tf.tensor4d(g.ctx, [2, g.h, g.w, g.cin])), tf.tensor4d(g.z, [2, g.h, g.w, 3]), tf.tensor4d(g.mask, [2, g.h, g.w, 1]), 2, 3));
          return tf.div(total, 2 * 32 * 32 * 3) as tf.Scalar;
        },
        true,
        priors.variables(),
      )!;
      losses.push(l.dataSync()[0]);
    }
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] - 0.2);
  });

  it('channelSplit: per-plane nets see the earlier planes; at zero nets the residual model codes exactly as the unsplit one; tiles round-trip', async () => {
    await tf.setBackend('cpu');
    const reference = (await createRunner('reference'))!;
    const base: LearnedArch = { channels: 3, levels: 2, hidden: [4], kernel: 3, mixture: 1, ownLevels: 1, residual: true };
    const split: LearnedArch = { ...base, channelSplit: true };
    // 18 single-plane nets per level; net g sees LL (3 planes) and the g planes before it.
    const slots = priorSlots(split).filter((s) => s.level === 1);
    expect(slots.map((s) => s.cin)).toEqual(Array.from({ length: 18 }, (_, g) => 3 + g));
    expect(new Set(slots.map((s) => s.cout))).toEqual(new Set([2]));
    const images = loadPngDir(join(ROOT, 'corpus/photos'), 3);
    const tile = new PatchSampler(images, 32, 3).next().planes;
    const bits = (a: LearnedArch) => totalBits(tileCodeLengths(buildLearnedFlow(a, zeroNets(a)), reference, tile, 32, 32));
    expect(Math.abs(bits(split) - bits(base))).toBeLessThan(1e-6 * bits(base));
    // Random (exported) nets: the split flow codes and decodes a tile exactly.
    const nets = await exportNets(split, new FloatPriors(split, 9));
    const flow = buildLearnedFlow(split, nets);
    const back = decodeTile(flow, reference, encodeTile(flow, reference, tile, 32, 32), 32, 32);
    back.forEach((p, c) => expect(Array.from(p)).toEqual(Array.from(tile[c])));
    // And its training tensors have one plane per group.
    const batches = latentBatch(split, buildLearnedFlow(split, zeroNets(split)), reference, [{ planes: tile, h: 32, w: 32 }], 32);
    expect(batches.length).toBe(36);
    expect(new Set(batches.map((g) => g.planes))).toEqual(new Set([1]));
  });

  it("transform 'pixels': no lifting, odd pixels coded raw on a bilinear base; random nets round-trip", async () => {
    await tf.setBackend('cpu');
    const reference = (await createRunner('reference'))!;
    const arch: LearnedArch = { channels: 1, levels: 2, hidden: [4], kernel: 3, mixture: 2, ownLevels: 1, residual: true, transform: 'pixels' };
    const skeleton = buildLearnedFlow(arch, zeroNets(arch));
    expect(skeleton.steps.map((s) => s.op)).toEqual(['squeeze', 'split', 'squeeze', 'split', 'top']);
    const tile = new PatchSampler(loadPngDir(join(ROOT, 'corpus/photos'), 1), 16, 5).next().planes;
    const px = (y: number, x: number) => tile[0][y * 16 + x];
    // Level 1, group 0 = HL phase 0: latents are the pixels (2y, 2x+1); the base mean interpolates (2y, 2x) and (2y, 2x+2).
    const g = latentBatch(arch, skeleton, reference, [{ planes: tile, h: 16, w: 16 }], 16).find((b) => b.level === 1 && b.group === 0)!;
    const cout = g.base!.length / (g.h * g.w);
    let checked = 0;
    for (let y = 0; y < g.h; y++) {
      for (let x = 0; x < g.w - 1; x++) {
        const q = y * g.w + x;
        if (!g.mask[q]) continue;
        expect(g.z[q]).toBe(px(2 * y, 2 * x + 1));
        expect(g.base![q * cout]).toBe((px(2 * y, 2 * x) + px(2 * y, 2 * x + 2)) / 2);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    // Random (exported) nets: the pixel flow codes and decodes a tile exactly.
    const flow = buildLearnedFlow(arch, await exportNets(arch, new FloatPriors(arch, 4)));
    const back = decodeTile(flow, reference, encodeTile(flow, reference, tile, 16, 16), 16, 16);
    expect(Array.from(back[0])).toEqual(Array.from(tile[0]));
  });

  it('flowzip train runs end to end; the model codes, and decoding needs it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fz-train-'));
    const out = join(dir, 'mine.json');
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/flowzip.js'), ...args], { encoding: 'utf8' });
    const t = cli('train', join(ROOT, 'corpus/photos'), '--out', out, '--arch', 'photo-small', '--steps', '2', '--batch', '2', '--patch', '32', '-q');
    expect(t.status, t.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).format).toBe('flowzip-model');
    const src = join(ROOT, 'corpus/photos/rgb-hopper-150x97.png');
    const fz = join(dir, 'x.fz'),
      back = join(dir, 'x.png');
    expect(cli('compress', '--model', out, '--method', 'flow', '-o', fz, src).status).toBe(0);
    const missing = cli('decompress', '-o', back, fz);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/model [0-9a-f]{8}/);
    expect(cli('decompress', '--model', out, '-o', back, fz).status).toBe(0);
  });
});
