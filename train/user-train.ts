/**
 * `flowzip train DIR --out MODEL`: fits a learned model on a user's own
 * images with the same pipeline as the shipped models, fits its top prior
 * (train/top-prior.ts) as shipping does, then writes the integer model file. The run folder (checkpoints, log, curve) lets a later
 * call resume where this one stopped.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { modelToJson, parseModel } from '../src/flows/model.js';
import { wasmOrReference } from '../src/quant/runner.js';
import { readCheckpoint } from './checkpoint.js';
import { loadPngDir } from './data.js';
import { PRESETS } from '../src/flows/presets.js';
import type { TrainRequest, TrainResult } from '../src/codec/trainer.js';
import { fitTopPrior, measuredAfterFit } from './top-prior.js';
import { defaultConfig, loadImages, train } from './train.js';

/** Options of {@link trainOnFolder}: the CLI's request (src/codec/trainer.ts). */
export type UserTrainOptions = TrainRequest;

/** Trains (or resumes), writes the best integer model to `out`, returns its validation bpsp. */
export async function trainOnFolder(o: UserTrainOptions): Promise<TrainResult> {
  const run = o.run ?? `${o.out}.run`;
  let config;
  if (!existsSync(`${run}/ckpt.json`)) {
    const count = (imgs: ReturnType<typeof loadPngDir>) => imgs.reduce((n, im) => n + im.width * im.height, 0);
    const rgb = count(loadPngDir(o.dir, 3)),
      gray = count(loadPngDir(o.dir, 1));
    if (rgb + gray === 0) throw new Error(`no 8-bit gray or RGB PNG images in ${o.dir}`);
    const archName = o.arch ?? (rgb >= gray ? 'photo' : 'gray');
    const arch = PRESETS[archName];
    if (!arch) throw new Error(`unknown architecture ${archName} (${Object.keys(PRESETS).join(', ')})`);
    config = defaultConfig(basename(o.out).replace(/\.(json|model)$/, ''), arch, { kind: 'dir', dir: o.dir });
    if (o.batch) config.batch = o.batch;
    if (o.patch) config.patch = o.patch;
    config.valImages = 2;
    config.valCrop = 128;
  }
  const res = await train({ run, config, minutes: o.minutes ?? 30, maxSteps: o.steps, quiet: o.quiet });
  const model = parseModel(readFileSync(`${run}/model.json`, 'utf8'));
  const { train: images, val } = loadImages(readCheckpoint(`${run}/ckpt.json`)!.config);
  const fit = fitTopPrior(model.flow, await wasmOrReference(), images, val);
  const measured = measuredAfterFit(model.manifest.measured as object, fit);
  writeFileSync(o.out, modelToJson(model.name, fit.flow, model.canary, { ...model.manifest, measured }) + '\n');
  return { steps: res.step, valBpsp: measured.valBpsp as number, run };
}
