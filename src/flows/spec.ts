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

/** One step of a flow (see the module comment); code that branches on `op` goes through `visitStep` / `walkSteps`. */
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

/** Where a step sits in its flow, as the walker reports it. */
export interface StepPlace {
  /** Index of the step in `spec.steps`. */
  index: number;
  /** Squeezes before the step: its tensor is 2^-level of the tile's height and width. */
  level: number;
  /** Channels of the tensor the step receives (in `forward` order). */
  channels: number;
}

/**
 * One handler per step type. The mapped type makes every op required, so a
 * new step type is a compile error in every visitor until it is handled.
 */
export type StepVisitor<R = void> = { [K in FlowStep['op']]: (step: Extract<FlowStep, { op: K }>, at: StepPlace) => R };

/** Throws for a step whose op is none of FlowStep's (a model from a newer flowzip, or a bug): no code passes it silently. */
export function unknownStep(step: unknown): never {
  throw new Error(`unknown flow step type '${String((step as { op?: unknown } | null)?.op)}'`);
}

/** The one dispatch on a step's type: calls the visitor's handler for `step.op`; an unknown op throws (unknownStep). */
export function visitStep<R>(step: FlowStep, at: StepPlace, visitor: StepVisitor<R>): R {
  switch (step.op) {
    case 'squeeze':
      return visitor.squeeze(step, at);
    case 'coupling':
      return visitor.coupling(step, at);
    case 'permute':
      return visitor.permute(step, at);
    case 'split':
      return visitor.split(step, at);
    case 'top':
      return visitor.top(step, at);
    default:
      return unknownStep(step);
  }
}

/** The place of every step (index, level, channels before it); throws on an unknown step type. */
export function stepPlaces(spec: FlowSpec): StepPlace[] {
  const places: StepPlace[] = [];
  let level = 0,
    channels = spec.channels;
  for (const [index, step] of spec.steps.entries()) {
    const at = { index, level, channels };
    places.push(at);
    visitStep(step, at, {
      squeeze: () => {
        level++;
        channels *= 4;
      },
      coupling: () => {},
      permute: () => {},
      split: (s) => {
        channels -= s.factor.length;
      },
      top: () => {
        channels = 0;
      },
    });
  }
  return places;
}

/**
 * Walks the steps with `visitor`, in `forward` order or in `reverse` (as
 * `inverse` does), and returns the handlers' results in the order called.
 * Every step is checked first: an unknown step type throws before any
 * handler runs.
 */
export function walkSteps<R>(spec: FlowSpec, visitor: StepVisitor<R>, order: 'forward' | 'reverse' = 'forward'): R[] {
  const places = stepPlaces(spec);
  if (order === 'reverse') places.reverse();
  return places.map((at) => visitStep(spec.steps[at.index], at, visitor));
}

/** The channels a split or top step codes, as indices into the tensor it receives (`top`: all `channels` of it). */
export function factorOf(step: Extract<FlowStep, { op: 'split' | 'top' }>, channels: number): number[] {
  return step.op === 'split' ? step.factor : Array.from({ length: channels }, (_, i) => i);
}

/** A split or top step: the steps that code groups of channels. */
export type CodedStep = Extract<FlowStep, { op: 'split' | 'top' }>;

/**
 * What a forward walk over the channels does at each step (walkChannels):
 * the caller's per-channel values T are rearranged by permutations itself.
 */
export interface ChannelWalk<T, R> {
  /** The values after a squeeze of an h×w tensor. */
  squeeze(x: T[], h: number, w: number): T[];
  /** The values after a coupling on an h×w tensor. */
  coupling(step: Extract<FlowStep, { op: 'coupling' }>, x: T[], h: number, w: number): T[];
  /** What a coded step yields, given the values it receives and the channels it codes (`factor`); the walk then keeps the others. */
  coded(step: CodedStep, x: T[], factor: number[], h: number, w: number): R;
}

/**
 * Walks the steps forward from per-channel values `x` on an h×w tile,
 * tracking the values through squeezes, couplings, permutations and splits
 * (which keep the channels they do not code); returns what `coded` yields
 * for each split and top, in step order. An unknown step type throws.
 */
export function walkChannels<T, R>(spec: FlowSpec, x: T[], h: number, w: number, walk: ChannelWalk<T, R>): R[] {
  const out: R[] = [];
  const coded = (step: CodedStep, at: StepPlace) => {
    const factor = factorOf(step, x.length);
    out.push(walk.coded(step, x, factor, h >> at.level, w >> at.level));
    const f = new Set(factor);
    x = x.filter((_, i) => !f.has(i));
  };
  walkSteps(spec, {
    squeeze: (_, at) => {
      x = walk.squeeze(x, h >> at.level, w >> at.level);
    },
    coupling: (step, at) => {
      x = walk.coupling(step, x, h >> at.level, w >> at.level);
    },
    permute: (step) => {
      x = step.perm.map((i) => x[i]);
    },
    split: coded,
    top: coded,
  });
  return out;
}

/** Number of prior parameter planes per channel for a K-component mixture. */
export function paramsPerChannel(k: number): number {
  return k > 1 ? 3 * k : 2;
}

/** Number of squeezes: tiles are padded to a multiple of 2^levels. */
export function flowLevels(spec: FlowSpec): number {
  const places = stepPlaces(spec);
  const last = places[places.length - 1];
  return last ? last.level + (spec.steps[last.index].op === 'squeeze' ? 1 : 0) : 0;
}

/** Every net in the flow, in step order (for canaries, bound checks, MAC counts). */
export function flowNets(spec: FlowSpec): QNet[] {
  return scaledFlowNets(spec).map((n) => n.net);
}

/** Nets of the priors of groups: each group's base net (if any), then its own net (if any). */
function groupNets(groups: PriorGroup[]): QNet[] {
  return groups.flatMap((g) => [g.base, g.net].filter((n): n is QNet => n !== undefined && n !== null));
}

/**
 * Every net in the flow, in step order (coupling nets; per prior group its
 * base net, then its own net), with the resolution it runs at relative to
 * the tile: 4^-level (¼ per squeeze before it).
 */
export function scaledFlowNets(spec: FlowSpec): Array<{ net: QNet; scale: number }> {
  const at = (nets: QNet[], p: StepPlace) => nets.map((net) => ({ net, scale: 4 ** -p.level }));
  return walkSteps(spec, {
    squeeze: () => [],
    coupling: (s, p) => at([s.net], p),
    permute: () => [],
    split: (s, p) => at(groupNets(s.groups), p),
    top: (s, p) => at(groupNets(s.groups), p),
  }).flat();
}
