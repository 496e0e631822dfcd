/**
 * Trains the count-context model `fmnist-ctx` (src/flows/count-context.ts):
 * counts every context of the Fashion-MNIST TRAIN split (the test split is
 * never read unless --report-test is given, and then only to print its
 * figure), drops the finest-level rows with fewer than --min-total samples,
 * and writes models/<name>.json. Deterministic: the same data and options
 * give the same file. Seconds of CPU.
 *
 *   node dist/train/count-context.js [--train FILE] [--alpha 512] [--min-total 32] [--cap 0] [--no-position-root]
 *        [--hold-out N] [--name fmnist-ctx] [--report-test FILE] [--dry-run]
 *
 * --hold-out N: count on all train images but every N-th, and print the
 * code length of those (for choosing α and --min-total); the shipped model
 * counts all 60,000.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contextsOf, CountCdfCache, freqOf, LEVEL_SIZES, levelContexts, levelFromDense, COUNT_KERNEL, COUNT_PROB_BITS } from '../src/flows/count-context.js';
import { packCounts, unpackCounts, type CountSpec } from '../src/flows/count-spec.js';
import { countModelToJson } from '../src/flows/model.js';
import { countCanary } from '../src/codec/count-models.js';
import { encodeCountTile } from '../src/codec/count-coder.js';
import { modelsDir } from '../src/codec/models.js';
import { loadIdxImages, type Img } from './data.js';

const TRAIN = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

/** Dense counts of every level over `images`. */
function count(images: Img[]): Float64Array[] {
  const dense = LEVEL_SIZES.map((n) => new Float64Array(n * 256));
  const lc = new Int32Array(4);
  for (const im of images) {
    const ctx = contextsOf(im.samples, im.width, im.height);
    for (let i = 0; i < ctx.length; i++) {
      levelContexts(ctx[i], lc);
      const s = im.samples[i];
      for (let k = 0; k < 4; k++) dense[k][lc[k] * 256 + s]++;
    }
  }
  return dense;
}

/**
 * Scales each row whose total is over `cap` (> 0) down to about `cap`
 * (every count ⌊c · cap / total + 1/2⌋, at least 1 where it was ≥ 1): smaller
 * tables for a slightly larger weight of the coarser levels. 0: unchanged.
 */
function capRows(dense: Float64Array, contexts: number, cap: number): Float64Array {
  if (cap <= 0) return dense;
  const out = dense.slice();
  for (let c = 0; c < contexts; c++) {
    let t = 0;
    for (let s = 0; s < 256; s++) t += dense[c * 256 + s];
    if (t <= cap) continue;
    for (let s = 0; s < 256; s++) {
      const v = dense[c * 256 + s];
      out[c * 256 + s] = v === 0 ? 0 : Math.max(1, Math.floor((v * cap) / t + 0.5));
    }
  }
  return out;
}

/** Mean bits per pixel of `images`: exact code lengths of the quantised model, and the real tile streams (bytes × 8). */
function measure(images: Img[], cdfs: CountCdfCache): { model: number; stream: number } {
  let bits = 0,
    bytes = 0,
    pixels = 0;
  for (const im of images) {
    const ctx = contextsOf(im.samples, im.width, im.height);
    for (let i = 0; i < ctx.length; i++) bits += COUNT_PROB_BITS - Math.log2(freqOf(cdfs.starts(ctx[i]), im.samples[i]));
    bytes += encodeCountTile(im.samples, im.width, im.height, cdfs).length;
    pixels += ctx.length;
  }
  return { model: bits / pixels, stream: (bytes * 8) / pixels };
}

const t0 = Date.now();
const alpha = Number(option('--alpha', '512'));
const minTotal = Number(option('--min-total', '32'));
const cap = Number(option('--cap', '0'));
const holdEvery = Number(option('--hold-out', '0'));
const name = option('--name', 'fmnist-ctx');
const all = loadIdxImages(option('--train', TRAIN));
const train = holdEvery > 0 ? all.filter((_, i) => i % holdEvery !== 0) : all;
const held = holdEvery > 0 ? all.filter((_, i) => i % holdEvery === 0) : [];
const dense = count(train);
// Sweep mode (--dry-run with lists): every (min-total, cap) pair on the hold-out.
for (const mt of option('--sweep-min-total', '').split(',').filter(Boolean)) {
  for (const cp of option('--sweep-cap', String(cap)).split(',')) {
    const lv = dense.map((d, k) => levelFromDense(capRows(d, LEVEL_SIZES[k], Number(cp)), LEVEL_SIZES[k], k === 3 ? Number(mt) : 1));
    const packed = packCounts(lv);
    const m = measure(held, new CountCdfCache(unpackCounts(packed, alpha)));
    console.log(`min-total ${mt} cap ${cp}: rows ${lv[3].totals.length}, ${packed.length} chars, hold-out ${m.model.toFixed(4)} / ${m.stream.toFixed(4)} bpp`);
  }
}
const levels = dense.map((d, k) => levelFromDense(capRows(d, LEVEL_SIZES[k], cap), LEVEL_SIZES[k], k === 3 ? minTotal : 1));
// --no-position-root: the position level is left empty, so a context without a finest-level row
// shares the (MED, activity) distribution (2,560 tables instead of up to 125,440: faster coding).
if (process.argv.includes('--no-position-root')) levels[0] = levelFromDense(new Float64Array(LEVEL_SIZES[0] * 256), LEVEL_SIZES[0]);
const tables = packCounts(levels);
const spec: CountSpec = { channels: 1, kernel: COUNT_KERNEL, alpha, tables };
const cdfs = new CountCdfCache(unpackCounts(tables, alpha));
console.log(`counted ${train.length} images in ${((Date.now() - t0) / 1000).toFixed(1)} s; rows per level ${levels.map((l) => l.totals.length).join(', ')}; packed ${tables.length} base64 chars`);
if (held.length) {
  const m = measure(held, cdfs);
  console.log(`hold-out (${held.length} train images): model ${m.model.toFixed(4)} bpp, tile streams ${m.stream.toFixed(4)} bpp`);
}
const testPath = option('--report-test', '');
if (testPath) {
  const m = measure(loadIdxImages(testPath), cdfs);
  console.log(`test split (report only): model ${m.model.toFixed(4)} bpp, tile streams ${m.stream.toFixed(4)} bpp`);
}
if (!process.argv.includes('--dry-run')) {
  const manifest = {
    description: `Count-context prior for small gray images: learned counts in a back-off chain position → MED → (MED, activity) → (MED, activity, position), α = ${alpha}, coded by rANS in raster order (${COUNT_KERNEL}).`,
    training: `Fashion-MNIST train split (${train.length} images, Debian dataset-fashion-mnist), counted by train/count-context.ts (--alpha ${alpha} --min-total ${minTotal} --cap ${cap}${levels[0].totals.length ? '' : ' --no-position-root'}); the test split is never counted.`,
    kernel: COUNT_KERNEL,
  };
  const path = join(modelsDir(), `${name}.json`);
  writeFileSync(path, countModelToJson(name, spec, countCanary(spec), manifest) + '\n');
  console.log(`wrote ${path}`);
}
