/**
 * Trains the prior nets of a learned flow (src/flows/arch.ts) on real images.
 * Resumable: every few minutes (and at the end) the run folder gets
 * ckpt.json (weights, Adam state, step, sampler state), log.jsonl, curve.svg,
 * and model.json — the exported INTEGER model of the best validation step,
 * whose bpsp is the integer model's exact coded size on held-out images.
 *
 * Command line: train/main.ts.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { archMacsPerPixel, buildLearnedFlow, zeroNets, type LearnedArch } from '../src/flows/arch.js';
import { codingSupport } from '../src/codec/tile-coder.js';
import { WRITTEN_FEATURES } from '../src/codec/stream-features.js';
import { tilePadding } from '../src/codec/image-codec.js';
import { modelToJson } from '../src/flows/model.js';
import { flowNets } from '../src/flows/spec.js';
import { computeCanary } from '../src/quant/canary.js';
import { createRunner } from '../src/quant/runner.js';
import { readCheckpoint, restoreCheckpoint, saveCheckpoint, type TrainConfig } from './checkpoint.js';
import { holdOut, loadIdxImages, loadPngDir, PatchSampler, type Img } from './data.js';
import { codedBpsp } from './evaluate.js';
import { exportNets } from './export.js';
import { FloatPriors } from './float-prior.js';
import { latentBatch } from './latents.js';
import { mixtureBits } from './loss.js';
import { writeCurve } from './plot.js';

/** Options of one training session (a run may span many). */
export interface TrainSession {
  run: string;
  /** New runs only: */
  config?: TrainConfig;
  /** Changes to a resumed run from then on: its schedule (e.g. a shorter lrHalfLife when the budget is short), or its patch size and batch (e.g. larger patches, so that the deepest levels see more context). */
  overrides?: Partial<Pick<TrainConfig, 'lr' | 'lrHalfLife' | 'lrFloor' | 'valEvery' | 'patch' | 'batch'>>;
  minutes: number;
  maxSteps?: number;
  /** Checkpoint every this many minutes. */
  ckptMinutes?: number;
  quiet?: boolean;
  backend?: string;
}

/** Training images and the validation set (held-out images, centre-cropped) of a run's data. */
export function loadImages(cfg: TrainConfig): { train: Img[]; val: Img[] } {
  if (cfg.data.kind === 'idx') {
    const all = loadIdxImages(cfg.data.path);
    return { train: all.slice(0, all.length - 500), val: all.slice(all.length - 500) };
  }
  const train: Img[] = [],
    val: Img[] = [];
  for (const dir of [cfg.data.dir, ...(cfg.data.more ?? [])]) {
    const split = holdOut(loadPngDir(dir, cfg.arch.channels), 10);
    if (split.train.length === 0) throw new Error(`no ${cfg.arch.channels === 3 ? 'RGB' : 'gray'} 8-bit PNGs in ${dir}`);
    train.push(...split.train);
    // Validation: centre crops of the held-out images (or of the first training images when none are held out).
    val.push(...valCrops(split.val.length ? split.val : split.train.slice(0, 2), cfg));
  }
  return { train, val };
}

/** Centre crops (≤ valCrop², default 256²) of the first valImages (default 6) of `images`. */
function valCrops(images: Img[], cfg: TrainConfig): Img[] {
  const crop = cfg.valCrop ?? 256;
  return images.slice(0, cfg.valImages ?? 6).map((im) => {
    const w = Math.min(crop, im.width),
      h = Math.min(crop, im.height);
    const x0 = (im.width - w) >> 1,
      y0 = (im.height - h) >> 1,
      C = im.channels;
    const s = new Uint8Array(w * h * C);
    for (let y = 0; y < h; y++) s.set(im.samples.subarray(((y0 + y) * im.width + x0) * C, ((y0 + y) * im.width + x0 + w) * C), y * w * C);
    return { ...im, width: w, height: h, samples: s };
  });
}

/** The data of `--data A[,B…]`: folder A, then the further folders B… (each held out and validated on its own). */
export function dirData(list: string): TrainConfig['data'] {
  const [dir, ...more] = list.split(',');
  return more.length ? { kind: 'dir', dir, more } : { kind: 'dir', dir };
}

