/**
 * The reference point issue 6 names for Fashion-MNIST: a count model
 * p(pixel | left neighbour) — a 256×256 table of counts from the train split
 * (the first pixel of a row sees 0), add-½ smoothing — scored on the test
 * split in bits per pixel (model likelihood, no headers). A learned model
 * that cannot beat it is not learning the image.
 *   node dist/train/count-baseline.js [--train IDX.gz] [--test IDX.gz]
 */
import { loadIdxImages } from './data.js';

const arg = (k: string, d: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1] : d;
};
const DIR = '/usr/share/datasets/fashion-mnist';
const train = loadIdxImages(arg('train', `${DIR}/train-images-idx3-ubyte.gz`));
const test = loadIdxImages(arg('test', `${DIR}/t10k-images-idx3-ubyte.gz`));

/** counts[left · 256 + pixel] over every pixel of the images. */
const counts = new Float64Array(256 * 256);
const visit = (images: typeof train, f: (left: number, v: number) => void) => {
  for (const im of images) {
    for (let y = 0; y < im.height; y++) for (let x = 0; x < im.width; x++) f(x ? im.samples[y * im.width + x - 1] : 0, im.samples[y * im.width + x]);
  }
};
visit(train, (l, v) => counts[l * 256 + v]++);
const rowTotal = new Float64Array(256);
for (let l = 0; l < 256; l++) for (let v = 0; v < 256; v++) rowTotal[l] += counts[l * 256 + v];
let bits = 0,
  n = 0;
visit(test, (l, v) => {
  bits -= Math.log2((counts[l * 256 + v] + 0.5) / (rowTotal[l] + 128));
  n++;
});
console.log(`p(pixel | left neighbour) counts from ${train.length} train images: ${(bits / n).toFixed(4)} bits per pixel on ${test.length} test images`);
