/**
 * conv2d ('same' padding, stride 1, odd kernels) with an explicit gradient,
 * for tfjs backends that lack Conv2DBackpropFilter (wasm). Gradients:
 * - dx: conv2dTranspose of dy with the same filter (Conv2DBackpropInput);
 * - dW: a 'valid' convolution of the transposed, zero-padded input with the
 *   transposed dy — batch becomes channels and input channels become batch:
 *   dW[ky,kx,ci,co] = Σ_{n,y,x} xpad[n,y+ky,x+kx,ci] · dy[n,y,x,co].
 * Measured here 2.5–7× faster on wasm than im2col + matMul.
 */
import * as tf from '@tensorflow/tfjs-core';

/** conv2d(x [B,H,W,Ci], w [kh,kw,Ci,Co]) with 'same' zero padding; differentiable on every backend. */
export function conv2dSame(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  const f = tf.customGrad(((xi: tf.Tensor, wi: tf.Tensor, save: tf.GradSaveFunc) => {
    const x4 = xi as tf.Tensor4D,
      w4 = wi as tf.Tensor4D;
    save([x4, w4]);
    return {
      value: tf.conv2d(x4, w4, 1, 'same'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dy4 = dy as tf.Tensor4D;
        const [kh, kw] = ws.shape;
        const dx = tf.conv2dTranspose(dy4, ws, xs.shape, 1, 'same');
        const ph = (kh - 1) >> 1,
          pw = (kw - 1) >> 1;
        const xp =
          ph || pw
            ? tf.pad(xs, [
                [0, 0],
                [ph, ph],
                [pw, pw],
                [0, 0],
              ])
            : xs;
        // [B,Hp,Wp,Ci] → [Ci,Hp,Wp,B]; dy [B,H,W,Co] → [H,W,B,Co]; valid conv → [Ci,kh,kw,Co] → [kh,kw,Ci,Co]
        const dw = tf.transpose(tf.conv2d(tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D, tf.transpose(dy4, [1, 2, 0, 3]) as tf.Tensor4D, 1, 'valid'), [1, 2, 0, 3]);
        return [dx, dw];
      },
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- customGrad's typing does not take a three-argument function
  }) as any);
  return f(x, w) as tf.Tensor4D;
}
