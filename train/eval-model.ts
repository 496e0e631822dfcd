/**
 * Exact coded bpsp of a model (shipped name or .json file) on the validation
 * set a training run uses — to compare any model with the runs' "val" figures.
 *   node dist/train/eval-model.js --model zero-rgb --data /tmp/flowzip-train/photo
 *   node dist/train/eval-model.js --model fmnist --fmnist /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
 */
import { resolveModel } from '../src/codec/models.js';
import { createRunner } from '../src/quant/runner.js';
import { codedBpsp } from './evaluate.js';
import { PRESETS } from './presets.js';
import { defaultConfig, loadImages } from './train.js';

const arg = (k: string) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : undefined; };
const model = resolveModel(arg('model') ?? 'zero-rgb');
const fm = arg('fmnist');
const cfg = defaultConfig('eval', model.flow.channels === 3 ? PRESETS.photo : PRESETS.gray, fm ? { kind: 'idx', path: fm } : { kind: 'dir', dir: arg('data') ?? '/tmp/flowzip-train/photo' });
const { val } = loadImages(cfg);
const runner = (await createRunner('wasm')) ?? (await createRunner('reference'))!;
console.log(`${model.name} (${model.id.slice(0, 8)}): ${codedBpsp(model.flow, runner, val).toFixed(4)} bpsp on ${val.length} validation images`);
