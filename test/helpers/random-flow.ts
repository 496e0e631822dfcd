/** A random but valid flow that uses every feature (couplings, permutes, phases, mixtures, const top), for property tests. */
import type { QConv, QNet } from '../../src/quant/qnet.js';
import type { FlowSpec } from '../../src/flows/spec.js';
import { paramsPerChannel } from '../../src/flows/spec.js';
import { mulberry32, randInt } from './prng.js';

/** Random net cin → hidden → cout (3×3 then 1×1), weights scaled to respect the 2^24 bound. */
export function randomNet(rng: () => number, cin: number, cout: number, outLo: number, outHi: number, hidden = 8): QNet {
  const inB = 4096;
  const l1w = new Int32Array(9 * cin * hidden).map(() => randInt(rng, -64, 64));
  const l1: QConv = { kh: 3, kw: 3, cin, cout: hidden, weights: l1w, bias: new Int32Array(hidden).map(() => randInt(rng, -500, 500)), shift: 6, lo: 0, hi: 2047 };
  const l2w = new Int32Array(hidden * cout).map(() => randInt(rng, -128, 128));
  const l2: QConv = { kh: 1, kw: 1, cin: hidden, cout, weights: l2w, bias: new Int32Array(cout).map(() => randInt(rng, -100, 100)), shift: 7, lo: outLo, hi: outHi };
  return { inLo: -inB, inHi: inB - 1, layers: [l1, l2] };
}

/** Prior net: means in ±2^12 (mean units), log-scales, logits. */
function priorNet(rng: () => number, cin: number, k: number, nT: number): QNet {
  return randomNet(rng, cin, paramsPerChannel(k) * nT, -4096, 4095);
}

/** A 3-channel, 2-level random flow. */
export function randomFlow(seed: number): FlowSpec {
  const rng = mulberry32(seed);
  return {
    channels: 3,
    inputMin: 0,
    inputMax: 255,
    steps: [
      { op: 'squeeze' }, // 12 channels
      { op: 'coupling', target: [0, 1, 2, 3, 4, 5], cond: [6, 7, 8, 9, 10, 11], net: randomNet(rng, 6, 6, -300, 300) },
      { op: 'coupling', target: [6, 7, 8, 9, 10, 11], cond: [0, 1, 2, 3, 4, 5], net: randomNet(rng, 6, 6, -300, 300) },
      { op: 'permute', perm: [11, 3, 7, 0, 4, 8, 1, 5, 9, 2, 6, 10] },
      {
        op: 'split',
        factor: [6, 7, 8, 9, 10, 11],
        groups: [
          { channels: [0, 1, 2], mixture: 3, phase: 0, net: priorNet(rng, 6, 3, 3) },
          { channels: [0, 1, 2], mixture: 3, phase: 1, net: priorNet(rng, 9, 3, 3) },
          { channels: [3, 4, 5], mixture: 1, net: priorNet(rng, 12, 1, 3), base: randomNet(rng, 12, 6, -2000, 2000) },
        ],
      },
      { op: 'squeeze' }, // 24 channels
      { op: 'coupling', target: [1, 3, 5], cond: [0, 2, 4, 6], net: randomNet(rng, 4, 3, -300, 300) },
      {
        op: 'top',
        groups: [
          { channels: Array.from({ length: 12 }, (_, i) => i), mixture: 1, net: null, constant: [...Array(12).fill(100 * 16), ...Array(12).fill(100)] },
          { channels: Array.from({ length: 12 }, (_, i) => 12 + i), mixture: 2, net: priorNet(rng, 12, 2, 12), base: randomNet(rng, 12, 24, -2000, 2000) },
        ],
      },
    ],
  };
}
