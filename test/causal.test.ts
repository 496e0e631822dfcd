/**
 * The causal coder (format v5): exact inverse of the autoregressive coupling
 * on random and edge-shaped images, encoder and decoder ending in the same
 * adaptive state, the model's canary, tampered parameters refused, and
 * identical streams whatever the number of workers.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compress, decompress, FlowzipError, inspectStream } from '../src/codec/index.js';
import { decodeCausalTile, encodeCausalTile, readCausalParams, writeCausalParams } from '../src/codec/causal-coder.js';
import { causalCanary } from '../src/codec/causal-canary.js';
import { ByteReader, ByteWriter } from '../src/codec/bytes.js';
import { MODEL_ID_BYTES, resolveModel, shippedModels } from '../src/codec/models.js';
import { FORMAT_VERSION, unframe } from '../src/codec/container.js';
import { readImageHeader } from '../src/codec/image-header.js';
import { featureCount, fittedSum, gatherFeatures, neighbourOffsets, neighbourSteps, SAME_PLANE, withSentinel } from '../src/flows/causal-context.js';
import { fitCausal } from '../src/flows/causal-fit.js';
import type { CausalKernel } from '../src/flows/causal-kernel.js';
import type { StackMode } from '../src/flows/causal-stack.js';
import { fromPlanes, planeRanges, toPlanes } from '../src/flows/ycocg.js';
import { writePnm } from '../src/codec/formats/pnm.js';

/** Seeded xorshift32 in [0, 1). */
function rng(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** A w×h image of `count` channels: smooth ramps, an edge, noise of amplitude `noise`, some saturated pixels. */
function image(w: number, h: number, count: 1 | 3, seed: number, noise = 12): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(w * h * count);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < count; c++) {
        let v = ((x * 3 + y * (c + 2)) % 256) + (x > w / 2 ? 60 : 0) + Math.floor((r() - 0.5) * noise);
        if (r() < 0.01) v = r() < 0.5 ? 0 : 255;
        out[(y * w + x) * count + c] = Math.max(0, Math.min(255, v));
      }
    }
  }
  return out;
}

function fit(data: Uint8Array, w: number, h: number, count: 1 | 3) {
  return fitCausal([{ values: toPlanes(data, w * h, count), nch: count, w, h }], planeRanges(count).mids);
}

const MODES: StackMode[] = ['off', 'nlms', 'rls'];

describe('YCoCg-R', () => {
  it('is exactly invertible on every RGB triple of a random sample, and keeps planes in range', () => {
    const r = rng(7);
    const n = 20000;
    const rgb = Uint8Array.from({ length: 3 * n }, () => Math.floor(r() * 256));
    rgb.set([0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255], 0);
    const planes = toPlanes(rgb, n, 3);
    const { lo, hi } = planeRanges(3);
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) expect(planes[3 * i + c] >= lo[c] && planes[3 * i + c] <= hi[c]).toBe(true);
    const back = new Uint8Array(3 * n);
    fromPlanes(planes, n, 3, back);
    expect(Buffer.from(back).equals(Buffer.from(rgb))).toBe(true);
  });
});

describe('causal features', () => {
  it("the coder's fitted sum (read in place) equals the weights times the fit's gathered features, at every pixel of edge-shaped tiles", () => {
    const r = rng(77);
    for (const [w, h] of [
      [1, 1],
      [1, 9],
      [9, 1],
      [2, 3],
      [5, 4],
      [17, 6],
    ]) {
      for (const nch of [1, 3] as const) {
        const n = w * h;
        const mids = Int32Array.from(planeRanges(nch).mids);
        const vals = withSentinel(toPlanes(image(w, h, nch, w * 31 + h), n, nch), n, nch, mids);
        const steps = neighbourSteps(w, nch),
          off = new Int32Array(SAME_PLANE),
          f = new Int32Array(featureCount(2));
        for (let y = 0, i = 0; y < h; y++) {
          for (let x = 0; x < w; x++, i++) {
            neighbourOffsets(x, y, w, h, nch, steps, off);
            for (let c = 0; c < nch; c++) {
              const nf = featureCount(c);
              const wts = Int32Array.from({ length: nf + 3 }, () => Math.floor((r() - 0.5) * 2 ** 21));
              gatherFeatures(vals, nch, c, i, off, f);
              let want = 0;
              for (let j = 0; j < nf; j++) want += wts[3 + j] * f[j];
              expect(fittedSum(vals, nch, c, i, off, wts, 3)).toBe(want);
            }
          }
        }
      }
    }
  });
});

