/**
 * The training curve of the count-context model `fmnist-ctx`
 * (train/count-context.ts): counts the first N images of the Fashion-MNIST
 * TRAIN split with the shipped model's options (α = 512, --min-total 1024,
 * --no-position-root) for N = 1,000 … 60,000, and reports the ideal code
 * length (exact, of the quantised model) and the tile streams' bits per
 * pixel on the first --test-count images of the TEST split (report only: the
 * test split is never counted, and no choice is made from it), with the
 * counting time of each N (wall clock, CPU-bound, single thread). The last N,
 * when it is the whole split, must give the shipped model's tables exactly
 * (checked: the curve ends at the model that ships). Writes a markdown table.
 *
 *   node dist/bench/count-curve.js [--train FILE] [--test FILE] [--test-count 1000]
 *        [--sizes 1000,3000,10000,30000,60000] [--out bench/results/count-curve.md]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CountCdfCache, LEVEL_SIZES } from '../src/flows/count-context.js';
import { packCounts, unpackCounts } from '../src/flows/count-spec.js';
import { shippedModel } from '../src/codec/models.js';
import { countImages, levelsOf, measureCounts } from '../train/count-lib.js';
import { loadIdxImages } from '../train/data.js';
import { DEFAULT_FMNIST, repoRoot } from './args.js';

const TRAIN = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';
/** The shipped model's training options (MODELS.md, models/fmnist-ctx.json's manifest). */
const SHIPPED = { alpha: 512, cap: 0, minTotal: 1024, noPositionRoot: true };

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const testCount = Number(opt('--test-count', '1000'));
const out = opt('--out', join(repoRoot(), 'bench', 'results', 'count-curve.md'));
const train = loadIdxImages(opt('--train', TRAIN));
const test = loadIdxImages(opt('--test', DEFAULT_FMNIST), testCount);
const sizes = opt('--sizes', '1000,3000,10000,30000,60000')
  .split(',')
  .map(Number)
  .map((n) => Math.min(n, train.length))
  .filter((n, i, all) => n > 0 && all.indexOf(n) === i);

const shipped = shippedModel({ name: 'fmnist-ctx' });
// Untimed warm-up (the JIT), so the first row's time is not mostly compilation.
levelsOf(countImages(train.slice(0, 200)), SHIPPED);
const rows: string[] = [];
for (const n of sizes) {
  const t0 = performance.now();
  const dense = countImages(train.slice(0, n));
  const t1 = performance.now();
  const levels = levelsOf(dense, SHIPPED);
  const tables = packCounts(levels);
  const countS = (t1 - t0) / 1000,
    packS = (performance.now() - t1) / 1000;
  const m = measureCounts(test, new CountCdfCache(unpackCounts(tables, SHIPPED.alpha)));
  const isShipped = shipped?.counts?.tables === tables;
  if (n === train.length && !isShipped) throw new Error(`count-curve: counting all ${n} train images did not give the shipped fmnist-ctx tables (options changed?)`);
  const rowsKept = levels[3].totals.length;
  rows.push(
    `| ${n.toLocaleString('en-US')}${isShipped ? ' (shipped)' : ''} | ${countS.toFixed(1)} | ${packS.toFixed(1)} | ${rowsKept.toLocaleString('en-US')} | ${tables.length.toLocaleString('en-US')} | ${m.model.toFixed(4)} | ${m.stream.toFixed(4)} |`,
  );
  console.log(rows[rows.length - 1]);
}
const table = [
  `Training curve of \`fmnist-ctx\`: the first N Fashion-MNIST train images counted with the shipped options (α = ${SHIPPED.alpha}, --min-total ${SHIPPED.minTotal}, --no-position-root); bits per pixel on the first ${test.length.toLocaleString('en-US')} test images (report only, never counted). Times: wall clock, one thread, on the machine and load of the run: counting the ${LEVEL_SIZES.length} levels' dense tables, then dropping rare rows and packing (brotli, quality 11) — the whole training, no iterations.`,
  '',
  '| train images counted | counting s | packing s | finest-level rows | packed tables (chars) | test bpp, exact code length | test bpp, tile streams |',
  '|---|---|---|---|---|---|---|',
  ...rows,
  '',
  `Made by \`node dist/bench/count-curve.js${argv.length ? ' ' + argv.join(' ') : ''}\`.`,
  '',
].join('\n');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, table);
console.log(`wrote ${out}`);
