import { describe, expect, it } from 'vitest';
import { shippedModels } from '../src/codec/models.js';
import { flowNets } from '../src/flows/spec.js';
import { runNetFast } from '../src/quant/fast-conv.js';
import type { QConv, QNet } from '../src/quant/qnet.js';
import { runNetReference, runNetSimple } from '../src/quant/reference.js';
import { mulberry32, randInt } from './helpers/prng.js';

/** A sparse random layer: each weight non-zero with probability `density`, sized to stay within the 2^24 bound. */
function layer(rng: () => number, kh: number, kw: number, cin: number, cout: number, inBound: number, density: number, lo: number, hi: number): QConv {
  const wmax = Math.max(1, Math.floor((2 ** 24 - 1 - 4096) / (inBound * kh * kw * cin)));
  const weights = new Int32Array(kh * kw * cin * cout);
  for (let i = 0; i < weights.length; i++) {
    if (rng() >= density) continue;
    const r = rng();
    weights[i] = r < 0.3 ? 1 : r < 0.5 ? -1 : randInt(rng, -wmax, wmax);
  }
  const bias = new Int32Array(cout).map(() => randInt(rng, -4096, 4096));
  return { kh, kw, cin, cout, weights, bias, shift: randInt(rng, 0, 12), lo, hi };
}

function randomNet(seed: number, cin: number, shapes: Array<[number, number, number]>, density: number): QNet {
  const rng = mulberry32(seed);
  const layers: QConv[] = [];
  let c = cin,
    bound = 2048;
  shapes.forEach(([kh, kw, cout], i) => {
    const last = i === shapes.length - 1;
    const lo = last ? -5000 : randInt(rng, -50, 0),
      hi = last ? 5000 : 4095;
    layers.push(layer(rng, kh, kw, c, cout, bound, density, lo, hi));
    c = cout;
    bound = Math.max(Math.abs(lo), Math.abs(hi));
  });
  return { inLo: -2048, inHi: 2047, layers };
}

function randomInput(seed: number, c: number, n: number): Int32Array[] {
  const rng = mulberry32(seed);
  return Array.from({ length: c }, () => Int32Array.from({ length: n }, () => randInt(rng, -3000, 3000)));
}

function same(a: Int32Array[], b: Int32Array[]): boolean {
  return a.length === b.length && a.every((p, i) => Buffer.from(p.buffer, p.byteOffset, p.byteLength).equals(Buffer.from(b[i].buffer, b[i].byteOffset, b[i].byteLength)));
}

describe('fast conv (compiled WebAssembly) equals the specification bit for bit', () => {
  const archs: Array<[string, number, Array<[number, number, number]>, number]> = [
    [
      '3×3 then 1×1 stack',
      5,
      [
        [3, 3, 24],
        [1, 1, 8],
        [1, 1, 3],
      ],
      0.3,
    ],
    ['1×3 lifting-like', 6, [[1, 3, 6]], 0.4],
    ['3×1 lifting-like', 6, [[3, 1, 6]], 0.4],
    [
      'two spatial stages',
      4,
      [
        [3, 3, 12],
        [1, 1, 6],
        [5, 5, 5],
        [1, 1, 2],
      ],
      0.25,
    ],
    [
      '7×1 then 1×7',
      2,
      [
        [7, 1, 4],
        [1, 7, 3],
      ],
      0.6,
    ],
    ['dense 1×1', 7, [[1, 1, 9]], 1],
  ];
  const sizes: Array<[number, number]> = [
    [1, 1],
    [1, 9],
    [13, 11],
    [8, 8],
    [17, 23],
    [32, 5],
    [3, 64],
  ];
  for (const [name, cin, shapes, density] of archs) {
    it(name, () => {
      for (const [seed, [h, w]] of sizes.entries()) {
        const net = randomNet(1000 + seed, cin, shapes, density);
        const x = randomInput(seed, cin, h * w);
        const fast = runNetFast(net, x, h, w);
        expect(fast, 'fast path taken').not.toBeNull();
        expect(same(fast!, runNetSimple(net, x, h, w)), `${h}×${w}`).toBe(true);
      }
    });
  }

  it('input clamps that exclude zero keep the zero padding', () => {
    const net = randomNet(7, 3, [[3, 3, 4]], 0.8);
    for (const [lo, hi] of [
      [5, 900],
      [-900, -5],
    ]) {
      const n2: QNet = { ...net, inLo: lo, inHi: hi };
      const x = randomInput(8, 3, 9 * 10);
      expect(same(runNetFast(n2, x, 9, 10)!, runNetSimple(n2, x, 9, 10))).toBe(true);
    }
  });

  it('every net of every shipped model, on random inputs: model zero takes the fast path, and any net that does equals the specification', () => {
    for (const m of shippedModels()) {
      for (const [k, net] of flowNets(m.flow).entries()) {
        const cin = net.layers[0].cin;
        const x = randomInput(k, cin, 12 * 20);
        const fast = runNetFast(net, x, 12, 20);
        if (m.name.startsWith('zero-')) expect(fast, `${m.name} net ${k} takes the fast path`).not.toBeNull();
        if (fast) expect(same(fast, runNetSimple(net, x, 12, 20)), `${m.name} net ${k}`).toBe(true);
      }
    }
  });

  it('malformed nets (a clamp with lo > hi, inconsistent shapes) are left to the specification', () => {
    const net = randomNet(11, 2, [[3, 3, 3]], 0.7);
    const x = randomInput(12, 2, 5 * 6);
    const swapped: QNet = { ...net, layers: [{ ...net.layers[0], lo: 100, hi: -100 }] };
    expect(runNetFast(swapped, x, 5, 6)).toBeNull();
    expect(same(runNetReference(swapped, x, 5, 6), runNetSimple(swapped, x, 5, 6))).toBe(true);
    const bad: QNet = { ...net, layers: [{ ...net.layers[0], weights: net.layers[0].weights.subarray(1) }] };
    expect(runNetFast(bad, x, 5, 6)).toBeNull();
    expect(runNetFast(net, x.slice(0, 1), 5, 6)).toBeNull(); // a missing input plane
  });

  it('nets past the int32 bound fall back to the specification', () => {
    const net = randomNet(9, 2, [[1, 1, 2]], 1);
    net.layers[0].weights[0] = 2 ** 21; // 2^21 · 2048 > 2^31
    const x = randomInput(10, 2, 16);
    expect(runNetFast(net, x, 4, 4)).toBeNull();
    expect(same(runNetReference(net, x, 4, 4), runNetSimple(net, x, 4, 4))).toBe(true);
  });
});
