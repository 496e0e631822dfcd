/**
 * The exact integer flow: `forward` maps a tile to latent groups with their
 * prior parameters; `inverse` rebuilds the tile from a callback that decodes
 * each group given its parameters. All arithmetic is integer (nets run under
 * the exact-integer discipline), so inverse(forward(x)) = x bit for bit.
 * Tensors are planar: one Int32Array of h*w values per channel.
 */
import { LATENT_LIMIT } from '../quant/constants.js';
import type { NetRunner } from '../quant/runner.js';
import { factorOf, groupPositions, paramsPerChannel, walkChannels, walkSteps, type CodedStep, type FlowSpec, type PriorGroup, type StepPlace } from './spec.js';

/** Thrown by `forward` when a latent leaves [-LATENT_LIMIT, LATENT_LIMIT): the caller codes the tile another way. */
export class LatentRangeError extends Error {}

/** One group of latents as coded: values and the prior parameters they are coded with. */
export interface CodedGroup {
  group: PriorGroup;
  h: number;
  w: number;
  /** Latent planes, one per group channel (zero outside the group's phase). */
  values: Int32Array[];
  /** Parameter planes, paramsPerChannel(K) · channels (see PriorGroup.net); empty if not requested. */
  params: Int32Array[];
  /** The prior net's input planes (kept channels, then earlier groups), when requested (training). */
  context?: Int32Array[];
}

/** What `forward` computes besides the latents. */
export interface ForwardOptions {
  /** Run the prior nets (default true; training skips them). */
  params?: boolean;
  /** Return each group's context planes (default false). */
  context?: boolean;
}

/** Decodes one group's latent planes (zero outside its phase) given its parameters (used by `inverse`). */
export type GroupDecoder = (group: PriorGroup, params: Int32Array[], h: number, w: number) => Int32Array[];

/** Squeeze of planar channels: (C, h, w) → (4C, h/2, w/2), channel 4c + 2dy + dx holding x[c][2y+dy][2x+dx]. */
export function squeeze(x: Int32Array[], h: number, w: number): Int32Array[] {
  const h2 = h >> 1,
    w2 = w >> 1;
  const out: Int32Array[] = [];
  for (const p of x) {
    for (let dy = 0; dy < 2; dy++) {
      for (let dx = 0; dx < 2; dx++) {
        const q = new Int32Array(h2 * w2);
        for (let y = 0; y < h2; y++) for (let i = 0; i < w2; i++) q[y * w2 + i] = p[(2 * y + dy) * w + 2 * i + dx];
        out.push(q);
      }
    }
  }
  return out;
}

function unsqueeze(x: Int32Array[], h2: number, w2: number): Int32Array[] {
  const w = 2 * w2;
  const out: Int32Array[] = [];
  for (let c = 0; c < x.length; c += 4) {
    const p = new Int32Array(4 * h2 * w2);
    for (let k = 0; k < 4; k++) {
      const q = x[c + k],
        dy = k >> 1,
        dx = k & 1;
      for (let y = 0; y < h2; y++) for (let i = 0; i < w2; i++) p[(2 * y + dy) * w + 2 * i + dx] = q[y * w2 + i];
    }
    out.push(p);
  }
  return out;
}

function groupParams(runner: NetRunner, g: PriorGroup, context: Int32Array[], h: number, w: number): Int32Array[] {
  const n = h * w;
  const count = paramsPerChannel(g.mixture) * g.channels.length;
  const params = g.net ? runner.run(g.net, context, h, w) : Array.from({ length: count }, (_, i) => new Int32Array(n).fill(g.constant![i]));
  if (g.base) {
    // Base [mean_j, logscale_j] is added to every component's mean and log-scale.
    const base = runner.run(g.base, context, h, w);
    const K = g.mixture,
      nT = g.channels.length;
    for (let kind = 0; kind < 2; kind++) {
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < nT; j++) {
          const p = params[(kind * K + k) * nT + j],
            b = base[kind * nT + j];
          for (let i = 0; i < n; i++) p[i] += b[i];
        }
      }
    }
  }
  return params;
}

/** The plane with zeros outside checkerboard phase `phase` (the plane itself when phase is undefined). */
function masked(p: Int32Array, phase: 0 | 1 | undefined, h: number, w: number): Int32Array {
  if (phase === undefined) return p;
  const q = new Int32Array(p.length);
  const pos = groupPositions(phase, h, w);
  for (let k = 0; k < pos.length; k++) q[pos[k]] = p[pos[k]];
  return q;
}

