/**
 * Ships a training run's best integer model as a named model in models/:
 * copies run/model.json under the shipped name (the id covers the flow only,
 * so renaming never changes it) and records the run in the manifest.
 *   node dist/train/ship.js --run train/runs/photo-mix --name photo
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelsDir } from '../src/codec/models.js';
import { modelToJson, parseModel } from '../src/flows/model.js';

const arg = (k: string) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : undefined; };
const run = arg('run'), name = arg('name');
if (!run || !name || !/^[a-z][a-z0-9-]*$/.test(name)) throw new Error('usage: ship.js --run DIR --name NAME (lower-case letters, digits, -)');
const model = parseModel(readFileSync(join(run, 'model.json'), 'utf8'));
const manifest = { ...model.manifest, run: run.replace(/\/+$/, ''), trainedAs: model.name };
const out = join(modelsDir(), `${name}.json`);
writeFileSync(out, modelToJson(name, model.flow, model.canary, manifest) + '\n');
const size = statSync(out).size;
if (size > 4 * 2 ** 20) throw new Error(`${out} is ${size} bytes, over the 4 MiB limit for shipped models`);
console.log(`${out}: ${name} (id ${model.id.slice(0, 8)}, ${(size / 1024).toFixed(0)} KiB) from ${run}`);
