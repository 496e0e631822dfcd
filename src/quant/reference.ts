/**
 * Pure-TypeScript integer reference of a QNet: the ground truth every tfjs
 * backend is held to, bit for bit. Activations are planar: one Int32Array of
 * h*w values per channel.
 *
 * `runNetSimple` / `convReference` are the specification, written for
 * clarity; `runNetReference` (the `reference` backend) runs the same
 * arithmetic through the compiled fast path of fast-conv.ts, which the tests
 * hold to the specification bit for bit.
 */
import { runNetFast } from './fast-conv.js';
import type { QConv, QNet } from './qnet.js';

/** Evaluate `net` on planar input channels of size h×w; returns planar outputs (fast path, exact). */
export function runNetReference(net: QNet, input: Int32Array[], h: number, w: number): Int32Array[] {
  return runNetFast(net, input, h, w) ?? runNetSimple(net, input, h, w);
}

/** The specification: evaluate `net` layer by layer in Float64, one output channel at a time. */
export function runNetSimple(net: QNet, input: Int32Array[], h: number, w: number): Int32Array[] {
  let x: Int32Array[] = input.map((p) => {
    const q = new Int32Array(p.length);
    for (let i = 0; i < p.length; i++) q[i] = p[i] < net.inLo ? net.inLo : p[i] > net.inHi ? net.inHi : p[i];
    return q;
  });
  for (const layer of net.layers) x = convReference(layer, x, h, w);
  return x;
}

/** Non-zero taps of each output channel: [dy, dx, input channel, weight] flattened, built once per layer. */
const tapCache = new WeakMap<QConv, Int32Array[]>();
function tapsOf(l: QConv): Int32Array[] {
  let t = tapCache.get(l);
  if (!t) {
    const py = (l.kh - 1) >> 1,
      px = (l.kw - 1) >> 1;
    t = [];
    for (let o = 0; o < l.cout; o++) {
      const list: number[] = [];
      for (let ky = 0; ky < l.kh; ky++) {
        for (let kx = 0; kx < l.kw; kx++) {
          for (let i = 0; i < l.cin; i++) {
            const wt = l.weights[((ky * l.kw + kx) * l.cin + i) * l.cout + o];
            if (wt !== 0) list.push(ky - py, kx - px, i, wt);
          }
        }
      }
      t.push(Int32Array.from(list));
    }
    tapCache.set(l, t);
  }
  return t;
}

/**
 * One QConv on planar integer input, zero 'same' padding. Sums are exact in
 * Float64 (|partial sums| < 2^24 by the load-time bound), one output channel
 * at a time, skipping zero weights.
 */
export function convReference(l: QConv, x: Int32Array[], h: number, w: number): Int32Array[] {
  const n = h * w;
  const acc = new Float64Array(n);
  const div = 2 ** l.shift;
  const taps = tapsOf(l);
  const out: Int32Array[] = [];
  for (let o = 0; o < l.cout; o++) {
    acc.fill(l.bias[o]);
    const t = taps[o];
    for (let k = 0; k < t.length; k += 4) {
      const dy = t[k],
        dx = t[k + 1],
        src = x[t[k + 2]],
        wt = t[k + 3];
      const y0 = Math.max(0, -dy),
        y1 = Math.min(h, h - dy);
      const x0 = Math.max(0, -dx),
        x1 = Math.min(w, w - dx);
      for (let y = y0; y < y1; y++) {
        const row = y * w,
          off = (y + dy) * w + dx;
        for (let xx = x0; xx < x1; xx++) acc[row + xx] += wt * src[off + xx];
      }
    }
    const q = new Int32Array(n);
    const lo = l.lo,
      hi = l.hi;
    for (let i = 0; i < n; i++) {
      const v = Math.floor(acc[i] / div);
      q[i] = v < lo ? lo : v > hi ? hi : v;
    }
    out.push(q);
  }
  return out;
}
