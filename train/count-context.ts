/**
 * Trains the count-context model `fmnist-ctx` (src/flows/count-context.ts):
 * counts every context of the Fashion-MNIST TRAIN split (the test split is
 * never read unless --report-test is given, and then only to print its
 * figure), drops the finest-level rows with fewer than --min-total samples,
 * and writes models/<name>.json. Deterministic: the same data and options
 * give the same file. Seconds of CPU.
 *
 *   node dist/train/count-context.js [--train FILE] [--first N] [--alpha 512] [--min-total 32] [--cap 0] [--no-position-root]
 *        [--hold-out N] [--name fmnist-ctx] [--report-test FILE] [--dry-run]
 *
 * --first N: count only the first N images of the train split (default: all;
 * the training curve, bench/count-curve.ts, counts 1,000 … 60,000).
 *
 * --hold-out N: count on all train images but every N-th, and print the
 * code length of those (for choosing α and --min-total); the shipped model
 * counts all 60,000.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CountCdfCache, COUNT_KERNEL } from '../src/flows/count-context.js';
import { packCounts, unpackCounts, type CountSpec } from '../src/flows/count-spec.js';
import { countModelToJson } from '../src/flows/model.js';
import { countCanary } from '../src/codec/count-models.js';
import { modelsDir } from '../src/codec/models.js';
import { loadIdxImages } from './data.js';
import { countImages, levelsOf, measureCounts } from './count-lib.js';

const TRAIN = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const t0 = Date.now();
const alpha = Number(option('--alpha', '512'));
const minTotal = Number(option('--min-total', '32'));
const cap = Number(option('--cap', '0'));
const holdEvery = Number(option('--hold-out', '0'));
const name = option('--name', 'fmnist-ctx');
const first = Number(option('--first', '0'));
if (!Number.isInteger(first) || first < 0) throw new Error('--first takes a whole number of images (0: all)');
const all = loadIdxImages(option('--train', TRAIN), first > 0 ? first : Infinity);
const train = holdEvery > 0 ? all.filter((_, i) => i % holdEvery !== 0) : all;
const held = holdEvery > 0 ? all.filter((_, i) => i % holdEvery === 0) : [];
const dense = countImages(train);
// Sweep mode (--dry-run with lists): every (min-total, cap) pair on the hold-out.
for (const mt of option('--sweep-min-total', '').split(',').filter(Boolean)) {
  for (const cp of option('--sweep-cap', String(cap)).split(',')) {
    const lv = levelsOf(dense, { cap: Number(cp), minTotal: Number(mt), noPositionRoot: false });
    const packed = packCounts(lv);
    const m = measureCounts(held, new CountCdfCache(unpackCounts(packed, alpha)));
    console.log(`min-total ${mt} cap ${cp}: rows ${lv[3].totals.length}, ${packed.length} chars, hold-out ${m.model.toFixed(4)} / ${m.stream.toFixed(4)} bpp`);
  }
}
// --no-position-root: the position level is left empty (count-lib.ts levelsOf).
const levels = levelsOf(dense, { cap, minTotal, noPositionRoot: process.argv.includes('--no-position-root') });
const tables = packCounts(levels);
const spec: CountSpec = { channels: 1, kernel: COUNT_KERNEL, alpha, tables };
const cdfs = new CountCdfCache(unpackCounts(tables, alpha));
console.log(`counted ${train.length} images in ${((Date.now() - t0) / 1000).toFixed(1)} s; rows per level ${levels.map((l) => l.totals.length).join(', ')}; packed ${tables.length} base64 chars`);
if (held.length) {
  const m = measureCounts(held, cdfs);
  console.log(`hold-out (${held.length} train images): model ${m.model.toFixed(4)} bpp, tile streams ${m.stream.toFixed(4)} bpp`);
}
const testPath = option('--report-test', '');
if (testPath) {
  const m = measureCounts(loadIdxImages(testPath), cdfs);
  console.log(`test split (report only): model ${m.model.toFixed(4)} bpp, tile streams ${m.stream.toFixed(4)} bpp`);
}
if (!process.argv.includes('--dry-run')) {
  const manifest = {
    description: `Count-context prior for small gray images: learned counts in a back-off chain position → MED → (MED, activity) → (MED, activity, position), α = ${alpha}, coded by rANS in raster order (${COUNT_KERNEL}).`,
    training: `Fashion-MNIST train split (${train.length} images, Debian dataset-fashion-mnist), counted by train/count-context.ts (${first > 0 ? `--first ${first} ` : ''}--alpha ${alpha} --min-total ${minTotal} --cap ${cap}${levels[0].totals.length ? '' : ' --no-position-root'}); the test split is never counted.`,
    kernel: COUNT_KERNEL,
  };
  const path = join(modelsDir(), `${name}.json`);
  writeFileSync(path, countModelToJson(name, spec, countCanary(spec), manifest) + '\n');
  console.log(`wrote ${path}`);
}
