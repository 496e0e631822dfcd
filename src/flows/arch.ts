/**
 * Architecture description of learned models — the one source of truth from
 * which both the float (training) model and the integer (coding) flow are
 * built. A learned model keeps model zero's exact transform (YCoCg-R, then per
 * level a squeeze and 5/3 lifting, a split into HL, LH, HH as checkerboard
 * phase groups) — or, with `transform: 'pixels'`, the same squeezes and
 * splits without the lifting, so each level codes 3 of every 2×2 pixels given
 * the subsampled image — and learns the prior net of every group: a small
 * conv net from the decoded context to the discretised-logistic-mixture parameters.
 *
 * Fixed-point conventions of learned prior nets (float ↔ integer):
 * - input: latent integers, clamped to ±IN_CLAMP; float input = int / IN_SCALE;
 * - hidden: ReLU clipped to [0, HID_MAX]; float = int / HID_SCALE;
 * - output: means, log2-scales and logits, float = int / OUT_SCALE
 *   (OUT_SCALE = 2^MEAN_FRAC = 2^LOGSCALE_FRAC = 2^LOGIT_FRAC).
 */
import { LOGIT_FRAC, LOGSCALE_FRAC, MEAN_FRAC, LOGSCALE_MIN, LOGSCALE_MAX } from '../quant/constants.js';
import type { QNet } from '../quant/qnet.js';
import { BIG, colourSteps, emptyConv, liftingSteps, setWeight } from './lifting.js';
import { detailPrior, MODEL_ZERO_DEFAULTS } from './model-zero.js';
import { paramsPerChannel, type FlowSpec, type FlowStep, type PriorGroup } from './spec.js';

export const IN_SCALE = 64;
export const IN_CLAMP = 1023;
export const HID_SCALE = 512;
export const HID_MAX = 4095;
export const OUT_SCALE = 16;
/** Output clamp of the last layer (the CDF clamps each parameter further). */
export const OUT_CLAMP = 1 << 20;
/** Float log2-scale range matching LOGSCALE_MIN..LOGSCALE_MAX. */
export const LOG2_SCALE_MIN = LOGSCALE_MIN / 2 ** LOGSCALE_FRAC;
export const LOG2_SCALE_MAX = LOGSCALE_MAX / 2 ** LOGSCALE_FRAC;
if (2 ** MEAN_FRAC !== OUT_SCALE || 2 ** LOGSCALE_FRAC !== OUT_SCALE || 2 ** LOGIT_FRAC !== OUT_SCALE) throw new Error('OUT_SCALE must match the CDF fixed-point conventions');

/** A learned model's architecture (stored in its manifest and in training checkpoints). */
export interface LearnedArch {
  channels: 1 | 3;
  /** Number of levels (squeezes); tiles are padded to multiples of 2^levels. */
  levels: number;
  /** Hidden widths of each prior net (each a kernel×kernel conv + clipped ReLU). */
  hidden: number[];
  kernel: number;
  /** Logistic mixture components per latent. */
  mixture: number;
  /** Levels 1..ownLevels get their own nets; deeper levels share one set. */
  ownLevels: number;
  /** When true, each learned net predicts a residual on model zero's prior (PriorGroup.base). */
  residual?: boolean;
  /**
   * RGB only: code the colour planes of each (band, phase) group one after the
   * other — Y, then Co seeing Y, then Cg seeing Y and Co — instead of side by
   * side. Three times as many (single-channel) nets; the context order is the same.
   */
  channelSplit?: boolean;
  /**
   * 'lifting' (default): model zero's 5/3 lifting after each squeeze, detail
   * bands coded. 'pixels': no lifting — the pixels at odd x or y are coded
   * given the even-even subsample (the kept plane), the base prior of a
   * residual arch being their linear interpolation (`pixelBaseNet`).
   */
  transform?: 'lifting' | 'pixels';
}

/** Band groups per level: HL, LH, HH × checkerboard phase 0, 1. */
export const GROUPS_PER_LEVEL = 6;

/** Coded groups per level: the 6 band groups, each split into its C planes when `channelSplit`. */
export function groupsPerLevel(a: LearnedArch): number {
  return GROUPS_PER_LEVEL * (a.channels / planesPerGroup(a));
}

/** Planes a coded group holds: 1 when the arch splits groups by channel, else C. */
export function planesPerGroup(a: LearnedArch): number {
  return a.channelSplit && a.channels > 1 ? 1 : a.channels;
}

