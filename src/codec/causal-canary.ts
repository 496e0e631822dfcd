/**
 * The canary of a causal model: the SHA-256 of the tile stream that the
 * causal coder writes for a fixed synthetic image with fixed parameters.
 * Every quantity of the kernel (integer predictor, binary64 stack, integer
 * scales, CDF, rANS) shows in it, so an engine that computes anything
 * differently fails it and is not used (DESIGN.md invariant 1).
 */
import { createHash } from '../platform/hash.js';
import { featureCount } from '../flows/causal-context.js';
import { WEIGHT_FRAC, type CausalParams } from '../flows/causal-kernel.js';
import type { CausalSpec } from '../flows/causal-spec.js';
import { encodeCausalTile } from './causal-coder.js';

/** Edge of the canary image (pixels). */
export const CANARY_W = 40,
  CANARY_H = 36;
const W = CANARY_W,
  H = CANARY_H;

/** The canary image (CANARY_W × CANARY_H): smooth gradients, an edge and seeded noise (xorshift32), `count` channels interleaved. */
export function canaryImage(count: 1 | 3): Uint8Array {
  const out = new Uint8Array(W * H * count);
  let s = 0x9e3779b9 | 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < count; c++) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        const noise = ((s >>> 0) % 9) - 4;
        const v = (x > y ? 40 : 170) + 2 * x + y * (c + 1) + noise;
        out[(y * W + x) * count + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return out;
}

/**
 * Fixed parameters: two classes (threshold 12); class 0 predicts (W + N)/2,
 * class 1 (3W + 3N − 2NW)/4; every other feature (the outer neighbours, the
 * earlier planes, the constant) gets a small weight, so that every feature
 * the kernel gathers shows in the stream.
 */
function canaryParams(count: 1 | 3): CausalParams {
  const one = 1 << WEIGHT_FRAC;
  return {
    planes: Array.from({ length: count }, (_, c) => {
      const nf = featureCount(c);
      const weights = new Int32Array(2 * nf);
      for (let k = 0; k < 2; k++) for (let j = 4; j < nf; j++) weights[k * nf + j] = ((j % 3) - 1) * (one >> 6) + (j === nf - 1 ? one >> 4 : 0);
      weights[0] = one / 2;
      weights[1] = one / 2;
      weights[nf] = (3 * one) / 4;
      weights[nf + 1] = (3 * one) / 4;
      weights[nf + 2] = -one / 2;
      return { thresholds: Int32Array.of(12), weights };
    }),
  };
}

/** The canary hash of a causal model on this engine. */
export function causalCanary(spec: CausalSpec): string {
  const stream = encodeCausalTile(canaryImage(spec.channels), W, H, spec.channels, canaryParams(spec.channels), spec.stack);
  return createHash('sha256').update(stream).digest('hex');
}
