/** Seeded photo-like images for the band tests: smooth fields (integer bilinear interpolation of a coarse random grid) plus noise. */
import { writePng } from '../../src/codec/formats/png.js';
import { canonicalPnmHeader, writePnm } from '../../src/codec/formats/pnm.js';
import { mulberry32 } from './prng.js';

/** Interleaved 8-bit samples of a w×h image of `channels` channels; `levels` > 0 posterises each channel to that many values. */
export function photoLike(w: number, h: number, channels: number, seed: number, levels = 0): Uint8Array {
  const rng = mulberry32(seed);
  const cell = 16;
  const gw = Math.ceil(w / cell) + 1,
    gh = Math.ceil(h / cell) + 1;
  const out = new Uint8Array(w * h * channels);
  for (let c = 0; c < channels; c++) {
    const grid = Int32Array.from({ length: gw * gh }, () => 30 + Math.floor(rng() * 196));
    for (let y = 0; y < h; y++) {
      const gy = Math.floor(y / cell),
        fy = y % cell;
      for (let x = 0; x < w; x++) {
        const gx = Math.floor(x / cell),
          fx = x % cell;
        const top = grid[gy * gw + gx] * (cell - fx) + grid[gy * gw + gx + 1] * fx;
        const bottom = grid[(gy + 1) * gw + gx] * (cell - fx) + grid[(gy + 1) * gw + gx + 1] * fx;
        let v = Math.floor((top * (cell - fy) + bottom * fy) / (cell * cell)) + Math.floor(rng() * 9) - 4;
        v = Math.max(0, Math.min(255, v));
        if (levels > 0) v = Math.floor(Math.floor((v * levels) / 256) * (255 / (levels - 1)));
        out[(y * w + x) * channels + c] = v;
      }
    }
  }
  return out;
}

/** A band-test image: its file and how it was made. */
export interface BandCase {
  name: string;
  file: Uint8Array;
}

const PNG_TYPES = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

/** The PNG of photoLike(w, h, channels, seed, levels). */
export function photoPng(w: number, h: number, channels: 1 | 2 | 3 | 4, seed: number, levels = 0): Uint8Array {
  const samples = photoLike(w, h, channels, seed, levels);
  return writePng({ raster: { width: w, height: h, channels, bitDepth: 8, samples }, colourType: PNG_TYPES[channels], pngBitDepth: 8, interlaced: false, ancillary: [] });
}

/** Images that cross tile and band edges: gray, gray+alpha, RGB, RGBA, thin ones, a posterised one (channel palettes), a PPM. */
export function bandCases(): BandCase[] {
  const raster = { width: 260, height: 200, channels: 3 as const, bitDepth: 8 as const, samples: photoLike(260, 200, 3, 8) };
  return [
    { name: 'gray 520x400', file: photoPng(520, 400, 1, 1) },
    { name: 'rgb 300x260', file: photoPng(300, 260, 3, 2) },
    { name: 'rgba 270x300', file: photoPng(270, 300, 4, 3) },
    { name: 'graya 257x130', file: photoPng(257, 130, 2, 4) },
    { name: 'rgb 1x300', file: photoPng(1, 300, 3, 5) },
    { name: 'rgb 300x1', file: photoPng(300, 1, 3, 6) },
    { name: 'rgb posterised 200x280', file: photoPng(200, 280, 3, 7, 12) },
    { name: 'ppm 260x200', file: writePnm(canonicalPnmHeader(raster, 255), raster) },
  ];
}
