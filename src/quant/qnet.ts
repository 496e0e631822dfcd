/**
 * Quantised networks under the exact-integer discipline (DESIGN.md invariant 1):
 * integer weights and biases, integer activations, every output channel
 * bounded so that Σ|w|·max|a| + |b| < 2^24, then a power-of-two rescale with
 * floor and a clamp. Under that bound float32 computes every partial sum
 * exactly, in any order, on any backend — so tfjs backends and the pure-TS
 * reference (`reference.ts`) agree bit for bit.
 */
import { FLOAT_EXACT_LIMIT } from './bounds.js';

/** One 2-D convolution layer, stride 1, zero 'same' padding, odd kernel sizes. */
export interface QConv {
  /** Kernel height and width (odd, 1..7). */
  kh: number;
  kw: number;
  cin: number;
  cout: number;
  /** Integer weights in HWIO layout: index ((y*kw + x)*cin + i)*cout + o. */
  weights: Int32Array;
  /** Integer bias per output channel. */
  bias: Int32Array;
  /** Output = clamp(floor((conv + bias) / 2^shift), lo, hi). shift in 0..24. */
  shift: number;
  /** Output clamp bounds (lo = 0 makes the layer a ReLU). */
  lo: number;
  hi: number;
}

/** A feed-forward stack of QConv layers; the input is first clamped to [inLo, inHi]. */
export interface QNet {
  inLo: number;
  inHi: number;
  layers: QConv[];
}

/** Largest |value| a layer's input can hold, given the preceding clamp. */
function bound(lo: number, hi: number): number {
  return Math.max(Math.abs(lo), Math.abs(hi));
}

/** Multiply-accumulates per pixel of one evaluation of the net. */
export function netMacsPerPixel(net: QNet): number {
  return net.layers.reduce((s, l) => s + l.kh * l.kw * l.cin * l.cout, 0);
}

/**
 * Checks shapes and the 2^24 accumulation bound of every output channel of
 * every layer. Returns null when the net is valid, else a one-line reason.
 */
export function checkNet(net: QNet): string | null {
  if (!Number.isInteger(net.inLo) || !Number.isInteger(net.inHi) || net.inLo > net.inHi) return 'bad input clamp';
  let a = bound(net.inLo, net.inHi);
  let cin = -1;
  for (const [li, l] of net.layers.entries()) {
    if (l.kh % 2 !== 1 || l.kw % 2 !== 1 || l.kh > 7 || l.kw > 7) return `layer ${li}: kernel ${l.kh}x${l.kw} must be odd and ≤ 7`;
    if (cin >= 0 && l.cin !== cin) return `layer ${li}: expects ${l.cin} channels, gets ${cin}`;
    if (l.weights.length !== l.kh * l.kw * l.cin * l.cout || l.bias.length !== l.cout) return `layer ${li}: weight or bias size`;
    if (!(Number.isInteger(l.shift) && l.shift >= 0 && l.shift <= 24) || !(l.lo <= l.hi)) return `layer ${li}: bad shift or clamp`;
    for (let o = 0; o < l.cout; o++) {
      let s = 0;
      for (let j = o; j < l.weights.length; j += l.cout) s += Math.abs(l.weights[j]);
      const worst = s * a + Math.abs(l.bias[o]);
      if (!(worst < FLOAT_EXACT_LIMIT)) return `layer ${li} channel ${o}: Σ|w|·max|a| + |b| = ${worst} ≥ 2^24`;
    }
    a = bound(l.lo, l.hi);
    cin = l.cout;
  }
  return null;
}
