/**
 * Training data: 8-bit images from a folder (made by train/prepare-data.sh
 * from Debian packages) or the Fashion-MNIST train split, and a seeded patch
 * sampler whose state a checkpoint can save. Never reads eval-A.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parsePng } from '../src/codec/formats/png.js';
import { extractTile, type TilePadding } from '../src/codec/tiling.js';
import { Rng } from './float-prior.js';

/** An 8-bit image with `channels` interleaved samples. */
export interface Img {
  name: string;
  width: number;
  height: number;
  channels: 1 | 3;
  samples: Uint8Array;
}

/** Loads every 8-bit (or palette) PNG of a folder as gray (1) or RGB (3); alpha is dropped, other kinds skipped. */
export function loadPngDir(dir: string, channels: 1 | 3): Img[] {
  const out: Img[] = [];
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.png'))
    .sort()) {
    const png = parsePng(new Uint8Array(readFileSync(join(dir, f))));
    if (!png) continue;
    const r = png.raster;
    const samples = new Uint8Array(r.width * r.height * channels);
    if (png.colourType === 3 && png.palette) {
      // Palette: expand through PLTE; a gray set takes only palettes whose entries are gray.
      const pal = png.palette;
      let gray = true;
      for (let k = 0; k + 2 < pal.length; k += 3) if (pal[k] !== pal[k + 1] || pal[k] !== pal[k + 2]) gray = false;
      if (gray !== (channels === 1)) continue;
      for (let i = 0; i < r.width * r.height; i++) for (let c = 0; c < channels; c++) samples[i * channels + c] = pal[r.samples[i] * 3 + c];
    } else {
      const src = r.channels;
      if (r.bitDepth !== 8 || (channels === 3) !== src >= 3) continue;
      for (let i = 0; i < r.width * r.height; i++) for (let c = 0; c < channels; c++) samples[i * channels + c] = r.samples[i * src + c];
    }
    out.push({ name: f, width: r.width, height: r.height, channels, samples });
  }
  return out;
}

/** Fashion-MNIST images from a gzip'd IDX file (first `count`, default all). */
export function loadIdxImages(path: string, count = Infinity): Img[] {
  const b = gunzipSync(readFileSync(path));
  if (b.readUInt32BE(0) !== 0x803) throw new Error(`${path}: not an IDX3 ubyte file`);
  const n = Math.min(b.readUInt32BE(4), count),
    h = b.readUInt32BE(8),
    w = b.readUInt32BE(12);
  const out: Img[] = [];
  for (let i = 0; i < n; i++) out.push({ name: `${i}`, width: w, height: h, channels: 1, samples: new Uint8Array(b.subarray(16 + i * h * w, 16 + (i + 1) * h * w)) });
  return out;
}

/** Splits images into train / validation by a fixed rule (every `every`-th image validates). */
export function holdOut(images: Img[], every: number): { train: Img[]; val: Img[] } {
  return { train: images.filter((_, i) => i % every !== every - 1), val: images.filter((_, i) => i % every === every - 1) };
}

/** A training tile: planar channels of patch×patch whose top-left h×w is image, the rest padding. */
export interface TrainTile {
  planes: Int32Array[];
  h: number;
  w: number;
}

/**
 * Draws training tiles: a random image (weighted by area), a random crop of
 * `patch`×`patch` (the whole image when it is smaller, padded to `patch` as
 * the codec pads tiles: by edge replication, or with zeros for pixel-exact
 * flows), a random horizontal flip. Planar Int32 channels, as the codec's tiles.
 */
export class PatchSampler {
  private readonly cum: number[] = [];
  readonly rng: Rng;

  constructor(
    private readonly images: Img[],
    readonly patch: number,
    seed: number,
    readonly pad: TilePadding = 'edge',
  ) {
    let s = 0;
    for (const im of images) this.cum.push((s += im.width * im.height));
    this.rng = new Rng(seed);
  }

  /** One tile: C planes of patch×patch. */
  next(): TrainTile {
    const t = this.rng.next() * this.cum[this.cum.length - 1];
    let i = 0;
    while (this.cum[i] <= t) i++;
    const im = this.images[i];
    const P = this.patch;
    const w = Math.min(P, im.width),
      h = Math.min(P, im.height);
    const x = Math.floor(this.rng.next() * (im.width - w + 1)),
      y = Math.floor(this.rng.next() * (im.height - h + 1));
    const planes = extractTile(im.samples, im.width, im.channels, 0, im.channels, { x, y, w, h, pw: P, ph: P }, this.pad);
    if (this.rng.next() < 0.5) {
      // Zero padding stays bottom-right, where the codec puts it: flip only the image part.
      const rows = this.pad === 'zero' ? h : P,
        cols = this.pad === 'zero' ? w : P;
      for (const p of planes) for (let r = 0; r < rows; r++) p.subarray(r * P, r * P + cols).reverse();
    }
    return { planes, h, w };
  }
}