/** p + d as a new plane; LatentRangeError if a value leaves [-LATENT_LIMIT, LATENT_LIMIT). */
function addInRange(p: Int32Array, d: Int32Array): Int32Array {
  const out = new Int32Array(p.length);
  const lo = -LATENT_LIMIT,
    hi = LATENT_LIMIT - 1;
  for (let i = 0; i < out.length; i++) {
    const v = p[i] + d[i];
    if (v < lo || v > hi) throw new LatentRangeError('latent out of range');
    out[i] = v;
  }
  return out;
}

/** p − d as a new plane. */
function subtract(p: Int32Array, d: Int32Array): Int32Array {
  const out = new Int32Array(p.length);
  for (let i = 0; i < out.length; i++) out[i] = p[i] - d[i];
  return out;
}

function complement(c: number, factor: number[]): number[] {
  const f = new Set(factor);
  return Array.from({ length: c }, (_, i) => i).filter((i) => !f.has(i));
}

/**
 * Runs the flow on a tile (planar channels, h and w multiples of 2^levels,
 * samples in [inputMin, inputMax]). Returns the coded groups in DECODE order
 * (top first, then splits from last to first). Throws LatentRangeError if a
 * coupling pushes a value out of the latent range.
 */
export function forward(spec: FlowSpec, runner: NetRunner, tile: Int32Array[], h: number, w: number, opts: ForwardOptions = {}): CodedGroup[] {
  const wantParams = opts.params ?? true;
  const bySplit = walkChannels<Int32Array, CodedGroup[]>(spec, tile, h, w, {
    squeeze: squeeze,
    coupling: (step, x, sh, sw) => {
      const t = runner.run(
        step.net,
        step.cond.map((i) => x[i]),
        sh,
        sw,
      );
      const y = x.slice();
      step.target.forEach((ti, k) => {
        y[ti] = addInRange(x[ti], t[k]);
      });
      return y;
    },
    coded: (step, x, factor, sh, sw) => {
      const context = step.op === 'split' ? complement(x.length, factor).map((i) => x[i]) : [];
      return step.groups.map((g) => {
        const values = g.channels.map((j) => masked(x[factor[j]], g.phase, sh, sw));
        const coded = { group: g, h: sh, w: sw, values, params: wantParams ? groupParams(runner, g, context, sh, sw) : [], ...(opts.context ? { context: context.slice() } : {}) };
        context.push(...values);
        return coded;
      });
    },
  });
  return bySplit.reverse().flat();
}

/**
 * Rebuilds a tile of size h×w from its latents: walks the steps backwards,
 * asking `decode` for each group (in the same order `forward` returns them).
 */
export function inverse(spec: FlowSpec, runner: NetRunner, h: number, w: number, decode: GroupDecoder): Int32Array[] {
  let x: Int32Array[] = [];
  const coded = (step: CodedStep, at: StepPlace) => {
    const sh = h >> at.level,
      sw = w >> at.level,
      sc = at.channels;
    const factor = factorOf(step, sc);
    const keptIdx = step.op === 'split' ? complement(sc, factor) : [];
    const context = x.slice();
    const full = new Array<Int32Array>(sc);
    keptIdx.forEach((ci, k) => {
      full[ci] = x[k];
    });
    for (const ci of factor) full[ci] = new Int32Array(sh * sw);
    for (const g of step.groups) {
      const values = decode(g, groupParams(runner, g, context, sh, sw), sh, sw);
      g.channels.forEach((j, k) => {
        const dst = full[factor[j]],
          src = values[k];
        for (let i = 0; i < dst.length; i++) dst[i] += src[i];
      });
      context.push(...values);
    }
    x = full;
  };
  walkSteps(
    spec,
    {
      squeeze: (_, at) => {
        x = unsqueeze(x, h >> (at.level + 1), w >> (at.level + 1));
      },
      coupling: (step, at) => {
        const t = runner.run(
          step.net,
          step.cond.map((i) => x[i]),
          h >> at.level,
          w >> at.level,
        );
        x = x.slice();
        step.target.forEach((ti, k) => {
          x[ti] = subtract(x[ti], t[k]);
        });
      },
      permute: (step) => {
        const y = new Array<Int32Array>(x.length);
        step.perm.forEach((src, dst) => {
          y[src] = x[dst];
        });
        x = y;
      },
      split: coded,
      top: coded,
    },
    'reverse',
  );
  return x;
}