/** One learned prior net: its key, input and output channels. */
export interface PriorSlot {
  key: string;
  /** Level (1-based) of the nets' own level, or ownLevels + 1 for the shared deep set. */
  level: number;
  group: number;
  cin: number;
  cout: number;
}

/** Context channels of coded group g at one level: C (LL) + the planes of every earlier group. */
function groupCin(a: LearnedArch, g: number): number {
  return a.channels + g * planesPerGroup(a);
}

/** The learned nets of an architecture, in a fixed order. */
export function priorSlots(a: LearnedArch): PriorSlot[] {
  const slots: PriorSlot[] = [];
  const sets = Math.min(a.levels, a.ownLevels + 1);
  for (let level = 1; level <= sets; level++) {
    for (let g = 0; g < groupsPerLevel(a); g++) {
      slots.push({ key: slotKey(a, level, g), level, group: g, cin: groupCin(a, g), cout: paramsPerChannel(a.mixture) * planesPerGroup(a) });
    }
  }
  return slots;
}

/** Slot key used by group g at level (1-based). */
export function slotKey(a: LearnedArch, level: number, g: number): string {
  return level <= a.ownLevels ? `L${level}g${g}` : `Ldeepg${g}`;
}

/** Layer shapes of a slot's net: [kh, kw, cin, cout] per layer. */
export function slotLayers(a: LearnedArch, s: PriorSlot): Array<[number, number, number, number]> {
  const shapes: Array<[number, number, number, number]> = [];
  let cin = s.cin;
  for (const h of a.hidden) {
    shapes.push([a.kernel, a.kernel, cin, h]);
    cin = h;
  }
  shapes.push([1, 1, cin, s.cout]);
  return shapes;
}

/** Multiply-accumulates per input pixel of all prior nets (what decode speed pays for). */
export function archMacsPerPixel(a: LearnedArch): number {
  let macs = 0;
  for (let level = 1; level <= a.levels; level++) {
    const px = 1 / 4 ** level;
    for (let g = 0; g < groupsPerLevel(a); g++) {
      const s = { key: '', level, group: g, cin: groupCin(a, g), cout: paramsPerChannel(a.mixture) * planesPerGroup(a) };
      macs += px * slotLayers(a, s).reduce((m, [kh, kw, ci, co]) => m + kh * kw * ci * co, 0);
    }
  }
  return macs;
}

/**
 * The integer flow of a learned architecture, given the integer net of every
 * slot (from export or from a model file). Same transform as model zero.
 */
export function buildLearnedFlow(a: LearnedArch, nets: Map<string, QNet>): FlowSpec {
  const C = a.channels;
  const steps: FlowStep[] = C === 3 ? colourSteps() : [];
  for (let level = 1; level <= a.levels; level++) {
    steps.push({ op: 'squeeze' });
    const pixels = a.transform === 'pixels';
    if (!pixels) steps.push(...liftingSteps(C));
    const factor = [1, 2, 3].flatMap((o) => Array.from({ length: C }, (_, k) => 4 * k + o));
    const groups: PriorGroup[] = [];
    const P = planesPerGroup(a);
    for (let g = 0; g < groupsPerLevel(a); g++) {
      const net = nets.get(slotKey(a, level, g));
      if (!net) throw new Error(`missing prior net ${slotKey(a, level, g)}`);
      // Band group bg (HL, LH, HH × phase); with channelSplit, plane k of it.
      const bg = Math.floor(g / (C / P)),
        k = P === C ? -1 : g % C;
      const band = bg >> 1;
      const base = !a.residual ? undefined : pixels ? pixelBaseNet(C, band, groupCin(a, g), k) : k < 0 ? baseNet(C, bg) : basePlaneNet(baseNet(C, bg), C, k);
      const channels = k < 0 ? Array.from({ length: C }, (_, j) => band * C + j) : [band * C + k];
      groups.push({ channels, mixture: a.mixture, phase: (bg & 1) as 0 | 1, net, ...(base ? { base } : {}) });
    }
    steps.push({ op: 'split', factor, groups });
  }
  const ls = 5 * 2 ** LOGSCALE_FRAC; // s = 32
  const means = Array.from({ length: C }, (_, k) => (k === 0 ? 128 << MEAN_FRAC : 0));
  const K = a.mixture;
  // Top: constant prior, component 0 wide around mid-grey; other components (if any) identical.
  const constant: number[] = [];
  for (let c = 0; c < K; c++) constant.push(...means);
  for (let c = 0; c < K; c++) constant.push(...Array(C).fill(ls));
  if (K > 1) for (let c = 0; c < K; c++) constant.push(...Array(C).fill(0));
  steps.push({ op: 'top', groups: [{ channels: Array.from({ length: C }, (_, k) => k), mixture: K, net: null, constant }] });
  return { channels: C, inputMin: 0, inputMax: 255, steps };
}

