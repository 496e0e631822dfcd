/**
 * Writes golden streams: corpus/golden/<name>.fz for a fixed list of corpus
 * files, coded with model zero, plus manifest.json with SHA-256 of each source,
 * stream and decoded output; from format 4 also streams of a pixel-domain
 * model kept in corpus/golden/models/ (the shipped `fmnist` of 2026-11-29),
 * which take format 4's sample-range CDFs. Golden streams are never
 * regenerated for an existing format version: add new ones under a new name instead.
 * Run: npm run build && node dist/scripts/make-golden.js
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { modelsDir, shippedModels } from '../src/codec/models.js';
import { compress, decompress } from '../src/codec/index.js';
import { FORMAT_VERSION } from '../src/codec/container.js';
import { goldenCompressOptions, goldenDecompressOptions, type Golden } from './golden-manifest.js';

/** Source files and the method forced for them ('auto' lets the codec pick; 'flow' pins the image path). */
const SOURCES: Array<[string, 'auto' | 'flow']> = [
  ['photos/rgb-pixel2xl-64x64.png', 'flow'],
  ['photos/gray-camera-160x120.png', 'flow'],
  ['photos/rgb-ladybird-256x192.ppm', 'auto'],
  ['photos/gray-apriltag-256x192.pgm', 'flow'],
  ['edge/rgba-ladybird-96x64.png', 'flow'],
  ['edge/graya-gravel-64x64.png', 'flow'],
  ['edge/rgb-text-chunks-64x64.png', 'flow'],
  ['edge/rgb-13x7.png', 'flow'],
  ['edge/gray-1x37.png', 'flow'],
  ['edge/rgb-comment-24x16.ppm', 'flow'],
  ['edge/gray-hgrad-256x16.png', 'auto'],
  ['edge/pal8-dandelion-96x80.png', 'auto'],
  ['edge/text-gpl3-head.txt', 'auto'],
  ['edge/random-4096.bin', 'auto'],
  ['edge/empty.bin', 'auto'],
];
/** Sources coded with a kept pixel-domain model (format ≥ 4): [source, model file relative to corpus/]. */
const PIXEL_MODEL = 'golden/models/fmnist-29186824.json';
const PIXEL_SOURCES: string[] = ['photos/gray-fmnist0-28x28.pgm', 'edge/gray-hgrad-256x16.png', 'edge/gray-1x37.png'];

/** Sources coded with the causal models (format ≥ 5): [source, colour model, gray model]. */
const CAUSAL_SOURCES: Array<[string, string, string]> = [
  ['photos/rgb-pixel2xl-64x64.png', 'causal-rgb', 'causal-gray'],
  ['photos/gray-camera-160x120.png', 'causal-rgb', 'causal-gray'],
  ['photos/rgb-ladybird-256x192.ppm', 'causal-rgb', 'causal-gray'],
  ['photos/rgb-dandelion-208x160.png', 'causal-rgb-strong', 'causal-gray-strong'],
  ['photos/gray-gravel-128x128.png', 'causal-rgb-fast', 'causal-gray-fast'],
  ['edge/rgba-ladybird-96x64.png', 'causal-rgb', 'causal-gray'],
  ['edge/graya-gravel-64x64.png', 'causal-rgb', 'causal-gray'],
  ['edge/rgb-13x7.png', 'causal-rgb', 'causal-gray'],
  ['edge/gray-1x37.png', 'causal-rgb', 'causal-gray'],
  ['edge/rgb-1x1.png', 'causal-rgb', 'causal-gray'],
  ['edge/gray-hgrad-256x16.png', 'causal-rgb-strong', 'causal-gray-strong'],
];

/** Sources coded with each shipped count-context model (format ≥ 5): a 28×28 Fashion-MNIST image and two other shapes. */
const COUNT_SOURCES: string[] = ['photos/gray-fmnist0-28x28.pgm', 'edge/gray-1x37.png', 'edge/gray-hgrad-256x16.png'];
/** Non-photographic sources whose causal streams hold copy tiles, a palette PNG and a 16-bit PNG (format ≥ 6): [source, colour model, gray model]. */
const COPY_SOURCES: Array<[string, string, string]> = [
  ['edge/rgba-ui-120x90.png', 'causal-rgb', 'causal-gray'],
  ['edge/gray-hgrad-256x16.png', 'causal-rgb', 'causal-gray'],
  ['edge/gray-const0-64x64.png', 'causal-rgb', 'causal-gray'],
  ['edge/pal4-brushes-64x64.png', 'causal-rgb', 'causal-gray'],
  ['edge/rgb16-ladybird-128x96.png', 'causal-rgb', 'causal-gray'],
];

