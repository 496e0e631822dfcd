import { describe, expect, it } from 'vitest';
import { forward, inverse, LatentRangeError } from '../src/flows/flow.js';
import { validateFlow, flowId } from '../src/flows/model.js';
import { buildModelZero, MODEL_ZERO_DEFAULTS } from '../src/flows/model-zero.js';
import { createRunner } from '../src/quant/runner.js';
import { decodeTile, encodeTile } from '../src/codec/tile-coder.js';
import type { FlowSpec } from '../src/flows/spec.js';
import { mulberry32, randInt } from './helpers/prng.js';
import { randomFlow, randomNet } from './helpers/random-flow.js';

const reference = (await createRunner('reference'))!;

type Pattern = 'zeros' | 'max' | 'checker' | 'noise' | 'ramp';
function image(c: number, h: number, w: number, pattern: Pattern, seed = 1): Int32Array[] {
  const rng = mulberry32(seed);
  return Array.from({ length: c }, (_, ci) =>
    Int32Array.from({ length: h * w }, (_, i) => {
      const y = Math.floor(i / w),
        x = i % w;
      switch (pattern) {
        case 'zeros':
          return 0;
        case 'max':
          return 255;
        case 'checker':
          return (x + y + ci) % 2 ? 255 : 0;
        case 'noise':
          return randInt(rng, 0, 255);
        case 'ramp':
          return (x * 7 + y * 3 + ci * 50) % 256;
      }
    }),
  );
}

function expectSame(a: Int32Array[], b: Int32Array[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((p, i) => expect(Buffer.from(p.buffer).equals(Buffer.from(b[i].buffer))).toBe(true));
}

function roundTripFlow(flow: FlowSpec, x: Int32Array[], h: number, w: number): void {
  const groups = forward(flow, reference, x, h, w);
  let k = 0;
  const y = inverse(flow, reference, h, w, (g, params) => {
    const got = groups[k++];
    expect(got.group).toBe(g);
    got.params.forEach((p, i) => expect(Buffer.from(p.buffer).equals(Buffer.from(params[i].buffer))).toBe(true));
    return got.values;
  });
  expect(k).toBe(groups.length);
  expectSame(x, y);
}

describe('integer flow', () => {
  const zeroRgb = buildModelZero({ ...MODEL_ZERO_DEFAULTS, channels: 3 });
  const zeroGray = buildModelZero({ ...MODEL_ZERO_DEFAULTS, channels: 1 });

  it('model zero and the random flow are valid specs', () => {
    expect(validateFlow(zeroRgb)).toBeNull();
    expect(validateFlow(zeroGray)).toBeNull();
    expect(validateFlow(randomFlow(1))).toBeNull();
    expect(flowId(zeroRgb)).toBe(flowId(buildModelZero({ ...MODEL_ZERO_DEFAULTS, channels: 3 })));
  });

  for (const pattern of ['zeros', 'max', 'checker', 'noise', 'ramp'] as const) {
    it(`inverse(forward(x)) = x, model zero, ${pattern}`, () => {
      roundTripFlow(zeroRgb, image(3, 64, 96, pattern), 64, 96);
      roundTripFlow(zeroGray, image(1, 32, 64, pattern), 32, 64);
    });
    it(`inverse(forward(x)) = x, random flow with mixtures and phases, ${pattern}`, () => {
      for (const seed of [1, 2, 3]) roundTripFlow(randomFlow(seed), image(3, 12, 20, pattern, seed), 12, 20);
    });
  }

  it('tiles round-trip through rANS exactly, with escapes and mixtures', () => {
    for (const seed of [4, 5]) {
      const flow = randomFlow(seed);
      for (const pattern of ['noise', 'checker', 'max'] as const) {
        const x = image(3, 16, 8, pattern, seed);
        const stream = encodeTile(flow, reference, x, 16, 8);
        expectSame(decodeTile(flow, reference, stream, 16, 8), x);
      }
    }
    const x = image(3, 64, 64, 'ramp');
    expectSame(decodeTile(zeroRgb, reference, encodeTile(zeroRgb, reference, x, 64, 64), 64, 64), x);
  });

  it('values far outside the prior window are coded as escapes and come back', () => {
    // A zero coupling (translation 0) keeps the values but gives the latents no known range (flows/support.ts).
    const flow: FlowSpec = {
      channels: 1,
      inputMin: 0,
      inputMax: 255,
      steps: [
        { op: 'squeeze' },
        { op: 'coupling', target: [1], cond: [0], net: randomNet(mulberry32(4), 1, 1, 0, 0) },
        { op: 'top', groups: [{ channels: [0, 1, 2, 3], mixture: 1, net: null, constant: [0, 0, 0, 0, -64, -64, -64, -64] }] }, // mean 0, s = 1/16
      ],
    };
    const x = image(1, 8, 8, 'noise', 3);
    const stream = encodeTile(flow, reference, x, 8, 8);
    expect(stream.length).toBeGreaterThan(64 * 3.5); // an escape costs its 16-bit slot and 16 raw bits
    expectSame(decodeTile(flow, reference, stream, 8, 8), x);
  });

  it('a flow whose latents are its samples codes far-out values within the sample range, without escapes (format v4)', () => {
    const flow: FlowSpec = {
      channels: 1,
      inputMin: 0,
      inputMax: 255,
      steps: [
        { op: 'top', groups: [{ channels: [0], mixture: 1, net: null, constant: [0, -64] }] }, // mean 0, s = 1/16
      ],
    };
    const x = image(1, 8, 8, 'noise', 3);
    const stream = encodeTile(flow, reference, x, 8, 8);
    expect(stream.length).toBeLessThanOrEqual(64 * 2 + 4); // at most 16 bits each: every value has a slot
    expectSame(decodeTile(flow, reference, stream, 8, 8), x);
  });

  it('forward refuses a coupling that leaves the latent range', () => {
    const rng = mulberry32(9);
    const net = randomNet(rng, 1, 1, 40000, 40000); // constant translation of +40000
    const flow: FlowSpec = {
      channels: 1,
      inputMin: 0,
      inputMax: 255,
      steps: [{ op: 'squeeze' }, { op: 'coupling', target: [1], cond: [0], net }, { op: 'top', groups: [{ channels: [0, 1, 2, 3], mixture: 1, net: null, constant: [0, 0, 0, 0, 50, 50, 50, 50] }] }],
    };
    expect(() => forward(flow, reference, image(1, 4, 4, 'max'), 4, 4)).toThrow(LatentRangeError);
  });
});
