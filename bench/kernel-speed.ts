/**
 * The causal coder's per-thread cost, without the pool, PNG I/O or the
 * container: for each eval-A photo (RGB) and its luma as a gray image, the
 * encoder's fit, then every 256×256 tile encoded and decoded in this thread,
 * for each stack mode. Prints CPU nanoseconds per subpixel of each step
 * (process.cpuUsage, so a busy machine inflates it less than wall time; with
 * --reps N, the fastest of N runs of each step) and a SHA-256 over every tile stream: a change that claims to be a pure speed-up
 * must leave that hash unchanged.
 *
 * Run: npx tsc -p tsconfig.json && node dist/bench/kernel-speed.js
 *   [--dir DIR] [--images N] [--reps N] [--modes off,nlms,rls]
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeCausalTile, encodeCausalTile, fitImageParams, subImage } from '../src/codec/causal-coder.js';
import { parsePng } from '../src/codec/formats/png.js';
import { TILE_SIZE } from '../src/codec/image-codec.js';
import { tileGrid } from '../src/codec/tiling.js';
import type { StackMode } from '../src/flows/causal-stack.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** CPU time (user + system) of this process in nanoseconds. */
function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

const dir = arg('dir', join(ROOT, '..', 'shared', 'data', 'eval-A'));
const count = Number(arg('images', '9'));
const reps = Number(arg('reps', '1'));
const modes = arg('modes', 'off,nlms,rls').split(',') as StackMode[];

interface Img {
  name: string;
  samples: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}
const images: Img[] = [];
for (const f of readdirSync(dir)
  .filter((n) => n.endsWith('.png'))
  .sort()
  .slice(0, count)) {
  const png = parsePng(readFileSync(join(dir, f)))?.raster;
  if (!png || png.bitDepth !== 8 || png.channels < 3) continue;
  const n = png.width * png.height;
  const rgb = new Uint8Array(n * 3),
    gray = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = png.samples[i * png.channels + c];
    gray[i] = (rgb[i * 3] * 2 + rgb[i * 3 + 1] * 5 + rgb[i * 3 + 2]) >> 3;
  }
  images.push({ name: f, samples: rgb, width: png.width, height: png.height, channels: 3 });
  images.push({ name: `${f}:gray`, samples: gray, width: png.width, height: png.height, channels: 1 });
}

console.log(`| mode | fit ns/subpx | encode ns/subpx | decode ns/subpx | streams bytes | streams sha256 |`);
console.log(`|---|---:|---:|---:|---:|---|`);
for (const mode of modes) {
  let fitNs = 0,
    encNs = 0,
    decNs = 0,
    subpx = 0,
    bytes = 0;
  const hash = createHash('sha256');
  for (const img of images) {
    const rects = tileGrid(img.width, img.height, TILE_SIZE, 0);
    const tiles = rects.map((r) => subImage(img.samples, img.width, img.channels, 0, img.channels, r));
    let fit = Infinity,
      enc = Infinity,
      dec = Infinity;
    for (let rep = 0; rep < reps; rep++) {
      let t = cpuNs();
      const params = fitImageParams(img.samples, img.width, img.channels, 0, img.channels, rects, 8);
      fit = Math.min(fit, cpuNs() - t);
      t = cpuNs();
      const streams = rects.map((r, j) => encodeCausalTile(tiles[j], r.w, r.h, img.channels, params, mode));
      enc = Math.min(enc, cpuNs() - t);
      t = cpuNs();
      const back = rects.map((r, j) => decodeCausalTile(streams[j], r.w, r.h, img.channels, params, mode));
      dec = Math.min(dec, cpuNs() - t);
      for (let j = 0; j < rects.length; j++) {
        if (Buffer.compare(Buffer.from(back[j]), Buffer.from(tiles[j])) !== 0) throw new Error(`${img.name}: tile ${j} does not round-trip`);
        if (rep === 0) {
          hash.update(streams[j]);
          bytes += streams[j].length;
        }
      }
    }
    fitNs += fit;
    encNs += enc;
    decNs += dec;
    subpx += img.width * img.height * img.channels;
  }
  const per = (ns: number) => (ns / subpx).toFixed(1);
  console.log(`| ${mode} | ${per(fitNs)} | ${per(encNs)} | ${per(decNs)} | ${bytes} | ${hash.digest('hex').slice(0, 16)} |`);
}
