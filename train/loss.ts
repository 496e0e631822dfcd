/**
 * Discretised logistic mixture code length in bits — the float training loss
 * that the integer coder's leaky CDF realises (up to quantisation).
 */
import * as tf from '@tensorflow/tfjs-core';
import { LOG2_SCALE_MAX, LOG2_SCALE_MIN } from '../src/flows/arch.js';

/** Probability floor: the leaky CDF never gives less than ~2^-16 inside its window. */
const P_FLOOR = 2 ** -16;
/** Keeps the truncation's normaliser away from 0 (a mixture with all its mass outside the support). */
const INSIDE_FLOOR = 1e-6;

/**
 * Sum of bits over masked positions. params [B,h,w,(2|3)·K·C] laid out
 * (kind, component, channel) with kinds mean, log2-scale, logit;
 * z [B,h,w,C] integer targets (as float); mask [B,h,w,1] (or [1,h,w,1]) of 0/1.
 * With `support` [lo, hi] (the coder's CDF window of format v4, flows/support.ts)
 * the mixture is truncated to it: p(z) = Σ π_k ΔF_k(z) / Σ π_k (F_k(hi + ½) − F_k(lo − ½)),
 * as the integer CDF renormalises it.
 * Branch-free (no tf.where on a comparison, which breaks gradients).
 */
export function mixtureBits(params: tf.Tensor4D, z: tf.Tensor4D, mask: tf.Tensor4D, K: number, C: number, support: readonly [number, number] | null = null): tf.Scalar {
  return tf.tidy(() => {
    const [B, h, w] = params.shape;
    const kc = K * C;
    const mu = tf.reshape(tf.slice(params, [0, 0, 0, 0], [B, h, w, kc]), [B, h, w, K, C]);
    const ls = tf.clipByValue(tf.reshape(tf.slice(params, [0, 0, 0, kc], [B, h, w, kc]), [B, h, w, K, C]), LOG2_SCALE_MIN, LOG2_SCALE_MAX);
    const inv = tf.exp(tf.mul(ls, -Math.LN2));
    const zc = tf.reshape(z, [B, h, w, 1, C]);
    const centred = tf.sub(zc, mu);
    const up = tf.sigmoid(tf.mul(tf.add(centred, 0.5), inv));
    const lo = tf.sigmoid(tf.mul(tf.sub(centred, 0.5), inv));
    let p: tf.Tensor = tf.sub(up, lo);
    // Mass of each component inside the support (1 without one).
    let inside: tf.Tensor | null = null;
    if (support) {
      const top = tf.sigmoid(tf.mul(tf.sub(support[1] + 0.5, mu), inv));
      const bottom = tf.sigmoid(tf.mul(tf.sub(support[0] - 0.5, mu), inv));
      inside = tf.sub(top, bottom);
    }
    if (K > 1) {
      const logits = tf.reshape(tf.slice(params, [0, 0, 0, 2 * kc], [B, h, w, kc]), [B, h, w, K, C]);
      const pi = tf.exp(tf.sub(logits, tf.logSumExp(logits, 3, true)));
      p = tf.sum(tf.mul(pi, p), 3);
      if (inside) inside = tf.sum(tf.mul(pi, inside), 3);
    } else {
      p = tf.reshape(p, [B, h, w, C]);
      if (inside) inside = tf.reshape(inside, [B, h, w, C]);
    }
    if (inside) p = tf.div(p, tf.add(inside, INSIDE_FLOOR));
    const bits = tf.mul(tf.log(tf.add(p, P_FLOOR)), -1 / Math.LN2);
    return tf.sum(tf.mul(bits, mask)) as tf.Scalar;
  });
}
