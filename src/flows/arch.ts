/**
 * Architecture description of learned models — the one source of truth from
 * which both the float (training) model and the integer (coding) flow are
 * built. A learned model keeps model zero's exact transform (YCoCg-R, then per
 * level a squeeze and 5/3 lifting, a split into HL, LH, HH as checkerboard
 * phase groups) and learns the prior net of every group: a small conv net from
 * the decoded context to the discretised-logistic-mixture parameters.
 *
 * Fixed-point conventions of learned prior nets (float ↔ integer):
 * - input: latent integers, clamped to ±IN_CLAMP; float input = int / IN_SCALE;
 * - hidden: ReLU clipped to [0, HID_MAX]; float = int / HID_SCALE;
 * - output: means, log2-scales and logits, float = int / OUT_SCALE
 *   (OUT_SCALE = 2^MEAN_FRAC = 2^LOGSCALE_FRAC = 2^LOGIT_FRAC).
 */
import { LOGIT_FRAC, LOGSCALE_FRAC, MEAN_FRAC, LOGSCALE_MIN, LOGSCALE_MAX } from '../quant/constants.js';
import type { QNet } from '../quant/qnet.js';
import { colourSteps, liftingSteps } from './lifting.js';
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
}

/** Groups per level: HL, LH, HH × checkerboard phase 0, 1. */
export const GROUPS_PER_LEVEL = 6;

/** One learned prior net: its key, input and output channels. */
export interface PriorSlot {
  key: string;
  /** Level (1-based) of the nets' own level, or ownLevels + 1 for the shared deep set. */
  level: number;
  group: number;
  cin: number;
  cout: number;
}

/** Context channels of group g (0..5) at one level: C (LL) + g · C (earlier groups). */
function groupCin(C: number, g: number): number {
  return C + g * C;
}

/** The learned nets of an architecture, in a fixed order. */
export function priorSlots(a: LearnedArch): PriorSlot[] {
  const slots: PriorSlot[] = [];
  const sets = Math.min(a.levels, a.ownLevels + 1);
  for (let level = 1; level <= sets; level++) {
    for (let g = 0; g < GROUPS_PER_LEVEL; g++) {
      slots.push({ key: slotKey(a, level, g), level, group: g, cin: groupCin(a.channels, g), cout: paramsPerChannel(a.mixture) * a.channels });
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
    for (let g = 0; g < GROUPS_PER_LEVEL; g++) {
      const s = { key: '', level, group: g, cin: groupCin(a.channels, g), cout: paramsPerChannel(a.mixture) * a.channels };
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
    steps.push(...liftingSteps(C));
    const factor = [1, 2, 3].flatMap((o) => Array.from({ length: C }, (_, k) => 4 * k + o));
    const groups: PriorGroup[] = [];
    for (let g = 0; g < GROUPS_PER_LEVEL; g++) {
      const net = nets.get(slotKey(a, level, g));
      if (!net) throw new Error(`missing prior net ${slotKey(a, level, g)}`);
      const band = g >> 1;
      const base = a.residual ? baseNet(C, g) : undefined;
      groups.push({ channels: Array.from({ length: C }, (_, k) => band * C + k), mixture: a.mixture, phase: (g & 1) as 0 | 1, net, ...(base ? { base } : {}) });
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

/** A placeholder net of the right shapes (zero weights): lets training build a flow before export. */
export function zeroNets(a: LearnedArch): Map<string, QNet> {
  const nets = new Map<string, QNet>();
  for (const s of priorSlots(a)) {
    nets.set(s.key, {
      inLo: -IN_CLAMP,
      inHi: IN_CLAMP,
      layers: slotLayers(a, s).map(([kh, kw, cin, cout], i, all) => ({
        kh, kw, cin, cout,
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