describe('causal tile coder', () => {
  const shapes: Array<[number, number]> = [
    [1, 1],
    [1, 37],
    [37, 1],
    [2, 2],
    [3, 5],
    [17, 9],
    [64, 48],
  ];
  for (const count of [1, 3] as const) {
    for (const [w, h] of shapes) {
      it(`round-trips ${w}×${h}, ${count} channel(s), every stack mode`, () => {
        const data = image(w, h, count, w * 131 + h * 7 + count);
        const params = fit(data, w, h, count);
        for (const mode of MODES) {
          const stream = encodeCausalTile(data, w, h, count, params, mode);
          const back = decodeCausalTile(stream, w, h, count, params, mode);
          expect(Buffer.from(back).equals(Buffer.from(data))).toBe(true);
        }
      });
    }
  }

  it('encoder and decoder end in the same adaptive state (40 seeded random images)', () => {
    const r = rng(99);
    for (let t = 0; t < 40; t++) {
      const w = 1 + Math.floor(r() * 40),
        h = 1 + Math.floor(r() * 30),
        count = r() < 0.5 ? 1 : 3;
      const data = image(w, h, count as 1 | 3, 1000 + t, Math.floor(r() * 80));
      const params = fit(data, w, h, count as 1 | 3);
      const mode = MODES[t % 3];
      let enc: Float64Array | null = null,
        dec: Float64Array | null = null;
      const stream = encodeCausalTile(data, w, h, count as 1 | 3, params, mode, (k: CausalKernel) => (enc = k.snapshot()));
      decodeCausalTile(stream, w, h, count as 1 | 3, params, mode, (k: CausalKernel) => (dec = k.snapshot()));
      expect(enc).not.toBeNull();
      expect(Buffer.from(dec!.buffer).equals(Buffer.from(enc!.buffer))).toBe(true);
    }
  });

  it('codes a smooth image in far fewer bits than a noisy one (the prior adapts)', () => {
    const w = 64,
      h = 64,
      r = rng(5);
    const smooth = Uint8Array.from({ length: w * h * 3 }, (_, k) => (Math.floor(k / 3) % w) + Math.floor(k / 3 / w) + (k % 3) * 20);
    const noisy = Uint8Array.from({ length: w * h * 3 }, () => Math.floor(r() * 256));
    const a = encodeCausalTile(smooth, w, h, 3, fit(smooth, w, h, 3), 'nlms').length;
    const b = encodeCausalTile(noisy, w, h, 3, fit(noisy, w, h, 3), 'nlms').length;
    expect(a * 3).toBeLessThan(b);
  });

  it('parameters serialise and parse back identically; out-of-range ones are refused', () => {
    const data = image(80, 60, 3, 3);
    const params = fit(data, 80, 60, 3);
    const w = new ByteWriter();
    writeCausalParams(params, w);
    const bytes = w.finish();
    const back = readCausalParams(new ByteReader(bytes), 3);
    expect(back.planes.map((p) => [Array.from(p.thresholds), Array.from(p.weights)])).toEqual(params.planes.map((p) => [Array.from(p.thresholds), Array.from(p.weights)]));
    const bad = Uint8Array.from([99, ...bytes.subarray(1)]); // class count 99
    expect(() => readCausalParams(new ByteReader(bad), 3)).toThrow(FlowzipError);
  });
});

