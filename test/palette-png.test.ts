/**
 * Palette PNGs through the image path (format 6, image header kind 4): the
 * index plane is coded like a gray image and the PNG comes back with the same
 * indices, bit depth, colour type, PLTE and ancillary chunks (tRNS included),
 * for palettes of 1, 2, 16 and 256 entries; a corrupt palette header is refused.
 */
import { describe, expect, it } from 'vitest';
import { compress, decompress, FlowzipError } from '../src/codec/index.js';
import { parsePng, writePng, type PngBitDepth } from '../src/codec/formats/png.js';
import { unframe } from '../src/codec/container.js';
import { readImageHeader } from '../src/codec/image-header.js';
import { ByteReader } from '../src/codec/bytes.js';
import { MODEL_ID_BYTES } from '../src/codec/models.js';
import { mulberry32 } from './helpers/prng.js';

/** A w×h palette PNG of `entries` colours at `depth` bits: bands, boxes and scattered pixels; tRNS when `trns`. */
function palettePng(w: number, h: number, entries: number, depth: PngBitDepth, trns: boolean, seed: number): Uint8Array {
  const r = mulberry32(seed);
  const idx = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) idx[y * w + x] = Math.floor(y / 6 + x / 40) % entries;
  for (let i = 0; i < (w * h) / 30; i++) idx[Math.floor(r() * w * h)] = Math.floor(r() * entries);
  const plte = Uint8Array.from({ length: 3 * entries }, (_, j) => (j * 53 + (j % 3) * 17) & 255);
  const ancillary = trns ? [{ type: 'tRNS', position: 'beforeIDAT' as const, data: Uint8Array.from({ length: Math.min(entries, 5) }, (_, k) => k * 60) }] : [];
  return writePng({ raster: { width: w, height: h, channels: 1, bitDepth: 8, samples: idx }, colourType: 3, pngBitDepth: depth, interlaced: false, palette: plte, ancillary });
}

describe('palette PNGs', () => {
  const cases: Array<[number, PngBitDepth, boolean]> = [
    [1, 1, false],
    [2, 1, true],
    [16, 4, false],
    [256, 8, true],
    [200, 8, false],
  ];
  for (const [entries, depth, trns] of cases) {
    it(`round-trip with ${entries} palette entries at ${depth} bits${trns ? ', with tRNS' : ''} through the image path`, async () => {
      const input = palettePng(130, 90, entries, depth, trns, entries);
      for (const method of ['auto', 'flow'] as const) {
        const z = await compress(input, { workers: 1, method });
        if (method === 'auto') expect(z.length).toBeLessThanOrEqual(input.length + 16);
        else expect(z[2] & 0x0f).toBe(2); // the image method, whatever its size
        const a = parsePng(input)!,
          b = parsePng(await decompress(z, { workers: 1 }))!;
        expect(b.colourType).toBe(3);
        expect(b.pngBitDepth).toBe(depth);
        expect(b.palette).toEqual(a.palette);
        expect(b.ancillary).toEqual(a.ancillary);
        expect(b.raster.samples).toEqual(a.raster.samples);
      }
    });
  }

  it('is coded as one plane of indices under a palette header', async () => {
    const z = await compress(palettePng(64, 64, 16, 4, false, 3), { workers: 1, method: 'flow' });
    const { body } = unframe(z);
    const h = readImageHeader(new ByteReader(body), MODEL_ID_BYTES, 1 << 20);
    expect(h).toMatchObject({ kind: 'palette', bitDepth: 4, width: 64, height: 64 });
    expect(h.modelIds).toHaveLength(1);
  });

  it('refuses a palette header with a bad bit depth or palette length', async () => {
    const z = await compress(palettePng(32, 32, 4, 2, false, 4), { workers: 1, method: 'flow' });
    const at = 3 + 1; // frame, then the kind byte (4) and the bit depth
    expect(z[3]).toBe(4);
    for (const [pos, value] of [
      [at, 3],
      [at + 1, 4],
    ]) {
      const bad = z.slice();
      bad[pos] = value;
      await expect(decompress(bad)).rejects.toBeInstanceOf(FlowzipError);
    }
  });
});
