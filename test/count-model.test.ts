import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COUNT_MODEL_GOOD_BITS, compress, decompress } from '../src/codec/api.js';
import { decodeCountTile, encodeCountTile } from '../src/codec/count-coder.js';
import { countCanary, countCdfs } from '../src/codec/count-models.js';
import { FlowzipError } from '../src/codec/errors.js';
import { inspectStream } from '../src/codec/info.js';
import { writePnm } from '../src/codec/formats/pnm.js';
import { resolveModel, shippedModels } from '../src/codec/models.js';
import { contextsOf, freqOf, LEVEL_SIZES, levelFromDense, sampleContext, valueAt } from '../src/flows/count-context.js';
import { packCounts, unpackCounts } from '../src/flows/count-spec.js';
import { countModelToJson, parseModel } from '../src/flows/model.js';
import { mulberry32 } from '../src/quant/prng.js';

const ROOT = join(import.meta.dirname, '..');
const FMNIST0 = readFileSync(join(ROOT, 'corpus', 'photos', 'gray-fmnist0-28x28.pgm'));
const model = () => resolveModel('fmnist-ctx');

const pgm = (w: number, h: number, px: Uint8Array) => writePnm(new TextEncoder().encode(`P5\n${w} ${h}\n255\n`), { width: w, height: h, channels: 1, bitDepth: 8, samples: px });

/** Seeded images of w×h: uniform noise, sparse (mostly 0 with bright blocks), and constant 0 / 255. */
function images(w: number, h: number, seed: number): Uint8Array[] {
  const r = mulberry32(seed);
  const n = w * h;
  return [
    Uint8Array.from({ length: n }, () => Math.floor(r() * 256)),
    Uint8Array.from({ length: n }, (_, i) => ((i % w) * 3 > w && r() < 0.6 ? 100 + Math.floor(r() * 156) : 0)),
    new Uint8Array(n),
    new Uint8Array(n).fill(255),
  ];
}

describe('count-context model (fmnist-ctx)', () => {
  it('is shipped, passes its canary, and its id is the hash of its spec', () => {
    const m = model();
    expect(m.counts).toBeDefined();
    expect(countCanary(m.counts!)).toBe(m.canary);
    const text = readFileSync(join(ROOT, 'models', 'fmnist-ctx.json'), 'utf8');
    expect(parseModel(text).id).toBe(m.id);
    const j = JSON.parse(text);
    j.counts.alpha += 1;
    expect(() => parseModel(JSON.stringify(j))).toThrow(/id does not match/);
  });

  it('tile streams are the exact inverse on random and edge-shaped images (1×1, 28×28, 1×n, n×1, odd sizes)', () => {
    const cdfs = countCdfs(model());
    for (const [w, h] of [
      [1, 1],
      [28, 28],
      [1, 37],
      [37, 1],
      [33, 17],
      [64, 48],
    ]) {
      for (const px of images(w, h, w * 131 + h)) {
        const stream = encodeCountTile(px, w, h, cdfs);
        expect(Buffer.from(decodeCountTile(stream, w, h, cdfs)).equals(Buffer.from(px))).toBe(true);
      }
    }
  });

  it('every context table is a valid 2^16 CDF (every value has a frequency ≥ 1) and valueAt inverts it', () => {
    const cdfs = countCdfs(model());
    const r = mulberry32(5);
    for (let k = 0; k < 200; k++) {
      const starts = cdfs.starts(Math.floor(r() * LEVEL_SIZES[3]));
      let sum = 0;
      for (let s = 0; s < 256; s++) {
        const f = freqOf(starts, s);
        expect(f).toBeGreaterThanOrEqual(1);
        expect(valueAt(starts, starts[s])).toBe(s);
        expect(valueAt(starts, starts[s] + f - 1)).toBe(s);
        sum += f;
      }
      expect(sum).toBe(1 << 16);
    }
  });

  it('contexts depend only on earlier samples (raster-causal)', () => {
    const [px] = images(20, 12, 9);
    const all = contextsOf(px, 20, 12);
    for (let i = 0; i < px.length; i++) {
      const later = px.slice();
      for (let j = i; j < later.length; j++) later[j] = 255 - later[j];
      expect(sampleContext(later, 20, 12, i % 20, Math.floor(i / 20))).toBe(all[i]);
    }
  });

  it('round-trips through compress/decompress at any size and on pool workers, and a corrupt stream fails with a typed error', async () => {
    for (const [w, h] of [
      [1, 1],
      [28, 28],
      [33, 17],
      [300, 40],
    ]) {
      for (const px of images(w, h, 3 * w + h).slice(0, 2)) {
        const input = pgm(w, h, px);
        const z = await compress(input, { model: 'fmnist-ctx', workers: 0 });
        expect(Buffer.from(await decompress(z, { workers: 0 })).equals(Buffer.from(input))).toBe(true);
      }
    }
    // Several tiles on pool workers: the same bytes as in-process.
    const wide = pgm(600, 70, images(600, 70, 2)[1]);
    const z2 = await compress(wide, { model: 'fmnist-ctx', workers: 2 });
    expect(Buffer.from(z2).equals(Buffer.from(await compress(wide, { model: 'fmnist-ctx', workers: 0 })))).toBe(true);
    expect(Buffer.from(await decompress(z2, { workers: 2 })).equals(Buffer.from(wide))).toBe(true);
    const z = await compress(FMNIST0, { model: 'fmnist-ctx', workers: 0 });
    const bad = z.slice();
    bad[z.length - 8] ^= 0x55;
    await expect(decompress(bad, { workers: 0 })).rejects.toBeInstanceOf(FlowzipError);
    await expect(decompress(z.subarray(0, z.length - 6), { workers: 0 })).rejects.toBeInstanceOf(FlowzipError);
  }, 120_000);

  it('packed tables round-trip, and malformed ones are refused', () => {
    const dense = new Float64Array(LEVEL_SIZES[1] * 256);
    dense[5 * 256 + 7] = 3;
    dense[200 * 256 + 0] = 1e6;
    const levels = LEVEL_SIZES.map((n, k) => levelFromDense(k === 1 ? dense : new Float64Array(n * 256), n));
    const t = unpackCounts(packCounts(levels), 7);
    expect(t.levels[1].row[5]).toBe(0);
    expect(t.levels[1].row[200]).toBe(1);
    expect(t.levels[1].totals[1]).toBe(1e6);
    expect(t.levels[0].totals.length).toBe(0);
    expect(() => unpackCounts('brotli:' + Buffer.from('nonsense').toString('base64'), 7)).toThrow();
    const spec = { channels: 1 as const, kernel: 'ctx-pos-med-act-1', alpha: 7, tables: packCounts(levels) };
    const m = parseModel(countModelToJson('tiny', spec, countCanary(spec), {}));
    expect(m.counts?.alpha).toBe(7);
  });
});

