/**
 * Classic reversible integer transforms as additive couplings: the YCoCg-R
 * colour transform and the 5/3 lifting of JPEG 2000 (after a squeeze). Used by
 * model zero and by learned models built on the same fixed transform.
 */
import type { QConv, QNet } from '../quant/qnet.js';
import type { FlowStep } from './spec.js';

/** Activation clamp of lifting nets: far beyond any 8-bit image's coefficients. */
export const BIG = 8191; // of lifting nets: far beyond any 8-bit image's coefficients

/** A zero-weight QConv of the given shape. */
export function emptyConv(kh: number, kw: number, cin: number, cout: number, shift: number, lo: number, hi: number): QConv {
  return { kh, kw, cin, cout, weights: new Int32Array(kh * kw * cin * cout), bias: new Int32Array(cout), shift, lo, hi };
}
/** Adds v to weight (ky, kx, in i, out o) of a QConv. */
export function setWeight(l: QConv, ky: number, kx: number, i: number, o: number, v: number): void {
  l.weights[((ky * l.kw + kx) * l.cin + i) * l.cout + o] += v;
}

/** A linear coupling net: one layer, out[o] = floor((Σ taps + bias) / 2^shift). */
function linear(kh: number, kw: number, n: number, taps: Array<[number, number, number]>, bias: number, shift: number): QNet {
  const l = emptyConv(kh, kw, n, n, shift, -BIG - 1, BIG);
  for (let c = 0; c < n; c++) {
    for (const [ky, kx, v] of taps) setWeight(l, ky, kx, c, c, v);
    l.bias[c] = bias;
  }
  return { inLo: -BIG - 1, inHi: BIG, layers: [l] };
}

/** YCoCg-R on channels [R, G, B] → [Y, Co, Cg]. */
export function colourSteps(): FlowStep[] {
  const one = (v: number, shift: number): QNet => {
    const l = emptyConv(1, 1, 1, 1, shift, -BIG - 1, BIG);
    l.weights[0] = v;
    return { inLo: -BIG - 1, inHi: BIG, layers: [l] };
  };
  return [
    { op: 'coupling', target: [0], cond: [2], net: one(-1, 0) }, // Co = R − B
    { op: 'coupling', target: [2], cond: [0], net: one(1, 1) }, // t = B + ⌊Co/2⌋
    { op: 'coupling', target: [1], cond: [2], net: one(-1, 0) }, // Cg = G − t
    { op: 'coupling', target: [2], cond: [1], net: one(1, 1) }, // Y = t + ⌊Cg/2⌋
    { op: 'permute', perm: [2, 0, 1] },
  ];
}

/** 5/3 lifting after a squeeze of C channels (a, b, c, d = channels 4k..4k+3). */
export function liftingSteps(C: number): FlowStep[] {
  const ch = (o: number) => Array.from({ length: C }, (_, k) => 4 * k + o);
  const pair = (x: number, y: number) => [...ch(x), ...ch(y)];
  const n = 2 * C;
  return [
    // horizontal predict: b −= ⌊(a + a→)/2⌋, d −= ⌊(c + c→)/2⌋
    {
      op: 'coupling',
      target: pair(1, 3),
      cond: pair(0, 2),
      net: linear(
        1,
        3,
        n,
        [
          [0, 1, -1],
          [0, 2, -1],
        ],
        1,
        1,
      ),
    },
    // horizontal update: a += ⌊(b← + b + 2)/4⌋, c += ⌊(d← + d + 2)/4⌋
    {
      op: 'coupling',
      target: pair(0, 2),
      cond: pair(1, 3),
      net: linear(
        1,
        3,
        n,
        [
          [0, 0, 1],
          [0, 1, 1],
        ],
        2,
        2,
      ),
    },
    // vertical predict: c −= ⌊(a + a↓)/2⌋, d −= ⌊(b + b↓)/2⌋
    {
      op: 'coupling',
      target: pair(2, 3),
      cond: pair(0, 1),
      net: linear(
        3,
        1,
        n,
        [
          [1, 0, -1],
          [2, 0, -1],
        ],
        1,
        1,
      ),
    },
    // vertical update: a += ⌊(c↑ + c + 2)/4⌋, b += ⌊(d↑ + d + 2)/4⌋
    {
      op: 'coupling',
      target: pair(0, 1),
      cond: pair(2, 3),
      net: linear(
        3,
        1,
        n,
        [
          [0, 0, 1],
          [1, 0, 1],
        ],
        2,
        2,
      ),
    },
  ];
}
