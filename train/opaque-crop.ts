/**
 * The largest fully opaque rectangle of an RGBA PNG, written as an 8-bit RGB
 * PNG (training images must not carry the arbitrary colours that transparent
 * pixels hold, e.g. the masked-out sky of a panorama). RGB inputs are copied.
 *
 *   node dist/train/opaque-crop.js IN.png OUT.png [MIN_SIDE]
 *
 * Exit code 0 and a line "W H" when a rectangle of at least MIN_SIDE (default
 * 64) on each side was written, 3 when there is none (nothing written).
 * Deterministic: ties go to the topmost, then leftmost rectangle.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parsePng, writePng } from '../src/codec/formats/png.js';

/** A rectangle in pixels: top-left corner and size. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Largest-area rectangle whose pixels all satisfy `opaque(x, y)` (row histograms and a monotone stack; O(width × height)). */
export function largestOpaqueRect(width: number, height: number, opaque: (x: number, y: number) => boolean): Rect {
  const run = new Int32Array(width); // opaque pixels ending at the current row, per column
  let best: Rect = { x: 0, y: 0, w: 0, h: 0 };
  const stack: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) run[x] = opaque(x, y) ? run[x] + 1 : 0;
    stack.length = 0;
    for (let x = 0; x <= width; x++) {
      const hx = x < width ? run[x] : 0;
      while (stack.length && run[stack[stack.length - 1]] >= hx) {
        const h = run[stack.pop()!];
        const left = stack.length ? stack[stack.length - 1] + 1 : 0;
        if (h * (x - left) > best.w * best.h) best = { x: left, y: y - h + 1, w: x - left, h };
      }
      stack.push(x);
    }
  }
  return best;
}

if (process.argv[1]?.endsWith('opaque-crop.js')) {
  const [inPath, outPath, minArg] = process.argv.slice(2);
  if (!inPath || !outPath) throw new Error('usage: opaque-crop.js IN.png OUT.png [MIN_SIDE]');
  const png = parsePng(new Uint8Array(readFileSync(inPath)));
  if (!png || png.raster.bitDepth !== 8 || png.raster.channels < 3 || png.colourType === 3) throw new Error(`${inPath}: not an 8-bit RGB or RGBA PNG`);
  const { width, height, channels, samples } = png.raster;
  const r = channels === 4 ? largestOpaqueRect(width, height, (x, y) => samples[(y * width + x) * 4 + 3] === 255) : { x: 0, y: 0, w: width, h: height };
  const min = Number(minArg ?? 64);
  if (r.w < min || r.h < min) {
    console.log(`${inPath}: no opaque rectangle of ${min}×${min}`);
    process.exit(3);
  }
  const out = new Uint8Array(r.w * r.h * 3);
  for (let y = 0; y < r.h; y++) for (let x = 0; x < r.w; x++) for (let c = 0; c < 3; c++) out[(y * r.w + x) * 3 + c] = samples[((r.y + y) * width + r.x + x) * channels + c];
  writeFileSync(outPath, writePng({ raster: { width: r.w, height: r.h, channels: 3, bitDepth: 8, samples: out }, colourType: 2, pngBitDepth: 8, interlaced: false, ancillary: [] }));
  console.log(`${r.w} ${r.h}`);
}
