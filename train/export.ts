/**
 * Exact export (float → integer) of learned prior nets. Per layer, weights are
 * scaled by the largest power of two 2^q that keeps every output channel
 * within the exact-integer bound Σ|w|·max|a| + |b| < 2^24, then rounded; the
 * rescale shift = q + log2(S_in / S_out) maps the accumulator to the next
 * layer's fixed-point scale, with a rounding offset in the bias.
 */
import { HID_MAX, HID_SCALE, IN_CLAMP, IN_SCALE, OUT_CLAMP, OUT_SCALE, type LearnedArch } from '../src/flows/arch.js';
import { FLOAT_EXACT_LIMIT } from '../src/quant/bounds.js';
import { checkNet, type QConv, type QNet } from '../src/quant/qnet.js';
import type { FloatPriors } from './float-prior.js';

/** Quantises one float layer (weights HWIO, bias) for input scale/bound and output scale/clamp. */
export function quantiseLayer(w: Float32Array, b: Float32Array, shape: [number, number, number, number], sIn: number, aIn: number, sOut: number, lo: number, hi: number): QConv {
  const [kh, kw, cin, cout] = shape;
  const lg = (v: number) => Math.round(Math.log2(v));
  for (let q = 24; q >= -8; q--) {
    const shift = q + lg(sIn) - lg(sOut);
    if (shift < 0 || shift > 24) continue;
    const scale = 2 ** q;
    const weights = Int32Array.from(w, (v) => Math.round(v * scale));
    const half = shift > 0 ? 2 ** (shift - 1) : 0;
    const bias = Int32Array.from(b, (v) => Math.round(v * scale * sIn) + half);
    let ok = true;
    for (let o = 0; o < cout && ok; o++) {
      let s = 0;
      for (let j = o; j < weights.length; j += cout) s += Math.abs(weights[j]);
      ok = s * aIn + Math.abs(bias[o]) < FLOAT_EXACT_LIMIT;
    }
    if (ok) return { kh, kw, cin, cout, weights, bias, shift, lo, hi };
  }
  throw new Error('layer cannot be quantised within the 2^24 bound');
}

/** Exports every slot's float net to an integer QNet. */
export async function exportNets(arch: LearnedArch, priors: FloatPriors): Promise<Map<string, QNet>> {
  const nets = new Map<string, QNet>();
  for (const s of priors.slots) {
    const layers = priors.layers.get(s.key)!;
    const q: QConv[] = [];
    for (const [i, l] of layers.entries()) {
      const last = i === layers.length - 1;
      const shape = l.w.shape as [number, number, number, number];
      q.push(
        quantiseLayer(
          (await l.w.data()) as Float32Array,
          (await l.b.data()) as Float32Array,
          shape,
          i === 0 ? IN_SCALE : HID_SCALE,
          i === 0 ? IN_CLAMP : HID_MAX,
          last ? OUT_SCALE : HID_SCALE,
          last ? -OUT_CLAMP : 0,
          last ? OUT_CLAMP : HID_MAX,
        ),
      );
    }
    const net: QNet = { inLo: -IN_CLAMP, inHi: IN_CLAMP, layers: q };
    const bad = checkNet(net);
    if (bad) throw new Error(`export of ${s.key}: ${bad}`);
    nets.set(s.key, net);
  }
  void arch;
  return nets;
}
