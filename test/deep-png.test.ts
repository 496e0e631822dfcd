/**
 * 16-bit PNGs through the image path (format 6, image header kind 5): the
 * high bytes coded as an 8-bit image, the low-byte residuals in the header
 * (deep-samples.ts). Exact inverse of the split, exact round trips for every
 * colour type (scaled 8-bit values, true 16-bit noise, opaque and transparent
 * alpha), and a corrupt residual section refused.
 */
import { describe, expect, it } from 'vitest';
import { compress, decompress, FlowzipError } from '../src/codec/index.js';
import { decodeResidualContexts, encodeResidualContexts, highBytes, joinSamples, readResidualSection, residualSection } from '../src/codec/deep-samples.js';
import { ByteReader, ByteWriter } from '../src/codec/bytes.js';
import { streamFeatures } from '../src/codec/stream-features.js';
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
    for (const v of [6, 7]) {
      const f = streamFeatures(v);
      expect(joinSamples(highBytes(all), residualSection(all, 1, 256, f), 1, 256)).toEqual(all);
      const rgb = deepSamples(40, 30, 3, 0.3, 1);
      expect(joinSamples(highBytes(rgb), residualSection(rgb, 3, 40, f), 3, 40)).toEqual(rgb);
      const flat = deepSamples(40, 30, 4, 0.0, 2, 65535);
      expect(joinSamples(highBytes(flat), residualSection(flat, 4, 40, f), 4, 40)).toEqual(flat);
    }
  });

  /** A chart-like 16-bit image: a few flat colours that are not 8-bit values scaled by 257, and blended (anti-aliased) edges. */
  function chart16(w: number, h: number, channels: 1 | 2 | 3 | 4, seed: number): Uint16Array {
    const rand = mulberry32(seed);
    const colours = Array.from({ length: 5 }, () => Array.from({ length: channels }, (_, c) => (c === 3 ? 65535 : Math.floor(rand() * 65536))));
    const out = new Uint16Array(w * h * channels);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const d = (x - w / 2) ** 2 + (y - h / 2) ** 2,
          r2 = (w / 3) ** 2;
        const k = Math.floor(((x * 5) / w) % 5),
          inside = d < r2 - w,
          edge = !inside && d < r2 + w;
        for (let c = 0; c < channels; c++) {
          const a = colours[inside ? k : 0][c],
            b = colours[4][c];
          out[(y * w + x) * channels + c] = edge ? Math.floor((a + b + (Math.floor(d) % 7)) / 2) : inside ? a : b;
        }
      }
    }
    return out;
  }

  it('layout 2 (format 7): context-coded residuals, chosen when smaller, decoded exactly for 1 to 4 channels', () => {
    for (const channels of [1, 2, 3, 4] as const) {
      const w = 61,
        h = 47;
      const s = chart16(w, h, channels, channels);
      const section = residualSection(s, channels, w);
      expect(section[0], `${channels} channels`).toBe(2);
      expect(joinSamples(highBytes(s), section, channels, w)).toEqual(s);
      // Format 6 never writes (nor reads) layout 2.
      const v6 = residualSection(s, channels, w, streamFeatures(6));
      expect(v6[0]).toBeLessThan(2);
      expect(v6.length).toBeGreaterThan(section.length);
      expect(() => readResidualSection(new ByteReader(section), streamFeatures(6))).toThrow(expect.objectContaining({ code: 'E_CORRUPT' }));
      expect(readResidualSection(new ByteReader(section), streamFeatures(7))).toEqual(section);
    }
    // Noise-like residuals: brotli (or the raw bytes it holds) stays, layout 2 does not win.
    const noisy = deepSamples(40, 30, 3, 1, 3);
    expect(joinSamples(highBytes(noisy), residualSection(noisy, 3, 40), 3, 40)).toEqual(noisy);
  });

  it('layout 2 codes every value and a corrupt or truncated stream is refused', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, v) => v);
    const z = encodeResidualContexts(all, 1, 256);
    const high = highBytes(all);
    const res = decodeResidualContexts(z, high, 1, 256)!;
    expect(joinSamples(high, new ByteWriter().byte(2).lengthPrefixed(z).finish(), 1, 256)).toEqual(all);
    expect(res.length).toBe(65536);
    expect(decodeResidualContexts(z.subarray(0, z.length >> 1), high, 1, 256)).toBeNull();
    const bad = z.slice();
    bad[bad.length >> 1] ^= 0x55;
    const out = decodeResidualContexts(bad, high, 1, 256);
    if (out) expect(out).not.toEqual(res);
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
    // Another valid layout (its stream then decodes to other residuals, or not at all), and layouts that do not exist.
    for (const value of [z[at] === 2 ? 0 : 2, 3, 255]) {
      const bad = z.slice();
      bad[at] = value;
      await expect(decompress(bad)).rejects.toBeInstanceOf(FlowzipError);
    }
    const bad = z.slice();
    bad[at + 3] ^= 0x55; // inside the brotli or rANS stream
    await expect(decompress(bad)).rejects.toBeInstanceOf(FlowzipError);
  });
});
