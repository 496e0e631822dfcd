/**
 * 16-bit PNGs through the image path (format 6, image header kind 5): the
 * high bytes coded as an 8-bit image, the low-byte residuals in the header
 * (deep-samples.ts). Exact inverse of the split, exact round trips for every
 * colour type (scaled 8-bit values, true 16-bit noise, opaque and transparent
 * alpha), and a corrupt residual section refused.
 */
import { describe, expect, it } from 'vitest';
import { compress, decompress, FlowzipError } from '../src/codec/index.js';
import { highBytes, joinSamples, residualSection } from '../src/codec/deep-samples.js';
import { parsePng, writePng } from '../src/codec/formats/png.js';
import { mulberry32 } from './helpers/prng.js';

/** w×h×channels 16-bit samples: gradients of 8-bit values scaled by 257, with `noisy` of them off that grid; alpha as given. */
function deepSamples(w: number, h: number, channels: 1 | 2 | 3 | 4, noisy: number, seed: number, alpha?: 0 | 65535): Uint16Array {
  const r = mulberry32(seed);
  const out = new Uint16Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++) {
        let v = 257 * ((x * 2 + y * (c + 1)) & 255);
        if (r() < noisy) v = Math.floor(r() * 65536);
        out[(y * w + x) * channels + c] = v;
      }
      if (alpha !== undefined && (channels === 2 || channels === 4)) out[(y * w + x) * channels + channels - 1] = alpha;
    }
  }
  return out;
}

function png16(w: number, h: number, channels: 1 | 2 | 3 | 4, samples: Uint16Array): Uint8Array {
  const colourType = ({ 1: 0, 2: 4, 3: 2, 4: 6 } as const)[channels];
  return writePng({ raster: { width: w, height: h, channels, bitDepth: 16, samples }, colourType, pngBitDepth: 16, interlaced: false, ancillary: [] });
}

describe('16-bit samples', () => {
  it('split into high bytes and residuals and join back exactly (every 16-bit value, both layouts)', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, v) => v);
    expect(joinSamples(highBytes(all), residualSection(all, 1), 1)).toEqual(all);
    const rgb = deepSamples(40, 30, 3, 0.3, 1);
    expect(joinSamples(highBytes(rgb), residualSection(rgb, 3), 3)).toEqual(rgb);
    const flat = deepSamples(40, 30, 4, 0.0, 2, 65535);
    expect(joinSamples(highBytes(flat), residualSection(flat, 4), 4)).toEqual(flat);
  });

  const cases: Array<[string, 1 | 2 | 3 | 4, number, (0 | 65535)?]> = [
    ['gray, scaled 8-bit values', 1, 0],
    ['gray+alpha, fully transparent', 2, 0.05, 0],
    ['RGB, 20 % true 16-bit samples', 3, 0.2],
    ['RGBA, fully opaque', 4, 0.01, 65535],
  ];
  for (const [name, channels, noisy, alpha] of cases) {
    it(`round-trip: ${name}`, async () => {
      const w = 290,
        h = 40; // two tiles across
      const samples = deepSamples(w, h, channels, noisy, channels, alpha);
      const input = png16(w, h, channels, samples);
      for (const method of ['auto', 'flow'] as const) {
        const z = await compress(input, { workers: 1, method });
        if (method === 'auto') expect(z.length).toBeLessThanOrEqual(input.length + 16);
        else expect(z[2] & 0x0f).toBe(2); // the image method, whatever its size
        const back = parsePng(await decompress(z, { workers: 1 }))!;
        expect(back.pngBitDepth).toBe(16);
        expect(back.colourType).toBe(parsePng(input)!.colourType);
        expect(back.raster.samples).toEqual(samples);
      }
    });
  }

  it('refuses a corrupt residual section with a typed error', async () => {
    const input = png16(64, 32, 3, deepSamples(64, 32, 3, 0.2, 5));
    const z = await compress(input, { workers: 1, method: 'flow' });
    // The residual section follows kind, colour type, width, height and the chunk count (no chunks): its layout byte.
    expect(z[3]).toBe(5);
    const at = 3 + 1 + 1 + 1 + 1 + 1;
    for (const value of [2, 255]) {
      const bad = z.slice();
      bad[at] = value;
      await expect(decompress(bad)).rejects.toBeInstanceOf(FlowzipError);
    }
    const bad = z.slice();
    bad[at + 3] ^= 0x55; // inside the brotli stream
    await expect(decompress(bad)).rejects.toBeInstanceOf(FlowzipError);
  });
});
