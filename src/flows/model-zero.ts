/**
 * Model zero: a training-free flow built from classic parts, the default until
 * learned models ship and the basis of the golden test vectors.
 * - colour (RGB only): the reversible YCoCg-R transform as four additive couplings;
 * - per level: squeeze, then the reversible 5/3 lifting of JPEG 2000
 *   (predict + update, horizontally then vertically) as four additive couplings,
 *   then a split keeping LL and coding HL, LH, HH as three groups in turn;
 * - priors: mean 0, log-scale from a fixed rule on decoded context — local
 *   activity (|differences| of LL, |values| of earlier detail bands), mapped to
 *   a log-scale by a piecewise-linear log2 built from ReLU hinges;
 * - top: LL of the last level with a constant wide prior.
 * Everything is an ordinary quantised net, so model zero runs through exactly
 * the same code (and backends) as learned models.
 */
import type { QNet } from '../quant/qnet.js';
import { LOGSCALE_FRAC, MEAN_FRAC } from '../quant/constants.js';
import type { FlowSpec, FlowStep, PriorGroup } from './spec.js';
import { BIG, colourSteps, emptyConv as conv, liftingSteps, setWeight as setW } from './lifting.js';

/** Tunable constants of the scale rule (fitted on training images, never on eval sets). */
export interface ModelZeroParams {
  channels: 1 | 3;
  levels: number;
  /** Weights of |LL differences|, |other bands' values| and |same band's values| in the activity (sum, then >> 2). */
  llWeight: number;
  detailWeight: number;
  sameBandWeight: number;
  /** Scale rule per group (HL0, HL1, LH0, LH1, HH0, HH1): s = gain · (activity + offset). */
  gain: number[];
  offset: number;
}

export const MODEL_ZERO_DEFAULTS: Omit<ModelZeroParams, 'channels'> = {
  levels: 5,
  llWeight: 2,
  detailWeight: 3,
  sameBandWeight: 4,
  gain: [0.14, 0.08, 0.09, 0.065, 0.045, 0.04],
  offset: 2,
};

const ACT_MAX = 4095;

/**
 * ReLU-hinge approximation of ls(A) = 2^LOGSCALE_FRAC · log2(gain/16 · (A + offset)),
 * knots at A = 0, 1, 2, 4, …, 2048; returns (weights per hinge, bias) scaled by 2^shift.
 */
function logHinges(gain: number, offset: number, shift: number): { knots: number[]; w: number[]; bias: number } {
  const knots = [0];
  for (let t = 1; t <= 2048; t *= 2) knots.push(t);
  const g = (a: number) => 2 ** LOGSCALE_FRAC * Math.log2(gain * (a + offset));
  const slopes = knots.map((t, i) => (i + 1 < knots.length ? (g(knots[i + 1]) - g(t)) / (knots[i + 1] - t) : 0));
  const w = slopes.map((s, i) => Math.round((s - (i ? slopes[i - 1] : 0)) * 2 ** shift));
  return { knots, w, bias: Math.round(g(0) * 2 ** shift) };
}

/**
 * Prior net for one detail group (output [mean_k…, log-scale_k…]): per colour k, activity A from |LL
 * differences| and |values| of the earlier groups' planes (centre and four
 * neighbours; zeros where a phase is not yet decoded), then a log-scale by
 * ReLU hinges. `earlier[e]` is the band (0 HL, 1 LH, 2 HH) of earlier group e.
 */
