/**
 * The exactness canary (DESIGN.md invariant 1): every real backend passes it
 * for every shipped model, and a backend that drifts by a single integer
 * anywhere in any net is refused — by passesCanary, and so by runnerFor.
 */
import { describe, expect, it, vi } from 'vitest';

import { passesCanary, shippedModels } from '../src/codec/models.js';
import { flowNets } from '../src/flows/model.js';
import type { QNet } from '../src/quant/qnet.js';
import { createRunner, type BackendName, type NetRunner } from '../src/quant/runner.js';

const BACKENDS: BackendName[] = ['reference', 'wasm', 'cpu', 'tensorflow'];

/** The reference runner with output value `at` of channel `channel` of net `target` off by `delta`. */
function drifting(base: NetRunner, target: QNet, channel: number, at: number, delta = 1): NetRunner {
  return {
    name: base.name,
    run(net, input, h, w) {
      const out = base.run(net, input, h, w);
      if (net === target) out[channel % out.length][at % out[0].length] += delta;
      return out;
    },
  };
}

/**
 * `base` with its outputs remembered per net and input (copies are returned):
 * the drift test checks every net of every model, each check running all of
 * a model's nets, so without it the test runs O(nets²) nets.
 */
function remembering(base: NetRunner): NetRunner {
  const seen = new WeakMap<QNet, Map<string, Int32Array[]>>();
  return {
    name: base.name,
    run(net, input, h, w) {
      let byInput = seen.get(net);
      if (!byInput) seen.set(net, (byInput = new Map()));
      const key = `${h}x${w}:` + input.map((p) => p.join(',')).join(';');
      let out = byInput.get(key);
      if (!out) byInput.set(key, (out = base.run(net, input, h, w)));
      return out.map((p) => p.slice());
    },
  };
}

describe('exactness canary', () => {
  it('every shipped model has a canary, and every available backend passes it', async () => {
    const models = shippedModels();
    expect(models.length).toBeGreaterThan(0);
    const available: string[] = [];
    for (const backend of BACKENDS) {
      const runner = await createRunner(backend);
      if (!runner) {
        expect(backend, 'reference, wasm and cpu always load').toBe('tensorflow'); // optional dependency
        continue;
      }
      available.push(backend);
      for (const m of models) {
        expect(m.canary).toMatch(/^[0-9a-f]{64}$/);
        expect(passesCanary(m, runner), `${m.name} on ${backend}`).toBe(true);
      }
    }
    expect(available).toEqual(expect.arrayContaining(['reference', 'wasm', 'cpu']));
  });

  it('a runner off by one in a single output value of any one net fails it', async () => {
    const ref = remembering((await createRunner('reference'))!);
    for (const m of shippedModels().filter((x) => !x.causal && !x.counts)) {
      const nets = flowNets(m.flow);
      expect(nets.length).toBeGreaterThan(0);
      nets.forEach((net, i) => {
        expect(passesCanary(m, drifting(ref, net, i, 7 * i + 3)), `${m.name} net ${i} +1`).toBe(false);
        expect(passesCanary(m, drifting(ref, net, 0, 0, -1)), `${m.name} net ${i} -1`).toBe(false);
      });
    }
  });

  it('a runner that throws fails it (no exception escapes)', () => {
    const broken: NetRunner = {
      name: 'cpu',
      run: () => {
        throw new Error('device lost');
      },
    };
    // Net models fail; a causal or count-context model runs no nets, so its canary does not depend on the runner.
    for (const m of shippedModels()) expect(passesCanary(m, broken)).toBe(!!m.causal || !!m.counts);
  });

  it('runnerFor refuses a drifting backend with E_BACKEND, and auto never picks it', async () => {
    vi.resetModules();
    vi.doMock('../src/quant/runner.js', async (importOriginal) => {
      const real = await importOriginal<typeof import('../src/quant/runner.js')>();
      return {
        ...real,
        createRunner: async (name: BackendName) => {
          const r = await real.createRunner(name);
          if (!r || name === 'reference') return r;
          // Every tfjs backend drifts: +1 on the first output of every net.
          return {
            name: r.name,
            run: (net: QNet, input: Int32Array[], h: number, w: number) => {
              const o = r.run(net, input, h, w);
              o[0][0] += 1;
              return o;
            },
          };
        },
      };
    });
    try {
      const models = await import('../src/codec/models.js');
      const m = models.shippedModels().find((x) => !x.causal && !x.counts)!;
      await expect(models.runnerFor(m, 'wasm')).rejects.toMatchObject({ code: 'E_BACKEND' });
      await expect(models.runnerFor(m, 'cpu')).rejects.toMatchObject({ code: 'E_BACKEND' });
      expect((await models.runnerFor(m, 'reference')).name).toBe('reference');
      expect((await models.runnerFor(m, 'auto')).name).toBe('reference');
    } finally {
      vi.doUnmock('../src/quant/runner.js');
      vi.resetModules();
    }
  });
});
