/**
 * Pure-TypeScript integer reference of a QNet: the ground truth every tfjs
 * backend is held to, bit for bit. Activations are planar: one Int32Array of
 * h*w values per channel.
 */
import type { QConv, QNet } from './qnet.js';

/** Evaluate `net` on planar input channels of size h×w; returns planar outputs. */
export function runNetReference(net: QNet, input: Int32Array[], h: number, w: number): Int32Array[] {
  let x: Int32Array[] = input.map((p) => {
    const q = new Int32Array(p.length);
    for (let i = 0; i < p.length; i++) q[i] = p[i] < net.inLo ? net.inLo : p[i] > net.inHi ? net.inHi : p[i];
    return q;
  });
  for (const layer of net.layers) x = convReference(layer, x, h, w);
  return x;
}

/** One QConv on planar integer input, zero 'same' padding. */
export function convReference(l: QConv, x: Int32Array[], h: number, w: number): Int32Array[] {
  const n = h * w;
  const acc: Float64Array[] = [];
  for (let o = 0; o < l.cout; o++) acc.push(new Float64Array(n).fill(l.bias[o]));
  const py = (l.kh - 1) >> 1, px = (l.kw - 1) >> 1;
  for (let ky = 0; ky < l.kh; ky++) {
    for (let kx = 0; kx < l.kw; kx++) {
      const dy = ky - py, dx = kx - px;
      const y0 = Math.max(0, -dy), y1 = Math.min(h, h - dy);
      const x0 = Math.max(0, -dx), x1 = Math.min(w, w - dx);
      for (let i = 0; i < l.cin; i++) {
        const src = x[i];
        for (let o = 0; o < l.cout; o++) {
          const wt = l.weights[((ky * l.kw + kx) * l.cin + i) * l.cout + o];
          if (wt === 0) continue;
          const dst = acc[o];
          for (let y = y0; y < y1; y++) {
            const row = y * w, srow = (y + dy) * w + dx;
            for (let xx = x0; xx < x1; xx++) dst[row + xx] += wt * src[srow + xx];
          }
        }
      }
    }
  }
  const div = 2 ** l.shift;
  return acc.map((a) => {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = Math.floor(a[i] / div);
      out[i] = v < l.lo ? l.lo : v > l.hi ? l.hi : v;
    }
    return out;
  });
}
