/**
 * Benchmark sets: eval-A (a folder of 8-bit PNGs), the Fashion-MNIST test
 * split (gzip'd IDX, each image its own file) and a grid of Fashion-MNIST
 * images as one picture. Every image carries its samples and both file forms
 * the codecs take: PNG and PNM.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parsePng, writePng } from '../src/codec/formats/png.js';
import { canonicalPnmHeader, writePnm } from '../src/codec/formats/pnm.js';
import type { InputKind } from './codecs.js';
import type { Samples } from './metrics.js';

/** One benchmark image. */
export interface BenchImage extends Samples {
  name: string;
  /** PNG file (the original for eval-A; written by writePng otherwise). */
  png: Uint8Array;
  /** Canonical binary PGM/PPM of the same samples. */
  pnm: Uint8Array;
}

/** A named set of images; `flowzipInput` is the file form flowzip compresses. */
export interface BenchSet {
  name: string;
  description: string;
  images: BenchImage[];
  flowzipInput: InputKind;
  /** The model flowzip codes this set with when no --model is given (e.g. the shipped `fmnist` model); default: compress's choice. */
  flowzipModel?: string;
}

/** PNM bytes of 8-bit gray or RGB samples. */
export function pnmOf(s: Samples): Uint8Array {
  const raster = { width: s.width, height: s.height, channels: s.channels as 1 | 3, bitDepth: 8 as const, samples: s.samples };
  return writePnm(canonicalPnmHeader(raster, 255), raster);
}

/** PNG bytes (no ancillary chunks) of 8-bit gray or RGB samples. */
export function pngOf(s: Samples): Uint8Array {
  const raster = { width: s.width, height: s.height, channels: s.channels as 1 | 3, bitDepth: 8 as const, samples: s.samples };
  return writePng({ raster, colourType: s.channels === 1 ? 0 : 2, pngBitDepth: 8, interlaced: false, ancillary: [] });
}

/** A bench image from samples (PNG and PNM written here), or from an existing PNG file. */
export function benchImage(name: string, s: Samples, png?: Uint8Array): BenchImage {
  return { name, width: s.width, height: s.height, channels: s.channels, samples: s.samples, png: png ?? pngOf(s), pnm: pnmOf(s) };
}

/** Reads an 8-bit gray/RGB PNG file as a bench image (the file's bytes kept as its PNG form). */
export function pngFileImage(path: string): BenchImage {
  const bytes = new Uint8Array(readFileSync(path));
  const png = parsePng(bytes);
  if (!png) throw new Error(`${path}: not a PNG`);
  const r = png.raster;
  if (png.pngBitDepth !== 8 || png.colourType === 3 || (r.channels !== 1 && r.channels !== 3)) throw new Error(`${path}: not an 8-bit gray or RGB PNG`);
  return benchImage(basename(path).replace(/\.png$/i, ''), { width: r.width, height: r.height, channels: r.channels, samples: r.samples as Uint8Array }, bytes);
}

/** eval-A: every .png of a folder, sorted by name. */
export function loadPngFolder(dir: string, name = 'eval-A'): BenchSet {
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.png'))
    .sort();
  if (files.length === 0) throw new Error(`${dir}: no .png files`);
  return { name, description: `${files.length} PNGs from ${dir}`, images: files.map((f) => pngFileImage(join(dir, f))), flowzipInput: 'png' };
}

/** Parses IDX3 (unsigned byte) images: count × rows × cols, optionally only the first `limit`. */
export function parseIdxImages(bytes: Uint8Array, limit = Infinity): { count: number; rows: number; cols: number; data: Uint8Array } {
  const buf = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 16 || dv.getUint32(0) !== 0x00000803) throw new Error('not an IDX3 unsigned-byte image file');
  const total = dv.getUint32(4),
    rows = dv.getUint32(8),
    cols = dv.getUint32(12);
  const count = Math.min(total, limit);
  if (buf.length < 16 + total * rows * cols) throw new Error('IDX file is truncated');
  return { count, rows, cols, data: buf.subarray(16, 16 + count * rows * cols) };
}

/** Fashion-MNIST images as separate 28×28 files (PGM for flowzip/xz, PNG for the others). */
export function loadFmnist(path: string, limit: number): BenchSet {
  const idx = parseIdxImages(new Uint8Array(readFileSync(path)), limit);
  const n = idx.rows * idx.cols;
  const images: BenchImage[] = [];
  for (let i = 0; i < idx.count; i++) {
    images.push(benchImage(`fmnist-${String(i).padStart(5, '0')}`, { width: idx.cols, height: idx.rows, channels: 1, samples: idx.data.slice(i * n, (i + 1) * n) }));
  }
  return { name: `fmnist-${idx.count}`, description: `Fashion-MNIST test split, first ${idx.count} images, each its own ${idx.cols}×${idx.rows} file`, images, flowzipInput: 'pnm' };
}

/** Tiles equal-sized gray images into one picture, `cols` per row, in order (unused cells black). */
export function gridOf(images: Samples[], cols: number): Samples {
  const { width: w, height: h } = images[0];
  const rows = Math.ceil(images.length / cols);
  const W = w * cols,
    H = h * rows;
  const out = new Uint8Array(W * H);
  images.forEach((img, k) => {
    const gx = (k % cols) * w,
      gy = Math.floor(k / cols) * h;
    for (let y = 0; y < h; y++) out.set(img.samples.subarray(y * w, (y + 1) * w), (gy + y) * W + gx);
  });
  return { width: W, height: H, channels: 1, samples: out };
}

/** The first 1000 (or fewer) Fashion-MNIST images as one 1120×700 grid (40 × 25 images). */
export function fmnistGrid(set: BenchSet, count = 1000): BenchSet {
  const imgs = set.images.slice(0, count);
  const g = gridOf(imgs, 40);
  return {
    name: 'fmnist-grid',
    description: `the first ${imgs.length} Fashion-MNIST test images as one ${g.width}×${g.height} image`,
    images: [benchImage(`fmnist-grid-${imgs.length}`, g)],
    flowzipInput: 'pnm',
  };
}
