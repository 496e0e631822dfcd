import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, dirData, loadImages } from '../train/train.js';
import { largestOpaqueRect } from '../train/opaque-crop.js';
import { writePng } from '../src/codec/formats/png.js';
import { PRESETS } from '../src/flows/presets.js';
import { mulberry32 } from './helpers/prng.js';

/** Largest all-true rectangle's area by trying every rectangle (small masks only). */
function bruteArea(w: number, h: number, m: boolean[]): number {
  let best = 0;
  for (let y0 = 0; y0 < h; y0++)
    for (let x0 = 0; x0 < w; x0++)
      for (let y1 = y0; y1 < h; y1++)
        for (let x1 = x0; x1 < w; x1++) {
          let ok = true;
          for (let y = y0; y <= y1 && ok; y++) for (let x = x0; x <= x1 && ok; x++) ok = m[y * w + x];
          if (ok) best = Math.max(best, (x1 - x0 + 1) * (y1 - y0 + 1));
        }
  return best;
}

describe('training data', () => {
  it('largestOpaqueRect finds a largest all-opaque rectangle (against brute force on seeded masks)', () => {
    const rnd = mulberry32(7);
    for (let t = 0; t < 60; t++) {
      const w = 1 + Math.floor(rnd() * 9),
        h = 1 + Math.floor(rnd() * 9),
        p = 0.5 + 0.5 * rnd();
      const m = Array.from({ length: w * h }, () => rnd() < p);
      const r = largestOpaqueRect(w, h, (x, y) => m[y * w + x]);
      expect(r.w * r.h).toBe(bruteArea(w, h, m));
      for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) expect(m[y * w + x]).toBe(true);
    }
    // A panorama: transparent sky above a ragged horizon, opaque ground below.
    const W = 40,
      H = 30,
      horizon = (x: number) => 10 + (x % 7);
    expect(largestOpaqueRect(W, H, (x, y) => y >= horizon(x))).toEqual({ x: 0, y: 16, w: 40, h: 14 });
  });

  it('--data A,B holds out and validates every folder on its own', () => {
    const root = mkdtempSync(join(tmpdir(), 'fz-dirs-'));
    const rnd = mulberry32(3);
    const make = (dir: string, n: number) => {
      const d = join(root, dir);
      mkdirSync(d);
      for (let i = 0; i < n; i++) {
        const samples = Uint8Array.from({ length: 16 * 16 * 3 }, () => Math.floor(rnd() * 256));
        writeFileSync(
          join(d, `${dir}-${String(i).padStart(2, '0')}.png`),
          writePng({ raster: { width: 16, height: 16, channels: 3, bitDepth: 8, samples }, colourType: 2, pngBitDepth: 8, interlaced: false, ancillary: [] }),
        );
      }
      return d;
    };
    const a = make('a', 20),
      b = make('b', 10);
    expect(dirData(`${a},${b}`)).toEqual({ kind: 'dir', dir: a, more: [b] });
    expect(dirData(a)).toEqual({ kind: 'dir', dir: a });
    const { train, val } = loadImages(defaultConfig('t', PRESETS.photo, dirData(`${a},${b}`)));
    expect(val.map((im) => im.name)).toEqual(['a-09.png', 'a-19.png', 'b-09.png']);
    expect(train.length).toBe(27);
    expect(train.some((im) => val.some((v) => v.name === im.name))).toBe(false);
  });
});
