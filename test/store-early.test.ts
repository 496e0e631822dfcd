/**
 * The early store decision (issue 15, store-estimate.ts): an image that
 * looks like noise is stored without coding a tile, never larger than its
 * PNG + 16 bytes; images with structure still go through the coder. Checked
 * by the choices made (progress callbacks, the container method), no timing.
 */
import { describe, expect, it } from 'vitest';
import { compress, decompress } from '../src/codec/index.js';
import { writePng } from '../src/codec/formats/png.js';
import { estimateImageBytes, estimateRows, repeatedPerMille, storeEarly } from '../src/codec/store-estimate.js';
import { compressWith, REPETITIVE_PER_MILLE } from '../src/codec/api.js';
import { inspectStream } from '../src/codec/info.js';
import { photoPng } from './helpers/band-images.js';
import { mulberry32 } from './helpers/prng.js';

const COLOUR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

function png(w: number, h: number, channels: 1 | 2 | 3 | 4, samples: Uint8Array): Uint8Array {
  return writePng({ raster: { width: w, height: h, channels, bitDepth: 8, samples }, colourType: COLOUR_TYPE[channels], pngBitDepth: 8, interlaced: false, ancillary: [] });
}

/** Seeded uniform samples in [0, levels). */
function noise(n: number, seed: number, levels = 256): Uint8Array {
  const rand = mulberry32(seed),
    out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * levels);
  return out;
}

/** Method nibble of a stream (container.ts: 0 stored, 1 brotli, 2 image). */
const methodOf = (z: Uint8Array) => z[2] & 15;