export function detailPrior(p: ModelZeroParams, C: number, band: number, earlier: number[], gain: number): QNet {
  const ctxCount = C + earlier.length * C;
  const featPerColour = 4 + 5 * earlier.length;
  const l1 = conv(3, 3, ctxCount, 2 * featPerColour * C, 0, 0, ACT_MAX);
  const l2 = conv(1, 1, l1.cout, C, 2, 0, ACT_MAX);
  for (let k = 0; k < C; k++) {
    let f = 2 * featPerColour * k;
    const feat = (taps: Array<[number, number, number, number]>, weight: number) => {
      for (const [ky, kx, ci, v] of taps) {
        setW(l1, ky, kx, ci, f, v);
        setW(l1, ky, kx, ci, f + 1, -v);
      }
      setW(l2, 0, 0, f, k, weight);
      setW(l2, 0, 0, f + 1, k, weight);
      f += 2;
    };
    const ll = k;
    feat(
      [
        [1, 1, ll, 1],
        [1, 0, ll, -1],
      ],
      p.llWeight,
    );
    feat(
      [
        [1, 2, ll, 1],
        [1, 1, ll, -1],
      ],
      p.llWeight,
    );
    feat(
      [
        [1, 1, ll, 1],
        [0, 1, ll, -1],
      ],
      p.llWeight,
    );
    feat(
      [
        [2, 1, ll, 1],
        [1, 1, ll, -1],
      ],
      p.llWeight,
    );
    earlier.forEach((b, e) => {
      const ci = C + e * C + k;
      const wgt = b === band ? p.sameBandWeight : p.detailWeight;
      feat([[1, 1, ci, 1]], 2 * wgt);
      for (const [ky, kx] of [
        [0, 1],
        [2, 1],
        [1, 0],
        [1, 2],
      ])
        feat([[ky, kx, ci, 1]], wgt);
    });
  }
  // Layer 3: hinges relu(A − t) per colour; layer 4: mean = 0, ls = Σ w·hinge + bias.
  const HSHIFT = 6;
  const { knots, w, bias } = logHinges(gain, p.offset, HSHIFT);
  const l3 = conv(1, 1, C, knots.length * C, 0, 0, ACT_MAX);
  const l4 = conv(1, 1, l3.cout, 2 * C, HSHIFT, -(1 << 20), 1 << 20);
  for (let k = 0; k < C; k++) {
    knots.forEach((t, m) => {
      const h = k * knots.length + m;
      setW(l3, 0, 0, k, h, 1);
      l3.bias[h] = -t;
      setW(l4, 0, 0, h, C + k, w[m]);
    });
    l4.bias[C + k] = bias;
  }
  return { inLo: -BIG - 1, inHi: BIG, layers: [l1, l2, l3, l4] };
}

/** Builds model zero's flow for gray (1) or RGB (3) input. */
export function buildModelZero(p: ModelZeroParams): FlowSpec {
  const C = p.channels;
  const steps: FlowStep[] = C === 3 ? colourSteps() : [];
  for (let level = 0; level < p.levels; level++) {
    steps.push({ op: 'squeeze' });
    steps.push(...liftingSteps(C));
    const factor = [1, 2, 3].flatMap((o) => Array.from({ length: C }, (_, k) => 4 * k + o));
    // Six groups: HL, LH, HH, each as checkerboard phase 0 then phase 1.
    const groups: PriorGroup[] = [];
    const earlier: number[] = [];
    for (let band = 0; band < 3; band++) {
      for (const phase of [0, 1] as const) {
        groups.push({
          channels: Array.from({ length: C }, (_, k) => band * C + k),
          mixture: 1,
          phase,
          net: detailPrior(p, C, band, earlier.slice(), p.gain[2 * band + phase]),
        });
        earlier.push(band);
      }
    }
    steps.push({ op: 'split', factor, groups });
  }
  // Top: the last LL with a constant wide prior (Y around mid-grey, chroma around 0).
  const ls = Math.round(2 ** LOGSCALE_FRAC * Math.log2(32));
  const means = Array.from({ length: C }, (_, k) => (k === 0 ? 128 << MEAN_FRAC : 0));
  steps.push({ op: 'top', groups: [{ channels: Array.from({ length: C }, (_, k) => k), mixture: 1, net: null, constant: [...means, ...Array(C).fill(ls)] }] });
  return { channels: C, inputMin: 0, inputMax: 255, steps };
}