/** Learning rate at a step: exponential decay with half-life, floored. */
export function learningRate(cfg: TrainConfig, step: number): number {
  return cfg.lr * Math.max(cfg.lrFloor, 0.5 ** (step / cfg.lrHalfLife));
}

/** Runs (or resumes) training; returns the final step and best validation bpsp. */
export async function train(s: TrainSession): Promise<{ step: number; best: number | null }> {
  mkdirSync(s.run, { recursive: true });
  const ckptPath = join(s.run, 'ckpt.json');
  const prev = readCheckpoint(ckptPath);
  const base = prev?.config ?? s.config;
  if (!base) throw new Error(`no checkpoint in ${s.run}: give an architecture and data to start a run`);
  const cfg: TrainConfig = { ...base, ...s.overrides };
  const backend = s.backend ?? 'wasm';
  if (!(await createRunner(backend as 'wasm'))) throw new Error(`backend ${backend} unavailable`);
  await tf.setBackend(backend);
  const reference = (await createRunner('reference'))!;
  // Validation codes with the fast backend: exact-integer nets give identical results on every backend.
  const valRunner = (await createRunner(backend as 'wasm')) ?? reference;
  const { train: trainImgs, val } = loadImages(cfg);
  const priors = new FloatPriors(cfg.arch, cfg.seed);
  const optimizer = tf.train.adam(cfg.lr);
  let step = 0,
    seconds = 0;
  let best = prev?.best ?? null;
  const skeleton = buildLearnedFlow(cfg.arch, zeroNets(cfg.arch));
  // The coder's CDF window (format v4): a flow whose latents are its samples is trained on the truncated mixture it codes with.
  const support = codingSupport(skeleton);
  const sampler = new PatchSampler(trainImgs, cfg.patch, cfg.seed + 1, tilePadding(skeleton, WRITTEN_FEATURES));
  if (prev) {
    await restoreCheckpoint(prev, priors.variables(), optimizer, (v) => priors.canonicalName(v));
    step = prev.step;
    seconds = prev.seconds;
    sampler.rng.state = prev.samplerState;
  }
  const K = cfg.arch.mixture,
    C = cfg.arch.channels,
    B = cfg.batch,
    P = cfg.patch;
  const logPath = join(s.run, 'log.jsonl');
  const say = (line: string) => {
    if (!s.quiet) process.stderr.write(line);
  };
  say(`run ${cfg.name}: ${priors.paramCount()} params, ${archMacsPerPixel(cfg.arch).toFixed(0)} MACs/pixel, ${trainImgs.length} train / ${val.length} val images, from step ${step}\n`);

  const validate = async () => {
    const nets = await exportNets(cfg.arch, priors);
    const flow = buildLearnedFlow(cfg.arch, nets);
    const valBpsp = codedBpsp(flow, valRunner, val);
    if (!best || valBpsp < best.valBpsp) {
      best = { step, valBpsp };
      const manifest = {
        description: `Learned prior nets on ${cfg.arch.transform === 'pixels' ? 'a pixel-domain transform' : "model zero's transform"} (${C === 3 ? 'YCoCg-R, ' : ''}${cfg.arch.levels} levels of ${cfg.arch.transform === 'pixels' ? 'squeezes without lifting' : '5/3 lifting'}, checkerboard groups).`,
        arch: cfg.arch,
        macsPerPixel: Math.round(archMacsPerPixel(cfg.arch)),
        training: { data: cfg.data, steps: step, seconds: Math.round(seconds), batch: B, patch: P, lr: cfg.lr },
        measured: { valBpsp, valImages: val.length, note: 'exact coded size of the integer model on held-out training-pool images (not eval sets)' },
      };
      writeFileSync(join(s.run, 'model.json'), modelToJson(cfg.name, flow, computeCanary(flowNets(flow), reference), manifest) + '\n');
    }
    return valBpsp;
  };

  const save = async () => {
    await saveCheckpoint(ckptPath, { config: cfg, step, samplerState: sampler.rng.state, seconds, best }, priors.variables(), optimizer, (v) => priors.canonicalName(v));
    writeCurve(logPath, join(s.run, 'curve.svg'));
  };

  // SIGINT/SIGTERM end the session cleanly: the loop stops, validates and checkpoints.
  let stop = false;
  const onSignal = () => {
    stop = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const start = Date.now();
  const budget = s.minutes * 60_000;
  const ckptEvery = (s.ckptMinutes ?? 5) * 60_000;
  let lastCkpt = Date.now(),
    ema: number | null = null,
    stepsThisSession = 0;
  while (!stop && Date.now() - start < budget && (s.maxSteps === undefined || stepsThisSession < s.maxSteps)) {
    const t0 = Date.now();
    (optimizer as unknown as { learningRate: number }).learningRate = learningRate(cfg, step);
    const tiles = Array.from({ length: B }, () => sampler.next());
    const batches = latentBatch(cfg.arch, skeleton, reference, tiles, P);
    // Subpixels the codec codes: a pixel-exact flow skips the zero padding, others code the whole tile.
    const coded = tiles.reduce((n, t) => n + (sampler.pad === 'zero' ? t.h * t.w : P * P) * C, 0);
    const loss = optimizer.minimize(
      () => {
        let total = tf.scalar(0);
        for (const g of batches) {
          const net = priors.apply(g.key, tf.tensor4d(g.ctx, [B, g.h, g.w, g.cin]));
          const params = g.base ? (tf.add(net, tf.tensor4d(g.base, net.shape)) as tf.Tensor4D) : net;
          total = tf.add(total, mixtureBits(params, tf.tensor4d(g.z, [B, g.h, g.w, g.planes]), tf.tensor4d(g.mask, [B, g.h, g.w, 1]), K, g.planes, support));
        }
        return tf.div(total, coded) as tf.Scalar;
      },
      true,
      priors.variables(),
    )!;
    const bpsp = (await loss.data())[0];
    await new Promise((r) => setImmediate(r)); // let signal handlers run (tfjs promises resolve as microtasks only)
    loss.dispose();
    if (!Number.isFinite(bpsp)) throw new Error(`loss became ${bpsp} at step ${step}`);
    step++;
    stepsThisSession++;
    seconds += (Date.now() - t0) / 1000;
    ema = ema === null ? bpsp : 0.98 * ema + 0.02 * bpsp;
    const entry: Record<string, number> = { step, bpsp, ema, lr: learningRate(cfg, step), seconds: Math.round(seconds) };
    if (step % cfg.valEvery === 0) entry.valBpsp = await validate();
    appendFileSync(logPath, JSON.stringify(entry) + '\n');
    const elapsed = Date.now() - start,
      rate = stepsThisSession / (elapsed / 1000);
    const eta = Math.max(0, (budget - elapsed) / 1000);
    if (step % 10 === 0 || entry.valBpsp !== undefined) {
      const bar = '#'.repeat(Math.round((20 * elapsed) / budget)).padEnd(20, '.');
      say(
        `${process.stderr.isTTY ? '\r' : ''}[${bar}] step ${step} train ${ema.toFixed(4)} bpsp${entry.valBpsp !== undefined ? ` val ${entry.valBpsp.toFixed(4)}` : ''} ${rate.toFixed(2)} steps/s ETA ${Math.round(eta / 60)} min${process.stderr.isTTY ? '' : '\n'}`,
      );
    }
    if (Date.now() - lastCkpt > ckptEvery) {
      await save();
      lastCkpt = Date.now();
    }
  }
  if (stepsThisSession > 0 && (!best || best.step !== step)) await validate();
  await save();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  say(`\nstopped at step ${step}; best val ${best ? (best as { valBpsp: number }).valBpsp.toFixed(4) : '-'} bpsp (model.json in ${s.run})\n`);
  return { step, best: best ? (best as { valBpsp: number }).valBpsp : null };
}

/** Default config for a preset and data. */
export function defaultConfig(name: string, arch: LearnedArch, data: TrainConfig['data']): TrainConfig {
  const small = data.kind === 'idx';
  return { name, arch, data, patch: small ? 32 : 64, batch: small ? 32 : 12, lr: 2e-3, lrHalfLife: small ? 4000 : 3000, lrFloor: 0.05, seed: 1, valEvery: small ? 500 : 250 };
}
