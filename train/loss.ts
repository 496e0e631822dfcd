/**
 * Discretised logistic mixture code length in bits — the float training loss
 * that the integer coder's leaky CDF realises (up to quantisation).
 */
import * as tf from '@tensorflow/tfjs-core';
import { LOG2_SCALE_MAX, LOG2_SCALE_MIN } from '../src/flows/arch.js';

/** Probability floor: the leaky CDF never gives less than ~2^-16 inside its window. */
const P_FLOOR = 2 ** -16;

/**
 * Sum of bits over masked positions. params [B,h,w,(2|3)·K·C] laid out
 * (kind, component, channel) with kinds mean, log2-scale, logit;
 * z [B,h,w,C] integer targets (as float); mask [B,h,w,1] (or [1,h,w,1]) of 0/1.
 * Branch-free (no tf.where on a comparison, which breaks gradients).
 */
export function mixtureBits(params: tf.Tensor4D, z: tf.Tensor4D, mask: tf.Tensor4D, K: number, C: number): tf.Scalar {
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
    if (K > 1) {
      const logits = tf.reshape(tf.slice(params, [0, 0, 0, 2 * kc], [B, h, w, kc]), [B, h, w, K, C]);
      const logPi = tf.sub(logits, tf.logSumExp(logits, 3, true));
      p = tf.sum(tf.mul(tf.exp(logPi), p), 3);
    } else {
      p = tf.reshape(p, [B, h, w, C]);
    }
    const bits = tf.mul(tf.log(tf.add(p, P_FLOOR)), -1 / Math.LN2);
    return tf.sum(tf.mul(bits, mask)) as tf.Scalar;
  });
}
