/**
 * The causal coder's levers, measured per image: coded bits per subpixel of
 * the tile streams plus the fitted parameters (what the stream carries beyond
 * its fixed header), and coding speed, for every PNG/PNM in a folder.
 *
 *   node dist/bench/causal-levers.js [--dir DIR] [--tile 256] [--classes K] [--stack off|nlms|rls] [--verify]
 *
 * Decide on training-pool crops; report on eval-A.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ByteWriter } from '../src/codec/bytes.js';
import { decodeCausalTile, encodeCausalTile, subImage, writeCausalParams } from '../src/codec/causal-coder.js';
import { parsePng } from '../src/codec/formats/png.js';
import { parsePnm } from '../src/codec/formats/pnm.js';
import { tileGrid } from '../src/codec/tiling.js';
import { fitCausal } from '../src/flows/causal-fit.js';
import type { StackMode } from '../src/flows/causal-stack.js';
import { planeRanges, toPlanes } from '../src/flows/ycocg.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
}

const dir = arg('--dir', '../shared/data/eval-A');
const tile = Number(arg('--tile', '256'));
const classes = Number(arg('--classes', '8'));
const verify = process.argv.includes('--verify');
const stack = arg('--stack', 'nlms') as StackMode;

let totBits = 0, totSub = 0, totEnc = 0, totDec = 0, totPx = 0;
for (const name of readdirSync(dir).filter((f) => /\.(png|ppm|pgm)$/.test(f)).sort()) {
  const bytes = new Uint8Array(readFileSync(join(dir, name)));
  const img = parsePng(bytes)?.raster ?? parsePnm(bytes)?.raster;
  if (!img || img.bitDepth !== 8 || (img.channels !== 1 && img.channels !== 3)) continue;
  const count = img.channels as 1 | 3;
  const samples = img.samples as Uint8Array;
  const rects = tileGrid(img.width, img.height, tile, 0);
  const t0 = performance.now();
  const subs = rects.map((r) => subImage(samples, img.width, count, 0, count, r));
  const params = fitCausal(rects.map((r, i) => ({ values: toPlanes(subs[i], r.w * r.h, count), nch: count, w: r.w, h: r.h })), planeRanges(count).mids, classes);
  const w = new ByteWriter();
  writeCausalParams(params, w);
  const paramBytes = w.finish().length;
  const t1 = performance.now();
  const streams = rects.map((r, i) => encodeCausalTile(subs[i], r.w, r.h, count, params, stack));
  const t2 = performance.now();
  let dt = 0;
  if (verify) {
    const d0 = performance.now();
    rects.forEach((r, i) => {
      const back = decodeCausalTile(streams[i], r.w, r.h, count, params, stack);
      if (!Buffer.from(back).equals(Buffer.from(subs[i]))) throw new Error(`${name}: tile ${i} does not round-trip`);
    });
    dt = performance.now() - d0;
  }
  const bits = 8 * (paramBytes + streams.reduce((a, s) => a + s.length, 0));
  const sub = img.width * img.height * count;
  totBits += bits; totSub += sub; totEnc += t2 - t0; totDec += dt; totPx += img.width * img.height;
  console.log(`${name.padEnd(24)} ${(bits / sub).toFixed(4)} bpsp  params ${paramBytes} B  fit ${(t1 - t0).toFixed(0)} ms  code ${(t2 - t1).toFixed(0)} ms${verify ? `  decode ${dt.toFixed(0)} ms ✓` : ''}`);
}
console.log(`total ${(totBits / totSub).toFixed(4)} bpsp  encode ${(totPx / totEnc / 1e3).toFixed(2)} MP/s${verify ? `  decode ${(totPx / totDec / 1e3).toFixed(2)} MP/s` : ''} (one thread)`);
