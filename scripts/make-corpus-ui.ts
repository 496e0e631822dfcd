/**
 * Writes corpus/edge/rgba-ui-120x90.png: a synthetic, deterministic "window"
 * (transparent border, soft drop shadow, title bar, buttons, repeated
 * glyph-like text in a few colours) for the copy tiles of format 6 and their
 * golden streams. No third-party material.
 * Run: npm run build && node dist/scripts/make-corpus-ui.js
 */
import { writeFileSync } from 'node:fs';
import { writePng } from '../src/codec/formats/png.js';

const W = 120,
  H = 90;
const px = new Uint8Array(W * H * 4); // all transparent black
const put = (x: number, y: number, r: number, g: number, b: number, a = 255) => px.set([r, g, b, a], (y * W + x) * 4);
// Drop shadow: alpha falls off over 6 pixels around the window (8..111 × 6..83).
for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    const dx = Math.max(10 - x, x - 113, 0),
      dy = Math.max(8 - y, y - 85, 0);
    const d = Math.max(dx, dy);
    if (d < 6) put(x, y, 0, 0, 0, Math.floor((64 * (6 - d)) / 6));
  }
}
// Window body and title bar (a vertical gradient).
for (let y = 6; y < 84; y++) for (let x = 8; x < 112; x++) put(x, y, 246, 245, 244);
for (let y = 6; y < 18; y++) for (let x = 8; x < 112; x++) put(x, y, 222 - (y - 6) * 3, 221 - (y - 6) * 3, 218 - (y - 6) * 2);
// Close button and two push buttons.
for (let y = 9; y < 15; y++) for (let x = 100; x < 106; x++) put(x, y, (x + y) % 2 ? 224 : 192, 27, 36);
for (const bx of [16, 64]) {
  for (let y = 66; y < 78; y++)
    for (let x = bx; x < bx + 40; x++)
      put(x, y, y === 66 || y === 77 || x === bx || x === bx + 39 ? 154 : 232, y === 66 || y === 77 || x === bx || x === bx + 39 ? 150 : 232, 150 + (y === 66 ? 0 : 82));
}
// Text: three 5×7 glyphs repeated on lines, antialiased with one mid tone.
const GLYPHS = ['0111010001100011111110001', '1111010001111101000111110', '0111110000100001000001111'].map((s) => s + s.slice(0, 10));
let k = 0;
for (let line = 0; line < 5; line++) {
  for (let gx = 14; gx + 5 < 106; gx += 7, k++) {
    const g = GLYPHS[(k * 7 + line) % 3];
    for (let j = 0; j < 35; j++) {
      const x = gx + (j % 5),
        y = 24 + line * 8 + Math.floor(j / 5);
      if (g[j] === '1') put(x, y, 46, 52, 54);
      else if (j % 5 > 0 && g[j - 1] === '1') put(x, y, 160, 162, 163);
    }
  }
}
const png = writePng({ raster: { width: W, height: H, channels: 4, bitDepth: 8, samples: px }, colourType: 6, pngBitDepth: 8, interlaced: false, ancillary: [] });
const out = new URL('../../corpus/edge/rgba-ui-120x90.png', import.meta.url).pathname;
writeFileSync(out, png);
console.log(`${out}: ${png.length} bytes`);