describe('automatic model choice with a count-context model', () => {
  it('a Fashion-MNIST image: the count-context stream is kept (deterministic, named in the stream, the smallest)', async () => {
    const auto = await compress(FMNIST0, { workers: 0 });
    expect(Buffer.from(await compress(FMNIST0, { workers: 0 })).equals(Buffer.from(auto))).toBe(true);
    const ctx = await compress(FMNIST0, { model: 'fmnist-ctx', workers: 0 });
    expect(Buffer.from(auto).equals(Buffer.from(ctx))).toBe(true);
    expect(ctx.length * 8).toBeLessThanOrEqual(COUNT_MODEL_GOOD_BITS * 784);
    // The stream names the model (format 7's compact stream by its number, small-stream.ts).
    expect(inspectStream(auto).image!.models[0].id).toBe(model().id.slice(0, 8));
    for (const m of shippedModels().filter((x) => x.flow.channels === 1)) expect((await compress(FMNIST0, { model: m.name, workers: 0 })).length).toBeGreaterThanOrEqual(auto.length);
    expect(Buffer.from(await decompress(auto)).equals(FMNIST0)).toBe(true);
  }, 120_000);

  it('an image the count model codes poorly: every shipped gray model is tried and the smallest kept', async () => {
    const input = pgm(28, 28, images(28, 28, 11)[0]); // uniform noise: 8 bits a sample for any model
    const auto = await compress(input, { workers: 0, method: 'flow' });
    const grays = shippedModels().filter((m) => m.flow.channels === 1);
    const sizes = await Promise.all(grays.map(async (m) => (await compress(input, { model: m.name, workers: 0, method: 'flow' })).length));
    expect((await compress(input, { model: 'fmnist-ctx', workers: 0, method: 'flow' })).length * 8).toBeGreaterThan(COUNT_MODEL_GOOD_BITS * 784);
    expect(auto.length).toBe(Math.min(...sizes));
    expect(Buffer.from(await decompress(auto)).equals(Buffer.from(input))).toBe(true);
  }, 120_000);
});