describe('causal models', () => {
  const causal = () => shippedModels().filter((m) => m.causal);

  it('ship for RGB and gray, and each stored canary is what this engine computes', () => {
    const names = causal().map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['causal-rgb', 'causal-gray']));
    for (const m of causal()) expect(causalCanary(m.causal!)).toBe(m.canary);
  });

  it('the kernel and the coder that decide symbols use no Math.exp/log/pow/sqrt/random and no fround', () => {
    for (const f of ['causal-kernel.ts', 'causal-stack.ts', 'causal-context.ts', 'ycocg.ts']) {
      const src = readFileSync(join(__dirname, '..', 'src', 'flows', f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''); // code only
      expect(src).not.toMatch(/Math\.(exp|expm1|log|log2|log10|log1p|pow|sqrt|cbrt|hypot|random|fround|sin|cos|tan|atan|atan2|tanh)\b/);
    }
    expect(readFileSync(join(__dirname, '..', 'src', 'quant', 'log16.ts'), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')).not.toMatch(/Math\.(exp|log|log2|pow|sqrt)\b/);
  });

  it('a model whose canary this engine does not reproduce is refused (E_BACKEND)', async () => {
    const m = resolveModel('causal-rgb');
    const forged = { ...m, id: 'f'.repeat(64), canary: '0'.repeat(64) };
    const pnm = writePnm(new TextEncoder().encode('P6\n8 8\n255\n'), { width: 8, height: 8, channels: 3, bitDepth: 8, samples: image(8, 8, 3, 1) });
    await expect(compress(pnm, { model: forged })).rejects.toMatchObject({ code: 'E_BACKEND' });
  });
});

describe('causal streams through the API', () => {
  const ppm = (w: number, h: number, seed: number) => writePnm(new TextEncoder().encode(`P6\n${w} ${h}\n255\n`), { width: w, height: h, channels: 3, bitDepth: 8, samples: image(w, h, 3, seed) });

  it('default RGB streams are the current format, name causal-rgb, round-trip across tile edges, and are identical with 0, 1 and 2 workers', async () => {
    const input = ppm(300, 260, 11); // tiles 256 + 44 in both directions
    const streams = [];
    for (const workers of [0, 1, 2]) streams.push(await compress(input, { workers }));
    expect(streams[0][2] >> 4).toBe(FORMAT_VERSION);
    expect(Buffer.from(streams[1]).equals(Buffer.from(streams[0]))).toBe(true);
    expect(Buffer.from(streams[2]).equals(Buffer.from(streams[0]))).toBe(true);
    expect(Buffer.from(await decompress(streams[0], { workers: 2 })).equals(Buffer.from(input))).toBe(true);
    expect(Buffer.from(await decompress(streams[0], { workers: 0 })).equals(Buffer.from(input))).toBe(true);
  }, 120_000);

  it('a stream whose fitted predictor was tampered with is refused, never decoded to other bytes', async () => {
    const input = ppm(96, 64, 12);
    const z = await compress(input, { model: 'causal-rgb' });
    // The parameters follow the compact PNM header (kind, width, height) and the model id: flip bytes in them.
    let refused = 0;
    for (let at = 3 + 1 + 1 + 1 + 4; at < 3 + 1 + 1 + 1 + 4 + 40; at++) {
      for (const bit of [1, 4, 64]) {
        const bad = z.slice();
        bad[at] ^= bit;
        try {
          const out = await decompress(bad, { workers: 0 });
          expect(Buffer.from(out).equals(Buffer.from(input))).toBe(true); // only acceptable outcome without an error
        } catch (e) {
          expect(e).toBeInstanceOf(FlowzipError);
          expect(['E_CHECKSUM', 'E_CORRUPT', 'E_TRUNCATED']).toContain((e as FlowzipError).code);
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(100);
  }, 120_000);

  it('codes the corpus photos smaller than model zero does', async () => {
    const dir = join(__dirname, '..', 'corpus', 'photos');
    let causalBytes = 0,
      zeroBytes = 0;
    for (const f of readdirSync(dir).filter((n) => /^(rgb|gray)-.*\.(png|ppm|pgm)$/.test(n) && !n.includes('fmnist'))) {
      const input = readFileSync(join(dir, f));
      const c = await compress(input, { workers: 0 });
      expect(Buffer.from(await decompress(c, { workers: 0 })).length).toBeGreaterThan(0);
      causalBytes += c.length;
      zeroBytes += (await compress(input, { model: f.startsWith('rgb') ? 'zero-rgb' : 'zero-gray', workers: 0 })).length;
    }
    expect(causalBytes).toBeLessThan(zeroBytes);
  }, 120_000);
});

describe('automatic model choice for small images', () => {
  const pgm = (seed: number) => {
    const r = rng(seed);
    const px = Uint8Array.from({ length: 28 * 28 }, (_, i) => (i % 28 > 6 && i % 28 < 22 && i > 120 && i < 700 ? 120 + Math.floor(r() * 100) : 0));
    return writePnm(new TextEncoder().encode('P5\n28 28\n255\n'), { width: 28, height: 28, channels: 1, bitDepth: 8, samples: px });
  };

  it('keeps the smallest of every shipped gray model, deterministically, and the stream names it', async () => {
    const input = pgm(3);
    const auto = await compress(input, { workers: 0 });
    const again = await compress(input, { workers: 0 });
    expect(Buffer.from(again).equals(Buffer.from(auto))).toBe(true);
    const grays = shippedModels().filter((m) => m.flow.channels === 1);
    const sizes = await Promise.all(grays.map(async (m) => (await compress(input, { model: m.name, workers: 0 })).length));
    expect(auto.length).toBe(Math.min(...sizes));
    // The stream names the winner (format 7's compact stream by its model number, small-stream.ts).
    const winner = grays[sizes.indexOf(Math.min(...sizes))];
    expect(inspectStream(auto).image!.models[0].id).toBe(winner.id.slice(0, 8));
    expect(Buffer.from(await decompress(auto)).equals(Buffer.from(input))).toBe(true);
  }, 120_000);

  it('a small colour image keeps the smallest of the causal colour models, and never tries the others', async () => {
    const w = 48,
      h = 40;
    const input = writePnm(new TextEncoder().encode(`P6\n${w} ${h}\n255\n`), { width: w, height: h, channels: 3, bitDepth: 8, samples: image(w, h, 3, 8) });
    const auto = await compress(input, { workers: 0 });
    const causal = shippedModels().filter((m) => m.flow.channels === 3 && m.causal);
    expect(causal.length).toBe(3);
    const sizes = await Promise.all(causal.map(async (m) => (await compress(input, { model: m.name, workers: 0 })).length));
    expect(auto.length).toBe(Math.min(...sizes));
    expect(causal.map((m) => m.id.slice(0, 8))).toContain(inspectStream(auto).image!.models[0].id);
    // A colour model that is not causal is never loaded for it: a broken one would otherwise throw.
    const { shippedCandidates } = await import('../src/codec/models.js');
    const others = shippedCandidates().filter((c) => c.channels === 3 && !c.causal);
    expect(others.length).toBeGreaterThan(0);
    const loads = others.map((c) => c.load);
    try {
      for (const c of others)
        c.load = () => {
          throw new Error(`${c.name} was tried`);
        };
      expect(Buffer.from(await compress(input, { workers: 0 })).equals(Buffer.from(auto))).toBe(true);
    } finally {
      others.forEach((c, k) => (c.load = loads[k]));
    }
  }, 120_000);

  it('is off when a model or an effort is given, and for images over AUTO_MODEL_PIXELS', async () => {
    const { AUTO_MODEL_PIXELS } = await import('../src/codec/api.js');
    const input = pgm(4);
    const withEffort = await compress(input, { effort: 5, workers: 0 });
    const causal = await compress(input, { model: 'causal-gray', workers: 0 });
    expect(Buffer.from(withEffort).equals(Buffer.from(causal))).toBe(true);
    expect(AUTO_MODEL_PIXELS).toBeLessThan(300 * 260);
    const big = writePnm(new TextEncoder().encode('P6\n300 260\n255\n'), { width: 300, height: 260, channels: 3, bitDepth: 8, samples: image(300, 260, 3, 5) });
    expect(Buffer.from(await compress(big, { workers: 0 })).equals(Buffer.from(await compress(big, { model: 'causal-rgb', workers: 0 })))).toBe(true);
  }, 120_000);
});

describe('channel palettes', () => {
  it('a posterised image is coded through its used values, smaller than without, and round-trips', async () => {
    const { chooseChannelValues, toIndices, fromIndices } = await import('../src/codec/channel-palette.js');
    const w = 160,
      h = 120,
      r = rng(21);
    // 40 gray levels spread over 0…234 (every 6th value), smooth with noise: a posterised scan.
    const px = Uint8Array.from({ length: w * h }, (_, i) => 6 * Math.max(0, Math.min(39, Math.round(((i % w) + Math.floor(i / w)) / 7 + (r() - 0.5) * 3))));
    const values = chooseChannelValues(px, w, 1, 0, 1);
    expect(values[0]?.length).toBe(new Set(px).size);
    const idx = toIndices(px, 1, values);
    expect(Math.max(...idx)).toBe(values[0]!.length - 1);
    const back = idx.slice();
    fromIndices(back, 1, values);
    expect(Buffer.from(back).equals(Buffer.from(px))).toBe(true);
    const pgm = writePnm(new TextEncoder().encode(`P5\n${w} ${h}\n255\n`), { width: w, height: h, channels: 1, bitDepth: 8, samples: px });
    const z = await compress(pgm, { model: 'causal-gray', workers: 0 });
    const { body } = unframe(z);
    const hr = new ByteReader(body);
    readImageHeader(hr, MODEL_ID_BYTES, 2 ** 28);
    expect(body[hr.pos]).toBe(1); // after the image header and model id: the palette flags (channel 0 packed)
    expect(Buffer.from(await decompress(z, { workers: 0 })).equals(Buffer.from(pgm))).toBe(true);
    // The same samples spread over every value (no gaps) cost more: the palette pays.
    expect(z.length).toBeLessThan((await compress(pgm, { model: 'zero-gray', workers: 0 })).length);
  }, 60_000);

  it('photos are not packed, and an index past a palette is refused', async () => {
    const { chooseChannelValues, fromIndices } = await import('../src/codec/channel-palette.js');
    const photo = image(64, 48, 3, 9, 40);
    expect(chooseChannelValues(photo, 64, 3, 0, 3)).toEqual([null, null, null]);
    expect(() => fromIndices(Uint8Array.of(0, 1, 2, 3), 1, [Uint8Array.of(10, 20, 30)])).toThrow(FlowzipError);
  });
});