describe('early store decision', () => {
  it('reads rows y ≥ 1 spread over the image, about 2^14 pixels', () => {
    expect(estimateRows(100, 1)).toEqual([]);
    expect(estimateRows(64, 256)).toEqual(Array.from({ length: 255 }, (_, i) => i + 1));
    expect(estimateRows(256, 256)).toEqual(Array.from({ length: 85 }, (_, i) => 1 + 3 * i)); // step ⌊255 / 64⌋
    const rows = estimateRows(1000, 1000);
    expect(rows.length * 1000).toBeGreaterThanOrEqual(1 << 14);
    expect(rows.length * 1000).toBeLessThan(2 << 14);
    expect(rows[0]).toBe(1);
  });

  it('estimates noise near its raw size and a smooth image far below it', () => {
    const w = 300,
      h = 200;
    const rand = noise(w * h * 3, 1);
    const est = estimateImageBytes(w, h, 3, (y) => rand.subarray(y * w * 3, (y + 1) * w * 3));
    expect(est).toBeGreaterThan(0.97 * w * h * 3);
    expect(est).toBeLessThanOrEqual(1.01 * w * h * 3); // log16 rounds: within 0.04 bits a sample
    const ramp = new Uint8Array(w * h * 3).map((_, i) => Math.floor(i / 3) % w);
    expect(estimateImageBytes(w, h, 3, (y) => ramp.subarray(y * w * 3, (y + 1) * w * 3))).toBeLessThan(0.01 * w * h * 3);
    // 16 levels of noise: the values' own entropy (4 bits), not the residuals' (~5 bits).
    const few = noise(w * h, 2, 16);
    const e16 = estimateImageBytes(w, h, 1, (y) => few.subarray(y * w, (y + 1) * w));
    expect(e16).toBeGreaterThan(0.48 * w * h);
    expect(e16).toBeLessThan(0.52 * w * h);
  });

  it('stores only when the estimate is near both the input and the raw samples', () => {
    expect(storeEarly(1000, 1000, 1000)).toBe(true);
    expect(storeEarly(960, 1000, 1000)).toBe(false); // under 97 % of the input
    expect(storeEarly(1000, 1000, 2000)).toBe(false); // under 7/8 of the raw samples: a small, repetitive PNG
  });

  for (const channels of [1, 3, 4] as const) {
    it(`a random-noise ${channels}-channel PNG is stored without coding a tile, at most its PNG + 16 bytes, and round-trips`, async () => {
      const w = 320,
        h = 240;
      const file = png(w, h, channels, noise(w * h * channels, 10 + channels));
      let pieces = 0;
      const z = await compress(file, { workers: 1, onProgress: () => pieces++ });
      expect(methodOf(z)).toBe(0);
      expect(pieces).toBe(0);
      expect(z.length).toBeLessThanOrEqual(file.length + 16);
      expect(Buffer.from(await decompress(z)).equals(Buffer.from(file))).toBe(true);
    });
  }

  it('a large noise PNG read in passes (not held) is stored the same way', async () => {
    const w = 400,
      h = 300;
    const file = png(w, h, 3, noise(w * h * 3, 21));
    let pieces = 0;
    const z = await compressWith(file, { workers: 1, onProgress: () => pieces++ }, { bandTiles: 1, holdBytes: 0 });
    expect(methodOf(z)).toBe(0);
    expect(pieces).toBe(0);
  });

  it('a photo-like PNG and noise of few levels still go through the coder', async () => {
    const photo = photoPng(300, 200, 3, 4);
    expect(methodOf(await compress(photo, { workers: 1 }))).toBe(2);
    const w = 300,
      h = 200;
    const few = png(w, h, 1, noise(w * h, 5, 16));
    const z = await compress(few, { workers: 1 });
    expect(methodOf(z)).toBe(2);
    expect(z.length).toBeLessThan(few.length);
  });

  it('method flow still codes a noise image', async () => {
    // Over 16,384 pixels: the image method (2), not format 7's compact small-image method.
    const w = 160,
      h = 128;
    const z = await compress(png(w, h, 3, noise(w * h * 3, 9)), { method: 'flow', workers: 1 });
    expect(methodOf(z)).toBe(2);
  });

  it('measures repetition: flat and striped images near 1000, noise and photos low', () => {
    const w = 200,
      h = 100;
    const rowOf = (img: Uint8Array, ch: number) => (y: number) => img.subarray(y * w * ch, (y + 1) * w * ch);
    const flat = new Uint8Array(w * h * 3).fill(7);
    expect(repeatedPerMille(w, h, 3, rowOf(flat, 3))).toBe(1000); // x = 0 has no west, but equals N
    const rand = noise(w * h * 3, 3);
    expect(repeatedPerMille(w, h, 3, rowOf(rand, 3))).toBeLessThan(10);
    // Vertical stripes: every pixel equals N.
    const stripes = new Uint8Array(w * h).map((_, i) => (i % w) * 3);
    expect(repeatedPerMille(w, h, 1, rowOf(stripes, 1))).toBe(1000);
    expect(repeatedPerMille(w, 1, 1, rowOf(stripes, 1))).toBe(0);
  });

  it('a repetitive image with nothing asked for is coded by the strong models; a photo, or an asked effort, keeps the defaults', async () => {
    const w = 160,
      h = 120;
    // A drawing: flat regions and a few repeated shapes.
    const ui = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) ui.set([(x >> 5) * 40, (y >> 4) * 30, ((x + y) >> 6) * 50], (y * w + x) * 3);
    expect(repeatedPerMille(w, h, 3, (y) => ui.subarray(y * w * 3, (y + 1) * w * 3))).toBeGreaterThanOrEqual(REPETITIVE_PER_MILLE);
    const names = async (file: Uint8Array, options = {}) => {
      const info = inspectStream(await compress(file, { workers: 1, ...options }));
      return info.image!.models.map((m) => m.name);
    };
    expect(await names(png(w, h, 3, ui))).toEqual(['causal-rgb-strong']);
    expect(await names(png(w, h, 3, ui), { effort: 5 })).toEqual(['causal-rgb']);
    expect(await names(photoPng(300, 200, 3, 4))).toEqual(['causal-rgb']);
  });
});
