/**
 * Training checkpoints: config, step, RNG state, float weights and Adam state
 * in one JSON file, written atomically (temp + rename) so an interrupted run
 * never leaves a broken checkpoint. Resuming restores all of it exactly.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { LearnedArch } from '../src/flows/arch.js';

/** What a run is: fixed at its start, stored in every checkpoint. */
export interface TrainConfig {
  name: string;
  arch: LearnedArch;
  /** Training images: a folder of PNGs (and `more` folders, each held out and validated the same way), or an IDX file. */
  data: { kind: 'dir'; dir: string; more?: string[] } | { kind: 'idx'; path: string };
  patch: number;
  batch: number;
  lr: number;
  /** Steps over which the learning rate halves. */
  lrHalfLife: number;
  /** Floor of the learning-rate decay, as a fraction of lr. */
  lrFloor: number;
  seed: number;
  /** Validate (integer export + exact coded bpsp) every this many steps. */
  valEvery: number;
  /** Validation: at most this many held-out images, centre crops of at most valCrop² (defaults 6, 256). */
  valImages?: number;
  valCrop?: number;
}

export interface Checkpoint {
  config: TrainConfig;
  step: number;
  samplerState: number;
  /** Seconds of training so far (all runs together). */
  seconds: number;
  best: { step: number; valBpsp: number } | null;
  weights: Record<string, string>;
  optimizer: Array<{ name: string; shape: number[]; data: string }>;
}

const f32ToB64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const b64ToF32 = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/** Serialises variables and optimizer state. */
export async function saveCheckpoint(path: string, meta: Omit<Checkpoint, 'weights' | 'optimizer'>, vars: tf.Variable[], opt: tf.Optimizer, nameOf: (v: tf.Variable) => string): Promise<void> {
  const weights: Record<string, string> = {};
  for (const v of vars) weights[nameOf(v)] = f32ToB64((await v.data()) as Float32Array);
  const optimizer = [];
  for (const w of await opt.getWeights()) optimizer.push({ name: w.name, shape: w.tensor.shape, data: f32ToB64((await w.tensor.data()) as Float32Array) });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ ...meta, weights, optimizer }));
  renameSync(tmp, path);
}

/** Reads a checkpoint, or null if there is none. */
export function readCheckpoint(path: string): Checkpoint | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Checkpoint) : null;
}

/** Restores variables and optimizer state from a checkpoint (the optimizer's slots follow the variables' order). */
export async function restoreCheckpoint(ck: Checkpoint, vars: tf.Variable[], opt: tf.Optimizer, nameOf: (v: tf.Variable) => string): Promise<void> {
  for (const v of vars) {
    const s = ck.weights[nameOf(v)];
    if (!s) throw new Error(`checkpoint lacks ${nameOf(v)}`);
    v.assign(tf.tensor(b64ToF32(s), v.shape));
  }
  await opt.setWeights(ck.optimizer.map((w) => ({ name: w.name, tensor: tf.tensor(b64ToF32(w.data), w.shape) })));
}
