/**
 * Writes corpus/edge/rgba16-chart-96x64.png: a synthetic, deterministic
 * 16-bit RGBA "pie chart" — five flat 16-bit colours that are not 8-bit
 * values scaled by 257, a background, opaque alpha, and anti-aliased edges
 * whose samples blend two colours in 16 bits — for the context-coded
 * residuals of format 7 (codec/deep-samples.ts layout 2) and their golden
 * streams. Integer arithmetic only; no third-party material.
 * Run: npm run build && node dist/scripts/make-corpus-chart16.js
 */
import { writeFileSync } from 'node:fs';
import { writePng } from '../src/codec/formats/png.js';

const W = 96,
  H = 64;
const COLOURS = [
  [0x3a7c, 0x8c21, 0xd40f],
  [0xe5b1, 0x6a0e, 0x1c93],
  [0x47d2, 0xb36c, 0x5e08],
  [0xf0e7, 0xc8a5, 0x2b61],
  [0x9d3f, 0x52e4, 0xa7b0],
];
const BACKGROUND = [0xfbf7, 0xfaf2, 0xf8e9];
const px = new Uint16Array(W * H * 4);
const cx = 2 * 40,
  cy = 2 * 32,
  r = 2 * 26; // in half pixels
for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    // Coverage of the disc in 1/4 of the pixel (2×2 subsamples), and the slice by angle octant-ish sector.
    let inside = 0;
    for (const [sx, sy] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ]) {
      const dx = 2 * x + sx - cx,
        dy = 2 * y + sy - cy;
      if (dx * dx + dy * dy < r * r) inside++;
    }
    const dx = 2 * x + 1 - cx,
      dy = 2 * y + 1 - cy;
    const slice = dy < 0 ? (dx < 0 ? 0 : dx < -dy ? 1 : 2) : dx > dy ? 3 : 4;
    const c = COLOURS[slice];
    for (let k = 0; k < 3; k++) px[(y * W + x) * 4 + k] = Math.floor((c[k] * inside + BACKGROUND[k] * (4 - inside)) / 4);
    px[(y * W + x) * 4 + 3] = 65535;
  }
}
const png = writePng({ raster: { width: W, height: H, channels: 4, bitDepth: 16, samples: px }, colourType: 6, pngBitDepth: 16, interlaced: false, ancillary: [] });
const out = new URL('../../corpus/edge/rgba16-chart-96x64.png', import.meta.url).pathname;
writeFileSync(out, png);
console.log(`${out}: ${png.length} bytes`);
