import { describe, expect, it } from 'vitest';
import { estimateNsPerPixel } from '../src/codec/backend-choice.js';
import { groupPlanes } from '../src/codec/inspect.js';
import { shippedModels } from '../src/codec/models.js';
import { forward, inverse } from '../src/flows/flow.js';
import { flowId, flowToJson, modelToJson, parseModel, validateFlow, type Model } from '../src/flows/model.js';
import { isPixelExact, realPositions } from '../src/flows/padding.js';
import { flowLevels, flowNets, scaledFlowNets, stepPlaces, walkSteps, type FlowSpec, type FlowStep } from '../src/flows/spec.js';
import { latentSupport } from '../src/flows/support.js';
import { netMacsPerPixel } from '../src/quant/qnet.js';
import { createRunner } from '../src/quant/runner.js';
import { randomFlow } from './helpers/random-flow.js';

/** A copy of `spec` with a step of a type no code knows inserted before the last step. */
function withFakeStep(spec: FlowSpec): FlowSpec {
  const fake = { op: 'dilate', rate: 2 } as unknown as FlowStep;
  return { ...spec, steps: [...spec.steps.slice(0, -1), fake, spec.steps[spec.steps.length - 1]] };
}

describe('flow step walker', () => {
  const flow = randomFlow(7);
  const fake = withFakeStep(flow);
  const unknown = /unknown flow step type 'dilate'/;

  it('reports every step with its level and incoming channel count', () => {
    const places = stepPlaces(flow);
    expect(places.map((p) => p.index)).toEqual(flow.steps.map((_, i) => i));
    expect(places[0]).toEqual({ index: 0, level: 0, channels: 3 });
    expect(places[1]).toEqual({ index: 1, level: 1, channels: 12 });
    expect(flowLevels(flow)).toBe(2);
    const order: number[] = [];
    const v = (_: unknown, p: { index: number }) => {
      order.push(p.index);
    };
    walkSteps(flow, { squeeze: v, coupling: v, permute: v, split: v, top: v }, 'reverse');
    expect(order).toEqual(flow.steps.map((_, i) => i).reverse());
  });

  it('every function that branches on step type refuses an unknown type', async () => {
    const runner = (await createRunner('reference'))!;
    const tile = Array.from({ length: 3 }, () => new Int32Array(16));
    const refusals: Array<[string, () => unknown]> = [
      ['stepPlaces', () => stepPlaces(fake)],
      ['flowLevels', () => flowLevels(fake)],
      ['flowNets', () => flowNets(fake)],
      ['scaledFlowNets', () => scaledFlowNets(fake)],
      ['isPixelExact (padding.ts)', () => isPixelExact(fake)],
      ['realPositions (padding.ts)', () => realPositions(fake, 4, 4, 3, 3)],
      ['latentSupport (support.ts)', () => latentSupport(fake)],
      ['validateFlow', () => validateFlow(fake)],
      ['flowToJson', () => flowToJson(fake)],
      ['flowId', () => flowId(fake)],
      ['forward', () => forward(fake, runner, tile, 4, 4)],
      ['inverse', () => inverse(fake, runner, 4, 4, () => [])],
      ['groupPlanes (inspect.ts)', () => groupPlanes(fake)],
      ['estimateNsPerPixel', () => estimateNsPerPixel({ flow: fake } as Model, 'wasm')],
    ];
    for (const [name, f] of refusals) expect(f, name).toThrow(unknown);
  });

  it('a model file with an unknown step type is refused', () => {
    const text = modelToJson('x', flow, 'c', {});
    const j = JSON.parse(text);
    j.flow.steps.splice(1, 0, { op: 'dilate' });
    expect(() => parseModel(JSON.stringify(j))).toThrow(unknown);
  });

  it('flowNets lists base nets; the backend estimate counts them for every shipped model', () => {
    for (const m of shippedModels()) {
      const nets = scaledFlowNets(m.flow);
      expect(nets.map((n) => n.net)).toEqual(flowNets(m.flow));
      const bases = walkSteps(m.flow, {
        squeeze: () => [],
        coupling: () => [],
        permute: () => [],
        split: (s) => s.groups.flatMap((g) => (g.base ? [g.base] : [])),
        top: (s) => s.groups.flatMap((g) => (g.base ? [g.base] : [])),
      }).flat();
      for (const b of bases)
        expect(
          nets.some((n) => n.net === b),
          `${m.name}: a base net is missing`,
        ).toBe(true);
      // wasm's estimate is dense MACs × a constant: with the base nets it is the sum over all nets.
      const dense = nets.reduce((t, n) => t + n.scale * netMacsPerPixel(n.net), 0);
      expect(estimateNsPerPixel(m, 'wasm')).toBeCloseTo(dense * 0.26, 6);
      if (bases.length > 0) {
        const withoutBases = nets.filter((n) => !bases.includes(n.net)).reduce((t, n) => t + n.scale * netMacsPerPixel(n.net), 0);
        expect(dense).toBeGreaterThan(withoutBases);
      }
    }
    expect(shippedModels().some((m) => m.flow.steps.some((s) => (s.op === 'split' || s.op === 'top') && s.groups.some((g) => g.base)))).toBe(true);
  });
});
