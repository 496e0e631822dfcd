/**
 * Tile padding of pixel-exact flows. A flow made of squeezes, splits,
 * permutations and 1×1 couplings between channels of the same pixel keeps
 * every latent a function of a single pixel. Such a flow's tiles are padded
 * with zeros, and from stream version 3 on the tile coder skips the latents
 * of padded pixels: the decoder knows them (zero), so they cost nothing.
 * Any other flow (the 5/3 lifting, k×k couplings) mixes neighbours: its tiles
 * are padded by edge replication and every latent is coded.
 */
import { squeeze } from './flow.js';
import { flowLevels, groupPositions, walkChannels, walkSteps, type FlowSpec, type PriorGroup, type StepPlace } from './spec.js';

interface Analysis {
  exact: boolean;
  positions: Map<string, Array<Int32Array | null>>;
}
const cache = new WeakMap<FlowSpec, Analysis>();

function sameIndex(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Per coded group, in decode order (as `forward` returns them): for each
 * latent position, the index y·w + x of the tile pixel it holds; null when
 * the flow is not pixel-exact.
 */
function latentPixels(spec: FlowSpec, h: number, w: number): Int32Array[] | null {
  const index = Int32Array.from({ length: h * w }, (_, i) => i);
  let exact = true;
  const bySplit = walkChannels<Int32Array, Int32Array[]>(
    spec,
    Array.from({ length: spec.channels }, () => index),
    h,
    w,
    {
      squeeze: squeeze,
      coupling: (step, x) => {
        const all = [...step.target, ...step.cond].map((i) => x[i]);
        if (step.net.layers.some((l) => l.kh !== 1 || l.kw !== 1) || !all.every((p) => sameIndex(p, all[0]))) exact = false;
        return x;
      },
      coded: (step, x, factor) =>
        step.groups.map((g) => {
          const planes = g.channels.map((j) => x[factor[j]]);
          if (!planes.every((p) => sameIndex(p, planes[0]))) exact = false;
          return planes[0];
        }),
    },
  );
  return exact ? bySplit.reverse().flat() : null;
}

function analysis(spec: FlowSpec): Analysis {
  let a = cache.get(spec);
  if (!a) {
    // Exactness does not depend on the tile size: probe with the smallest legal one.
    const n = 2 ** flowLevels(spec);
    a = { exact: latentPixels(spec, n, n) !== null, positions: new Map() };
    cache.set(spec, a);
  }
  return a;
}

/** True when every latent of the flow holds one pixel (see the module comment): its tiles pad with zeros. */
export function isPixelExact(spec: FlowSpec): boolean {
  return analysis(spec).exact;
}

/**
 * For a pixel-exact flow and an h×w tile whose real (unpadded) part is the
 * top-left realH×realW: per coded group in decode order, the positions of its
 * phase whose pixel is real (the ones to code). Null when the flow is not
 * pixel-exact or the tile has no padding: then every position of the phase is coded.
 * Cached per flow and size; do not modify.
 */
export function realPositions(spec: FlowSpec, h: number, w: number, realH: number, realW: number): Array<Int32Array> | null {
  const a = analysis(spec);
  if (!a.exact || (realH >= h && realW >= w)) return null;
  const key = `${h}:${w}:${realH}:${realW}`;
  let p = a.positions.get(key);
  if (!p) {
    const pixels = latentPixels(spec, h, w)!;
    const groups = groupsInDecodeOrder(spec);
    p = pixels.map((idx, k) => {
      const g = groups[k];
      const gh = h >> g.level,
        gw = w >> g.level;
      return groupPositions(g.phase, gh, gw).filter((i) => idx[i] % w < realW && Math.floor(idx[i] / w) < realH);
    });
    if (a.positions.size > 64) a.positions.clear();
    a.positions.set(key, p);
  }
  return p as Int32Array[];
}

/** Phase and level (number of squeezes before it) of every coded group, in decode order. */
function groupsInDecodeOrder(spec: FlowSpec): Array<{ phase: 0 | 1 | undefined; level: number }> {
  const coded = (s: { groups: PriorGroup[] }, at: StepPlace) => s.groups.map((g) => ({ phase: g.phase, level: at.level }));
  return walkSteps(spec, { squeeze: () => [], coupling: () => [], permute: () => [], split: coded, top: coded })
    .reverse()
    .flat();
}
