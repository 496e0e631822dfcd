/**
 * Ships a training run's best integer model as a named model in models/:
 * fits its constant top prior to the run's training images (train/top-prior.ts;
 * kept only if the run's validation images then code smaller), writes it under
 * the shipped name (the id covers the flow only, so renaming never changes it)
 * and records the run, and the validation bpsp of exactly what is shipped, in
 * the manifest.
 *   node dist/train/ship.js --run train/runs/photo-mix --name photo
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelsDir } from '../src/codec/models.js';
import { modelToJson, parseModel } from '../src/flows/model.js';
import { wasmOrReference } from '../src/quant/runner.js';
import { readCheckpoint } from './checkpoint.js';
import { fitTopPrior, measuredAfterFit } from './top-prior.js';
import { loadImages } from './train.js';

const arg = (k: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const run = arg('run'),
  name = arg('name');
if (!run || !name || !/^[a-z][a-z0-9-]*$/.test(name)) throw new Error('usage: ship.js --run DIR --name NAME (lower-case letters, digits, -)');
const model = parseModel(readFileSync(join(run, 'model.json'), 'utf8'));
const ck = readCheckpoint(join(run, 'ckpt.json'));
if (!ck) throw new Error(`${run} has no ckpt.json (its config names the training data)`);
const { train, val } = loadImages(ck.config);
const runner = await wasmOrReference();
const fit = fitTopPrior(model.flow, runner, train, val);
console.log(
  `top prior fitted on ${fit.images} training images: ${fit.bitsBefore.toFixed(1)} → ${fit.bitsAfter.toFixed(1)} bits per image; val ${fit.valBefore.toFixed(4)} → ${fit.valAfter.toFixed(4)} bpsp (${fit.kept ? 'kept' : 'not kept'})`,
);
const measured = { ...measuredAfterFit(model.manifest.measured as object, fit), valImages: val.length };
const manifest = { ...model.manifest, measured, run: run.replace(/\/+$/, ''), trainedAs: model.name };
const out = join(modelsDir(), `${name}.json`);
writeFileSync(out, modelToJson(name, fit.flow, model.canary, manifest) + '\n');
const size = statSync(out).size;
if (size > 4 * 2 ** 20) throw new Error(`${out} is ${size} bytes, over the 4 MiB limit for shipped models`);
console.log(`${out}: ${name} (id ${parseModel(readFileSync(out, 'utf8')).id.slice(0, 8)}, ${(size / 1024).toFixed(0)} KiB) from ${run}`);
