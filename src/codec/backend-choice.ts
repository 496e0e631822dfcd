/**
 * How `auto` picks a backend per model: by an estimate of each backend's
 * cost from the model's nets, confirmed by a measurement when the estimate is
 * not decisive. Exactness is never traded: every candidate must pass the
 * model's canary first (models.ts `canaryRunner`), and every backend that
 * passes gives the same bytes — the choice only decides speed.
 *
 * The estimate, in nanoseconds per pixel of the coded image, sums over the
 * flow's nets — couplings, and every prior group's base net and own net —
 * each weighted by its resolution, ¼ per squeeze (spec.ts `scaledFlowNets`):
 * - `reference`: non-zero weights × NS_PER_SPARSE_WEIGHT when the net runs on
 *   the compiled fast path (fast-conv.ts: sparse nets such as model zero's),
 *   else dense MACs × the specification's cost per MAC;
 * - tfjs backends: dense MACs × their cost per MAC (they gain nothing from
 *   zero weights).
 * Constants measured with bench/profile (64×64 inputs, Node 20, 2-core x86):
 * reference fast path ≈ 0.4 ns per non-zero weight, specification ≈ 3.3 ns,
 * wasm ≈ 0.26 ns and cpu ≈ 5.2 ns per dense MAC. `tensorflow` (tfjs-node,
 * optional) was not installed where this was measured; it is assumed the
 * fastest dense backend, as the design notes say.
 */
import { flowNets, scaledFlowNets } from '../flows/spec.js';
import type { Model } from '../flows/model.js';
import { runsFast } from '../quant/fast-conv.js';
import { netMacsPerPixel, type QNet } from '../quant/qnet.js';
import type { BackendName, NetRunner } from '../quant/runner.js';

/** Backends `auto` considers (cpu is never faster than wasm, so it is not a candidate). */
export const AUTO_CANDIDATES: BackendName[] = ['tensorflow', 'wasm', 'reference'];

const NS_PER_SPARSE_WEIGHT = 0.4;
const NS_PER_MAC: Record<BackendName, number> = { reference: 3.3, wasm: 0.26, cpu: 5.2, tensorflow: 0.1 };
/** An estimate this many times cheaper than the next is taken without measuring. */
export const DECISIVE_RATIO = 4;

const nonZero = new WeakMap<QNet, number>();
function nonZeroWeights(net: QNet): number {
  let nz = nonZero.get(net);
  if (nz === undefined) {
    nz = 0;
    for (const l of net.layers) for (let i = 0; i < l.weights.length; i++) if (l.weights[i] !== 0) nz++;
    nonZero.set(net, nz);
  }
  return nz;
}

/** Estimated network cost of `model` on `backend`, in ns per image pixel. */
export function estimateNsPerPixel(model: Model, backend: BackendName): number {
  let ns = 0;
  for (const { net, scale } of scaledFlowNets(model.flow)) {
    if (backend === 'reference' && runsFast(net)) {
      ns += scale * nonZeroWeights(net) * NS_PER_SPARSE_WEIGHT;
    } else {
      ns += scale * netMacsPerPixel(net) * NS_PER_MAC[backend];
    }
  }
  return ns;
}

/** The candidates for `model`, cheapest estimate first. */
export function rankBackends(model: Model): Array<{ backend: BackendName; ns: number }> {
  return AUTO_CANDIDATES.map((backend) => ({ backend, ns: estimateNsPerPixel(model, backend) })).sort((a, b) => a.ns - b.ns);
}

/** Measured milliseconds for one run of every net of `model` on a 32×32 input (median of 3, after a warm-up run). */
export function measureRunner(model: Model, runner: NetRunner): number {
  const h = 32,
    w = 32;
  const nets = flowNets(model.flow);
  const inputs = nets.map((n) => Array.from({ length: n.layers[0]?.cin ?? 0 }, (_, c) => Int32Array.from({ length: h * w }, (_, i) => ((i * 37 + c * 11) % 201) - 100)));
  const times: number[] = [];
  for (let k = 0; k < 4; k++) {
    const t = performance.now();
    nets.forEach((n, i) => runner.run(n, inputs[i], h, w));
    if (k > 0) times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[1];
}
