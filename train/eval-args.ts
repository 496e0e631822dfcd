/**
 * The command line shared by the model-evaluation scripts (eval-model,
 * bits-by-group): `--model NAME|FILE` (default zero-rgb) and the data —
 * `--fmnist IDX.gz` or `--data DIR[,DIR…]` (default /tmp/flowzip-train/photo; each folder held out on its own) —
 * giving the model, the validation images a training run on that data uses,
 * and the fastest exact runner. `--idx-all IDX.gz [--count N]` takes every
 * image of an IDX file instead (the Fashion-MNIST test split: a reference
 * figure without headers, comparable with train/count-baseline; never trained on).
 */
import { resolveModel } from '../src/codec/models.js';
import type { Model } from '../src/flows/model.js';
import { wasmOrReference, type NetRunner } from '../src/quant/runner.js';
import { loadIdxImages, type Img } from './data.js';
import { PRESETS } from '../src/flows/presets.js';
import { defaultConfig, dirData, loadImages } from './train.js';

/** Parses argv as described above; loads the model and its validation set. */
export async function evalArgs(argv: string[]): Promise<{ model: Model; val: Img[]; runner: NetRunner }> {
  const arg = (k: string) => {
    const i = argv.indexOf(`--${k}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const model = resolveModel(arg('model') ?? 'zero-rgb');
  const runner = await wasmOrReference();
  const all = arg('idx-all');
  if (all) return { model, val: loadIdxImages(all, arg('count') ? Number(arg('count')) : Infinity), runner };
  const fm = arg('fmnist');
  const cfg = defaultConfig('eval', model.flow.channels === 3 ? PRESETS.photo : PRESETS.gray, fm ? { kind: 'idx', path: fm } : dirData(arg('data') ?? '/tmp/flowzip-train/photo'));
  return { model, val: loadImages(cfg).val, runner };
}