/** 16-bit sources whose residual sections are context-coded (format ≥ 7): [source, colour model, gray model]. */
const DEEP_SOURCES: Array<[string, string, string]> = [
  ['edge/rgba16-chart-96x64.png', 'causal-rgb', 'causal-gray'],
  ['edge/rgba16-chart-96x64.png', 'causal-rgb-strong', 'causal-gray-strong'],
];

const root = new URL('../../corpus/', import.meta.url).pathname;
const out = `${root}golden/`;
mkdirSync(out, { recursive: true });
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const manifestPath = `${out}manifest.json`;
const manifest: Array<Record<string, unknown>> = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : [];
const jobs: Array<{ name: string; src: string; entry: Pick<Golden, 'options' | 'modelFile'> }> = SOURCES.map(([src, method]) => ({
  name: `v${FORMAT_VERSION}-${basename(src)}.fz`,
  src,
  entry: { options: { model: 'zero-rgb', grayModel: 'zero-gray', method } },
}));
if (FORMAT_VERSION >= 4) {
  for (const src of PIXEL_SOURCES)
    jobs.push({ name: `v${FORMAT_VERSION}-fmnist-29186824-${basename(src)}.fz`, src, entry: { options: { model: 'fmnist', grayModel: 'fmnist', method: 'flow' }, modelFile: PIXEL_MODEL } });
}
if (FORMAT_VERSION >= 5) {
  for (const [src, model, grayModel] of CAUSAL_SOURCES) {
    const tag = model === 'causal-rgb' ? 'causal' : model.replace('-rgb', '');
    jobs.push({ name: `v${FORMAT_VERSION}-${tag}-${basename(src)}.fz`, src, entry: { options: { model, grayModel, method: 'flow' } } });
  }
  if (FORMAT_VERSION >= 6) {
    for (const [src, model, grayModel] of COPY_SOURCES) jobs.push({ name: `v${FORMAT_VERSION}-copy-${basename(src)}.fz`, src, entry: { options: { model, grayModel, method: 'flow' } } });
  }
  if (FORMAT_VERSION >= 7) {
    // Context-coded 16-bit residuals (layout 2) and two-rate copy bits, with the default and the strong models (repetitive images get the strong ones by default).
    for (const [src, model, grayModel] of DEEP_SOURCES) {
      const tag = model === 'causal-rgb' ? 'deepctx' : `deepctx-${model.replace('causal-rgb-', '')}`;
      jobs.push({ name: `v${FORMAT_VERSION}-${tag}-${basename(src)}.fz`, src, entry: { options: { model, grayModel, method: 'flow' } } });
    }
  }
  // Keep the causal and count-context models beside the streams, so that they decode after the shipped ones are replaced.
  mkdirSync(`${out}models`, { recursive: true });
  for (const m of shippedModels().filter((x) => x.counts)) {
    const file = `golden/models/${m.name}-${m.id.slice(0, 8)}.json`;
    for (const src of COUNT_SOURCES)
      jobs.push({ name: `v${FORMAT_VERSION}-${m.name}-${m.id.slice(0, 8)}-${basename(src)}.fz`, src, entry: { options: { model: m.name, grayModel: m.name, method: 'flow' }, modelFile: file } });
  }
  for (const m of shippedModels().filter((x) => x.causal || x.counts)) {
    const kept = `${out}models/${m.name}-${m.id.slice(0, 8)}.json`;
    if (!existsSync(kept)) writeFileSync(kept, readFileSync(join(modelsDir(), `${m.name}.json`)));
  }
}
for (const { name, src, entry } of jobs) {
  if (manifest.some((m) => m.stream === name)) continue; // never rewrite an existing golden
  const input = readFileSync(root + src);
  const z = await compress(input, { ...goldenCompressOptions(entry as Golden), backend: 'reference' });
  const decoded = await decompress(z, goldenDecompressOptions(entry as Golden));
  writeFileSync(out + name, z);
  manifest.push({ stream: name, source: src, formatVersion: FORMAT_VERSION, ...entry, sourceSha256: sha(input), streamSha256: sha(z), decodedSha256: sha(decoded) });
  console.log(`${name}: ${input.length} → ${z.length} bytes`);
}
writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
