/**
 * Fits the constant prior of a flow's top group (the few coarsest latents of
 * each tile, coded with no context) to training images. The architecture
 * starts it as a wide logistic around mid-grey, which costs a Fashion-MNIST
 * image about 10 bits for each of its 4 top pixels although most of them are
 * black background; the fit chooses, per channel, the integer mixture
 * parameters (means, log-scales, logits) with the smallest exact code length
 * under the integer CDF the coder uses (with the format's latent support).
 * The prior is a constant, so the code length is a sum over a histogram of
 * the top latents and the search is cheap. Deterministic: same images, same
 * constant.
 */
import { codingSupport, skipPadding } from '../src/codec/tile-coder.js';
import { forward } from '../src/flows/flow.js';
import { groupPositions, paramsPerChannel, type FlowSpec, type PriorGroup } from '../src/flows/spec.js';
import { LOGIT_RANGE, LOGSCALE_MAX, LOGSCALE_MIN, MEAN_LIMIT } from '../src/quant/constants.js';
import { LeakyMixtureCdf } from '../src/quant/logistic-cdf.js';
import type { NetRunner } from '../src/quant/runner.js';
import type { Img } from './data.js';
import { codedBpsp, imageTiles } from './evaluate.js';

/** Per channel of the top group: value → how many top latents of the images hold it. */
export type TopHistogram = Array<Map<number, number>>;

/** The flow's top group, if it is one constant (context-free) group. */
function topGroup(flow: FlowSpec): PriorGroup | null {
  const top = flow.steps[flow.steps.length - 1];
  if (top?.op !== 'top' || top.groups.length !== 1 || top.groups[0].net !== null || !top.groups[0].constant) return null;
  return top.groups[0];
}

/** Histogram of the top latents of `images`, cut into tiles as the codec cuts them (padded latents that are not coded are left out), at most `maxTiles` tiles per image. */
export function topHistogram(flow: FlowSpec, runner: NetRunner, images: Img[], maxTiles = 4): TopHistogram {
  const g = topGroup(flow);
  if (!g) throw new Error('the flow has no constant top prior');
  const hist: TopHistogram = g.channels.map(() => new Map());
  for (const im of images) {
    for (const { r, tile } of imageTiles(flow, im, maxTiles)) {
      const groups = forward(flow, runner, tile, r.ph, r.pw, { params: false });
      const top = groups[0]; // decode order: the top group first
      const skip = skipPadding(flow, r.ph, r.pw, r);
      const pos = skip ? skip[0] : groupPositions(top.group.phase, top.h, top.w);
      top.values.forEach((v, j) => {
        for (const i of pos) hist[j].set(v[i], (hist[j].get(v[i]) ?? 0) + 1);
      });
    }
  }
  return hist;
}

/** Exact bits of histogram `h` under one channel's parameters p = [means…, log-scales…, logits… (K > 1)]. */
function histogramBits(cdf: LeakyMixtureCdf, K: number, p: number[], h: Map<number, number>): number {
  cdf.set(p.slice(0, K), p.slice(K, 2 * K), K > 1 ? p.slice(2 * K) : null, 0, 1);
  let bits = 0;
  for (const [z, n] of h) bits += n * cdf.bits(z);
  return bits;
}

/** Legal range of parameter i of [means…, log-scales…, logits…]. */
function clampParam(K: number, i: number, v: number): number {
  const [lo, hi] = i < K ? [-MEAN_LIMIT, MEAN_LIMIT] : i < 2 * K ? [LOGSCALE_MIN, LOGSCALE_MAX] : [-LOGIT_RANGE, LOGIT_RANGE];
  return Math.max(lo, Math.min(hi, v));
}

/** Coordinate descent on integer parameters from `start`, steps 256 down to 1; returns the best point and its bits. */
function descend(cdf: LeakyMixtureCdf, K: number, start: number[], h: Map<number, number>): { p: number[]; bits: number } {
  let p = start.map((v, i) => clampParam(K, i, v)),
    bits = histogramBits(cdf, K, p, h);
  for (const step of [256, 64, 16, 4, 1]) {
    for (let improved = true; improved;) {
      improved = false;
      for (let i = 0; i < p.length; i++) {
        for (const d of [step, -step]) {
          const q = p.slice();
          q[i] = clampParam(K, i, q[i] + d);
          const b = histogramBits(cdf, K, q, h);
          if (b < bits - 1e-9) {
            p = q;
            bits = b;
            improved = true;
          }
        }
      }
    }
  }
  return { p, bits };
}