/** Model zero's prior net of group g (0..5) for C channels: the base a residual architecture learns on. */
export function baseNet(C: 1 | 3, g: number): QNet {
  const p = { ...MODEL_ZERO_DEFAULTS, channels: C };
  const earlier = [0, 0, 1, 1, 2, 2].slice(0, g);
  return detailPrior(p, C, g >> 1, earlier, p.gain[g]);
}

/** Log-scale of the pixel-domain base prior, in 2^-LOGSCALE_FRAC log2 units (s = 4). */
export const PIXEL_BASE_LOGSCALE = 2 << LOGSCALE_FRAC;

/**
 * Base prior of the pixel-domain transform for one group of band `band`
 * (0: pixels (2y, 2x+1), 1: (2y+1, 2x), 2: (2y+1, 2x+1)) with `cin` context
 * planes (the C kept planes first): mean = the bilinear interpolation of the
 * kept even-even pixels around it, log-scale PIXEL_BASE_LOGSCALE; output
 * [mean_j…, log-scale_j…] for every plane j of the group (plane k only when k ≥ 0).
 */
export function pixelBaseNet(C: number, band: number, cin: number, k: number): QNet {
  const planes = k < 0 ? Array.from({ length: C }, (_, j) => j) : [k];
  const n = planes.length;
  const l = emptyConv(3, 3, cin, 2 * n, 0, -OUT_CLAMP, OUT_CLAMP);
  // Kept pixel (y, x) sits at kernel (1, 1); its right and lower neighbours at (1, 2) and (2, 1).
  const taps = [
    [
      [1, 1],
      [1, 2],
    ],
    [
      [1, 1],
      [2, 1],
    ],
    [
      [1, 1],
      [1, 2],
      [2, 1],
      [2, 2],
    ],
  ][band];
  const w = 2 ** MEAN_FRAC / taps.length;
  planes.forEach((c, j) => {
    for (const [ky, kx] of taps) setWeight(l, ky, kx, c, j, w);
    l.bias[n + j] = PIXEL_BASE_LOGSCALE;
  });
  return { inLo: -BIG - 1, inHi: BIG, layers: [l] };
}

/**
 * Model zero's base net of one plane k of a C-plane group, for a context that
 * also holds the group's planes 0..k-1 (appended last, with zero weights:
 * model zero does not look at them): the same rule, the outputs mean_k and log-scale_k.
 */
export function basePlaneNet(net: QNet, C: number, k: number): QNet {
  const layers = net.layers.map((l, i) => {
    let { cin, cout, weights, bias } = l;
    if (i === 0 && k > 0) {
      const w = new Int32Array(l.kh * l.kw * (cin + k) * cout);
      for (let t = 0; t < l.kh * l.kw; t++) for (let c = 0; c < cin; c++) w.set(weights.subarray((t * cin + c) * cout, (t * cin + c + 1) * cout), (t * (cin + k) + c) * cout);
      weights = w;
      cin += k;
    }
    if (i === net.layers.length - 1) {
      if (cout !== 2 * C) throw new Error(`base net has ${cout} outputs, expected ${2 * C}`);
      const pick = [k, C + k];
      const w = new Int32Array(l.kh * l.kw * cin * 2);
      for (let r = 0; r < l.kh * l.kw * cin; r++) for (let o = 0; o < 2; o++) w[r * 2 + o] = weights[r * cout + pick[o]];
      weights = w;
      bias = Int32Array.from(pick, (o) => bias[o]);
      cout = 2;
    }
    return { ...l, cin, cout, weights, bias };
  });
  return { ...net, layers };
}

/** A placeholder net of the right shapes (zero weights): lets training build a flow before export. */
export function zeroNets(a: LearnedArch): Map<string, QNet> {
  const nets = new Map<string, QNet>();
  for (const s of priorSlots(a)) {
    nets.set(s.key, {
      inLo: -IN_CLAMP,
      inHi: IN_CLAMP,
      layers: slotLayers(a, s).map(([kh, kw, cin, cout], i, all) => ({
        kh,
        kw,
        cin,
        cout,
        weights: new Int32Array(kh * kw * cin * cout),
        bias: new Int32Array(cout),
        shift: 0,
        lo: i === all.length - 1 ? -OUT_CLAMP : 0,
        hi: i === all.length - 1 ? OUT_CLAMP : HID_MAX,
      })),
    });
  }
  return nets;
}
