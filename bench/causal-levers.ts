/**
 * The causal coder's levers on one yardstick: per image and in total, the
 * ideal code length (Σ −log2 p of every coded symbol, plus the fitted
 * parameters) and the coded size (tile streams plus parameters) in bits per
 * subpixel, and the time per subpixel of the fit, the encoder's coding pass
 * and the decoder — one thread, no container, for every PNG/PNM in a folder.
 * Coding and decoding are timed twice: on the WebAssembly twin (the default,
 * src/codec/causal-tile-wasm.ts) and on the TypeScript alone; the two must
 * give the same streams (checked).
 * With --with-photo, the learned `photo` model's whole-file size on the same
 * images (library, default options) for comparison.
 *
 *   node dist/bench/causal-levers.js [--dir DIR] [--tile 256] [--modes off,nlms,rls] [--with-photo] [--verify]
 *
 * Decide on training-pool crops; report on eval-A (the default folder).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compress } from '../src/codec/api.js';
import { ByteWriter } from '../src/codec/bytes.js';
import { causalCodeLengths, decodeCausalTile, encodeCausalTile, fitImageParams, subImage, writeCausalParams } from '../src/codec/causal-coder.js';
import { setCausalWasm } from '../src/codec/causal-tile-wasm.js';
import { parsePng } from '../src/codec/formats/png.js';
import { parsePnm } from '../src/codec/formats/pnm.js';
import { tileGrid } from '../src/codec/tiling.js';
import type { StackMode } from '../src/flows/causal-stack.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
}

const dir = arg('--dir', '../shared/data/eval-A');
const tile = Number(arg('--tile', '256'));
const modes = arg('--modes', 'off,nlms,rls').split(',') as StackMode[];
const verify = process.argv.includes('--verify');
const withPhoto = process.argv.includes('--with-photo');

interface Row {
  ideal: number;
  coded: number;
  fitMs: number;
  encMs: number;
  encTsMs: number;
  decTsMs: number;
  decMs: number;
}
const totals = new Map<string, Row & { sub: number }>();
const add = (key: string, r: Row, sub: number) => {
  const t = totals.get(key) ?? { ideal: 0, coded: 0, fitMs: 0, encMs: 0, decMs: 0, encTsMs: 0, decTsMs: 0, sub: 0 };
  t.ideal += r.ideal;
  t.coded += r.coded;
  t.fitMs += r.fitMs;
  t.encMs += r.encMs;
  t.decMs += r.decMs;
  t.encTsMs += r.encTsMs;
  t.decTsMs += r.decTsMs;
  t.sub += sub;
  totals.set(key, t);
};

const files = readdirSync(dir)
  .filter((f) => /\.(png|ppm|pgm)$/.test(f))
  .sort();
console.log(`| image | ${modes.map((m) => `${m} ideal | ${m} coded`).join(' | ')}${withPhoto ? ' | photo (file)' : ''} |`);
console.log(`|---|${[...modes.flatMap(() => ['---:', '---:']), ...(withPhoto ? ['---:'] : [])].join('|')}|`);
for (const name of files) {
  const bytes = new Uint8Array(readFileSync(join(dir, name)));
  const img = parsePng(bytes)?.raster ?? parsePnm(bytes)?.raster;
  if (!img || img.bitDepth !== 8 || (img.channels !== 1 && img.channels !== 3)) continue;
  const count = img.channels as 1 | 3;
  const samples = img.samples as Uint8Array;
  const sub = img.width * img.height * count;
  const rects = tileGrid(img.width, img.height, tile, 0);
  const tiles = rects.map((r) => subImage(samples, img.width, count, 0, count, r));
  const cells: string[] = [];
  for (const mode of modes) {
    const t0 = performance.now();
    const params = fitImageParams(samples, img.width, count, 0, count, rects, 8);
    const t1 = performance.now();
    const w = new ByteWriter();
    writeCausalParams(params, w);
    const paramBits = 8 * w.finish().length;
    const streams = rects.map((r, i) => encodeCausalTile(tiles[i], r.w, r.h, count, params, mode));
    const t2 = performance.now();
    // The same on the TypeScript alone: it must give the same streams.
    setCausalWasm(false);
    const tsStreams = rects.map((r, i) => encodeCausalTile(tiles[i], r.w, r.h, count, params, mode));
    const encTsMs = performance.now() - t2;
    setCausalWasm(true);
    tsStreams.forEach((z, i) => {
      if (!Buffer.from(z).equals(Buffer.from(streams[i]))) throw new Error(`${name}: tile ${i}: the twin and the TypeScript code different streams`);
    });
    let decMs = 0,
      decTsMs = 0;
    if (verify) {
      for (const twin of [true, false]) {
        setCausalWasm(twin);
        const d0 = performance.now();
        rects.forEach((r, i) => {
          const back = decodeCausalTile(streams[i], r.w, r.h, count, params, mode);
          if (!Buffer.from(back).equals(Buffer.from(tiles[i]))) throw new Error(`${name}: tile ${i} does not round-trip`);
        });
        if (twin) decMs = performance.now() - d0;
        else decTsMs = performance.now() - d0;
      }
      setCausalWasm(true);
    }
    let ideal = paramBits;
    rects.forEach((r, i) => {
      for (const b of causalCodeLengths(tiles[i], r.w, r.h, count, params, mode)) ideal += b;
    });
    const coded = paramBits + 8 * streams.reduce((a, s) => a + s.length, 0);
    add(mode, { ideal, coded, fitMs: t1 - t0, encMs: t2 - t1, decMs, encTsMs, decTsMs }, sub);
    cells.push((ideal / sub).toFixed(4), (coded / sub).toFixed(4));
  }
  if (withPhoto) {
    const z = await compress(bytes, { model: count === 3 ? 'photo' : 'gray', workers: 1 });
    add('photo', { ideal: 0, coded: 8 * z.length, fitMs: 0, encMs: 0, decMs: 0, encTsMs: 0, decTsMs: 0 }, sub);
    cells.push(((8 * z.length) / sub).toFixed(4));
  }
  console.log(`| ${name} | ${cells.join(' | ')} |`);
}
console.log('\n| lever | ideal bpsp | coded bpsp | fit ns/subpixel | encode ns/subpixel (twin / TypeScript) | decode ns/subpixel (twin / TypeScript) |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [key, t] of totals) {
  const ns = (ms: number) => (ms > 0 ? ((ms * 1e6) / t.sub).toFixed(0) : '–');
  const both = (a: number, b: number) => (a > 0 ? `${ns(a)} / ${ns(b)}` : '–');
  console.log(`| ${key} | ${key === 'photo' ? '–' : (t.ideal / t.sub).toFixed(4)} | ${(t.coded / t.sub).toFixed(4)} | ${ns(t.fitMs)} | ${both(t.encMs, t.encTsMs)} | ${both(t.decMs, t.decTsMs)} |`);
}
console.log(`\n(tiles ${tile}×${tile}, one thread; photo row: whole .fz files from the library, headers included)`);
