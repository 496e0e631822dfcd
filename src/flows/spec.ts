/**
 * The architecture description of a flow: plain data (JSON in a model file),
 * from which both the integer coding flow (flow.ts) and the float training
 * model are built. Channels are indexed in the current tensor at each step.
 *
 * Steps, applied in order by `forward`:
 * - `squeeze`: (C, H, W) → (4C, H/2, W/2); channel 4c + 2dy + dx holds x[c][2y+dy][2x+dx].
 * - `coupling`: x[target[i]] += net(x[cond])[i] — an additive integer coupling.
 * - `permute`: x' = perm.map(i => x[i]).
 * - `split`: channels `factor` are coded here (in `groups`, each conditioned on
 *   the kept channels and on the earlier groups); the rest go on.
 * - `top` (last step): all remaining channels are coded in `groups`.
 */
import type { QNet } from '../quant/qnet.js';

/** How one group of factored-out channels is modelled. */
export interface PriorGroup {
  /** Indices into the factored channel list of the split (or all channels, for `top`). */
  channels: number[];
  /** Logistic mixture components K ≥ 1. */
  mixture: number;
  /**
   * Net from [kept channels, earlier groups' channels] to the prior parameters:
   * (2 + (K>1)) · K · channels.length planes, ordered (kind, component, channel),
   * kinds = mean (2^-MEAN_FRAC units), log-scale (2^-LOGSCALE_FRAC log2 units), logit.
   * Null when the group has no context (first group of `top`): use `constant`.
   */
  net: QNet | null;
  /** Constant parameters (same order as the net's output) when `net` is null. */
  constant?: number[];
  /**
   * Optional fixed base net on the same context, output [mean_j…, log-scale_j…]
   * (2 · channels planes), added to every component's mean and log-scale: the
   * learned `net` then predicts a residual on top of a classic rule (model zero).
   */
  base?: QNet;
  /**
   * Checkerboard phase: when set, the group codes only positions with
   * (y + x) % 2 === phase, and later groups see its channels with zeros at the
   * other positions. A channel is then coded by two groups, phase 0 then 1.
   */
  phase?: 0 | 1;
}

const positionCache = new Map<string, Int32Array>();

/** Indices i = y·w + x of the positions a group codes (all, or one checkerboard phase), in raster order. Cached; do not modify. */
export function groupPositions(phase: 0 | 1 | undefined, h: number, w: number): Int32Array {
  const key = `${phase}:${h}:${w}`;
  let p = positionCache.get(key);
  if (!p) {
    const idx: number[] = [];
    for (let y = 0; y < h; y++) {
      if (phase === undefined) for (let x = 0; x < w; x++) idx.push(y * w + x);
      else for (let x = (y + phase) & 1; x < w; x += 2) idx.push(y * w + x);
    }
    p = Int32Array.from(idx);
    if (positionCache.size > 256) positionCache.clear();
    positionCache.set(key, p);
  }
  return p;
}

export type FlowStep =
  | { op: 'squeeze' }
  | { op: 'coupling'; target: number[]; cond: number[]; net: QNet }
  | { op: 'permute'; perm: number[] }
  | { op: 'split'; factor: number[]; groups: PriorGroup[] }
  | { op: 'top'; groups: PriorGroup[] };

/** A whole flow: input channels (1 gray, 3 RGB), input sample range, and steps. */
export interface FlowSpec {
  channels: number;
  /** Inclusive input sample range, e.g. [0, 255]. */
  inputMin: number;
  inputMax: number;
  steps: FlowStep[];
}

/** Number of prior parameter planes per channel for a K-component mixture. */
export function paramsPerChannel(k: number): number {
  return k > 1 ? 3 * k : 2;
}

/** Number of squeezes: tiles are padded to a multiple of 2^levels. */
export function flowLevels(spec: FlowSpec): number {
  return spec.steps.filter((s) => s.op === 'squeeze').length;
}

/** Every net in the flow, in step order (for canaries, bound checks, MAC counts). */
export function flowNets(spec: FlowSpec): QNet[] {
  const nets: QNet[] = [];
  for (const s of spec.steps) {
    if (s.op === 'coupling') nets.push(s.net);
    if (s.op === 'split' || s.op === 'top') for (const g of s.groups) for (const n of [g.base, g.net]) if (n) nets.push(n);
  }
  return nets;
}
