/**
 * The float (training) prior nets of a learned architecture, built from the
 * same description (src/flows/arch.ts) as the integer nets: same slots, same
 * layer shapes, same clamps — input clipped to ±IN_CLAMP/IN_SCALE, hidden
 * layers ReLU-clipped to [0, HID_MAX/HID_SCALE] — so export only rounds.
 */
import * as tf from '@tensorflow/tfjs-core';
// The tfjs-core node bundle registers no gradients; the union package does (training only).
import '@tensorflow/tfjs';
import { HID_MAX, HID_SCALE, IN_CLAMP, IN_SCALE, priorSlots, slotLayers, type LearnedArch, type PriorSlot } from '../src/flows/arch.js';
import { paramsPerChannel } from '../src/flows/spec.js';
import { conv2dSame } from './conv.js';
import { Mulberry32 } from '../src/quant/prng.js';

/** Seeded PRNG (src/quant/prng.ts mulberry32) with a state that checkpoints can save, and normal deviates. */
export class Rng extends Mulberry32 {
  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12),
      v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** One layer's float variables. */
export interface FloatLayer {
  w: tf.Variable<tf.Rank.R4>;
  b: tf.Variable<tf.Rank.R1>;
}

let instances = 0;

/** Float prior nets, one per slot. Variables are named `<instance>/<slot>/w<layer>`; checkpoints use `canonicalName`. */
export class FloatPriors {
  readonly slots: PriorSlot[];
  readonly layers = new Map<string, FloatLayer[]>();
  private readonly prefix = `fp${instances++}/`;

  constructor(
    readonly arch: LearnedArch,
    seed: number,
  ) {
    const rng = new Rng(seed);
    this.slots = priorSlots(arch);
    for (const s of this.slots) {
      const shapes = slotLayers(arch, s);
      this.layers.set(
        s.key,
        shapes.map(([kh, kw, ci, co], li) => {
          const last = li === shapes.length - 1;
          const std = last ? 0.01 : Math.sqrt(2 / (kh * kw * ci));
          const w = Float32Array.from({ length: kh * kw * ci * co }, () => rng.normal() * std);
          const b = new Float32Array(co);
          if (last) {
            // Start every component at mean 0 (spread a little between components), equal weights,
            // and s = 2 — or, for residual architectures, exactly at model zero's prior.
            const K = arch.mixture,
              C = co / paramsPerChannel(K); // planes this slot predicts
            if (!arch.residual) for (let c = 0; c < K * C; c++) b[K * C + c] = 1;
            for (let c = 0; c < K * C; c++) b[c] = (Math.floor(c / C) - (K - 1) / 2) * 0.5;
          }
          return { w: tf.variable(tf.tensor4d(w, [kh, kw, ci, co]), true, `${this.prefix}${s.key}/w${li}`), b: tf.variable(tf.tensor1d(b), true, `${this.prefix}${s.key}/b${li}`) };
        }),
      );
    }
  }

  /** Prior parameters [B,h,w,cout] of slot `key` for integer context planes given as float [B,h,w,cin]. */
  apply(key: string, ctxInt: tf.Tensor4D): tf.Tensor4D {
    const layers = this.layers.get(key)!;
    let x = tf.div(tf.clipByValue(ctxInt, -IN_CLAMP, IN_CLAMP), IN_SCALE) as tf.Tensor4D;
    layers.forEach((l, i) => {
      const y = tf.add(conv2dSame(x, l.w), l.b) as tf.Tensor4D;
      x = i === layers.length - 1 ? y : (tf.clipByValue(y, 0, HID_MAX / HID_SCALE) as tf.Tensor4D);
    });
    return x;
  }

  /** Every variable, in a fixed order (checkpoints, optimizer). */
  variables(): tf.Variable[] {
    return this.slots.flatMap((s) => this.layers.get(s.key)!.flatMap((l) => [l.w, l.b]));
  }

  /** A variable's name without this instance's prefix (stable across processes). */
  canonicalName(v: tf.Variable): string {
    return v.name.startsWith(this.prefix) ? v.name.slice(this.prefix.length) : v.name;
  }

  /** Number of float parameters. */
  paramCount(): number {
    return this.variables().reduce((n, v) => n + v.size, 0);
  }
}
