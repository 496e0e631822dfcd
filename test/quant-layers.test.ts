import { describe, expect, it } from 'vitest';
import { checkNet, type QConv, type QNet } from '../src/quant/qnet.js';
import { runNetReference } from '../src/quant/reference.js';
import { createRunner } from '../src/quant/runner.js';
import { mulberry32, randInt } from './helpers/prng.js';

/** A random net that sits right at the edge of the 2^24 bound. */
function randomNet(seed: number, cin: number, widths: number[], kernels: number[]): QNet {
  const rng = mulberry32(seed);
  const inBound = 1024;
  const layers: QConv[] = [];
  let c = cin,
    a = inBound;
  widths.forEach((cout, li) => {
    const k = kernels[li];
    const weights = new Int32Array(k * k * c * cout);
    const wmax = Math.floor((2 ** 24 - 1) / (a * k * k * c)) - 1;
    for (let i = 0; i < weights.length; i++) weights[i] = randInt(rng, -wmax, wmax);
    const bias = new Int32Array(cout);
    for (let o = 0; o < cout; o++) bias[o] = randInt(rng, -a, a);
    const last = li === widths.length - 1;
    const layer: QConv = { kh: k, kw: k, cin: c, cout, weights, bias, shift: 10, lo: last ? -4096 : 0, hi: 4095 };
    layers.push(layer);
    c = cout;
    a = 4096;
  });
  return { inLo: -inBound, inHi: inBound - 1, layers };
}

function randomInput(seed: number, c: number, n: number): Int32Array[] {
  const rng = mulberry32(seed);
  return Array.from({ length: c }, () => Int32Array.from({ length: n }, () => randInt(rng, -2000, 2000)));
}

describe('quantised nets', () => {
  it('checkNet accepts nets within the 2^24 bound and refuses one past it', () => {
    const net = randomNet(1, 3, [8, 4], [3, 1]);
    expect(checkNet(net)).toBeNull();
    const bad = { ...net, layers: [{ ...net.layers[0], weights: net.layers[0].weights.map((v) => v * 3) }, net.layers[1]] };
    expect(checkNet(bad)).toMatch(/2\^24/);
  });

  it('reference floors, clamps and zero-pads as specified', () => {
    const layer: QConv = { kh: 1, kw: 3, cin: 1, cout: 1, weights: Int32Array.from([1, 1, 1]), bias: Int32Array.from([1]), shift: 1, lo: -2, hi: 100 };
    const out = runNetReference({ inLo: -50, inHi: 50, layers: [layer] }, [Int32Array.from([10, -60, 3, 4])], 1, 4);
    // sums with zero padding: [10-50, 10-50+3, -50+3+4, 3+4] + 1 → floor(/2) → clamp
    expect(Array.from(out[0])).toEqual([-2, -2, -2, 4]);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend} backend equals the reference bit for bit at the bound`, async () => {
      const runner = await createRunner(backend);
      expect(runner, `${backend} backend must initialise`).not.toBeNull();
      for (const [seed, h, w] of [
        [2, 17, 23],
        [3, 32, 32],
        [4, 1, 9],
      ]) {
        const net = randomNet(seed, 5, [16, 16, 6], [3, 3, 1]);
        expect(checkNet(net)).toBeNull();
        const x = randomInput(seed + 100, 5, h * w);
        const ref = runNetReference(net, x, h, w);
        const got = runner!.run(net, x, h, w);
        expect(got.length).toBe(ref.length);
        for (let c = 0; c < ref.length; c++) expect(Buffer.from(got[c].buffer).equals(Buffer.from(ref[c].buffer))).toBe(true);
      }
    });
  }
});