/** A start that spreads the K components over the histogram's quantiles, each of log-scale about a K-th of the spread. */
function quantileStart(K: number, h: Map<number, number>): number[] {
  const values = [...h.entries()].sort((a, b) => a[0] - b[0]);
  const total = values.reduce((n, [, c]) => n + c, 0);
  const at = (q: number) => {
    let n = 0;
    for (const [v, c] of values) {
      n += c;
      if (n >= q * total) return v;
    }
    return values[values.length - 1][0];
  };
  const spread = Math.max(1, at(0.9) - at(0.1));
  const means = Array.from({ length: K }, (_, c) => at((c + 0.5) / K) * 16);
  const ls = Array(K).fill(Math.round(16 * Math.log2(Math.max(1 / 16, spread / (4 * K)))));
  return [...means, ...ls, ...(K > 1 ? Array(K).fill(0) : [])];
}

/**
 * The top prior's constant fitted to the histogram: per channel, the better of
 * a descent from the current constant and one from the histogram's quantiles.
 * Returns the new constant (same layout as PriorGroup.constant) and the bits
 * of the histogram before and after.
 */
export function fitTopConstant(flow: FlowSpec, hist: TopHistogram): { constant: number[]; before: number; after: number } {
  const g = topGroup(flow);
  if (!g) throw new Error('the flow has no constant top prior');
  const K = g.mixture,
    nT = g.channels.length,
    per = paramsPerChannel(K) / K; // kinds per component
  const cdf = new LeakyMixtureCdf(K, codingSupport(flow));
  const constant = g.constant!.slice();
  let before = 0,
    after = 0;
  for (let j = 0; j < nT; j++) {
    if (hist[j].size === 0) continue;
    // Channel j's parameters: constant[(kind·K + c)·nT + j].
    const index = Array.from({ length: per * K }, (_, t) => t * nT + j);
    const current = index.map((i) => constant[i]);
    const b0 = histogramBits(cdf, K, current, hist[j]);
    const fits = [descend(cdf, K, current, hist[j]), descend(cdf, K, quantileStart(K, hist[j]), hist[j])];
    const best = fits[0].bits <= fits[1].bits ? fits[0] : fits[1];
    before += b0;
    if (best.bits < b0) {
      index.forEach((i, t) => {
        constant[i] = best.p[t];
      });
      after += best.bits;
    } else after += b0;
  }
  return { constant, before, after };
}

/** The flow with its top prior's constant replaced (every other step shared). */
export function withTopConstant(flow: FlowSpec, constant: number[]): FlowSpec {
  const g = topGroup(flow);
  if (!g || constant.length !== g.constant!.length) throw new Error("constant does not fit the flow's top prior");
  const steps = flow.steps.slice();
  steps[steps.length - 1] = { op: 'top', groups: [{ ...g, constant }] };
  return { ...flow, steps };
}

/** At most this many training images feed {@link fitTopPrior} (every n-th image). */
export const FIT_IMAGES = 3000;

/** What {@link fitTopPrior} did: the flow to ship and the figures that decided it. */
export interface TopPriorFit {
  flow: FlowSpec;
  /** Training images the histogram came from, and their top latents' bits per image before and after. */
  images: number;
  bitsBefore: number;
  bitsAfter: number;
  /** Validation bpsp of the flow given and of the fitted one. */
  valBefore: number;
  valAfter: number;
  /** True when the fitted flow is returned (it codes the validation images smaller). */
  kept: boolean;
}

/** A model manifest's `measured` record after a fit: the validation bpsp of the flow that is kept, and whether the top prior was fitted. */
export function measuredAfterFit(measured: object, fit: TopPriorFit): Record<string, unknown> {
  return { ...measured, valBpsp: fit.kept ? fit.valAfter : fit.valBefore, topPriorFitted: fit.kept };
}

/** Fits the top prior of `flow` on (at most FIT_IMAGES of) `train`; keeps the fit only if it codes `val` smaller. */
export function fitTopPrior(flow: FlowSpec, runner: NetRunner, train: Img[], val: Img[]): TopPriorFit {
  const fitOn = train.filter((_, i) => i % Math.ceil(train.length / FIT_IMAGES) === 0);
  const fit = fitTopConstant(flow, topHistogram(flow, runner, fitOn));
  const fitted = withTopConstant(flow, fit.constant);
  const valBefore = codedBpsp(flow, runner, val),
    valAfter = codedBpsp(fitted, runner, val);
  const kept = valAfter < valBefore;
  return { flow: kept ? fitted : flow, images: fitOn.length, bitsBefore: fit.before / fitOn.length, bitsAfter: fit.after / fitOn.length, valBefore, valAfter, kept };
}
