/**
 * The autoregressive integer coupling and its image-adaptive prior: for
 * every sample, in decode order (causal-context.ts), a prediction from
 * already-decoded samples, and a discretised-logistic prior around it whose
 * mean and scale adapt to the image as coding proceeds. As a flow step it is
 * z = x − ⌊μ⌉ with the prior of z centred on the fraction of μ; the coder
 * codes x directly under the same distribution (which is the same thing).
 *
 * Per sample of plane c:
 *  1. features f (causal-context.ts) and class activity; class k = number of
 *     the plane's thresholds ≤ activity;
 *  2. μ = Σ w[k][i]·f[i] / 2^WEIGHT_FRAC in 1/16 units (weights fitted by the
 *     encoder to the image and carried in the stream);
 *  3. the online stack (causal-stack.ts) adds a learned correction from a
 *     bank of fixed predictors and the earlier planes' errors at the pixel;
 *  4. bias cancellation: + the running mean of the errors of step 3 in the
 *     context (energy level × 6 texture bits);
 *  5. scale: the running mean |error| of the sample's error-energy bucket,
 *     turned into a log-scale with integer logarithms (quant/log16.ts);
 *  6. the coder codes the sample; then every running statistic is updated.
 *
 * Exactness: apart from the stack (binary64, see causal-stack.ts), every
 * quantity is an integer computed with +, −, ·, exact floor division and
 * shifts, so every engine computes the same means and scales (DESIGN.md
 * invariant 1). Encoder and decoder drive the same CausalKernel: `pixel`,
 * then per plane `predict`, code with `mean16`/`logScale`, `commit`.
 */
import { log16 } from '../quant/log16.js';
import { featureCount, fittedSum, neighbourOffsets, neighbourSteps, SAME_PLANE } from './causal-context.js';
import { bank, BANK, nlmsPredict, nlmsUpdate, RLS_P0, rlsUpdate, stackClass, stackInputs, STACK_CLASSES, stackPredict, type StackMode } from './causal-stack.js';
import { int32Array, type TileScratch } from './tile-scratch.js';

/** Fixed-point fraction bits of the predictor weights. */
export const WEIGHT_FRAC = 12;
/** Largest |weight| (the encoder clamps; the decoder refuses more). */
export const WEIGHT_LIMIT = 1 << 20;
/** Most predictor classes per plane. */
export const MAX_CLASSES = 8;

/** The fitted predictor of one plane: K = thresholds.length + 1 classes. */
export interface CausalPlaneParams {
  /** Non-decreasing class-activity thresholds (K − 1 of them, each ≥ 0). */
  thresholds: Int32Array;
  /** K × featureCount(c) integer weights, class-major, in 2^-WEIGHT_FRAC units. */
  weights: Int32Array;
}

/** What the encoder fits to an image and carries in the stream: one predictor per plane. */
export interface CausalParams {
  planes: CausalPlaneParams[];
  /**
   * Channel palettes (codec/channel-palette.ts): per input channel, the values
   * it uses, when the samples are coded as indices into them; absent or null
   * for a channel coded as is. The kernel only ever sees the coded samples.
   */
  values?: Array<Uint8Array | null>;
}

/**
 * A kernel's arrays and sizes, live (not copies): what its WebAssembly twin
 * (codec/causal-tile-wasm.ts) copies into its memory, and back when a test asks for
 * the final state. Plane-indexed arrays have nch entries.
 */
export interface CausalKernelState {
  nch: number;
  w: number;
  h: number;
  /** 0 no stack, 1 NLMS, 2 RLS. */
  mode: number;
  actMax: number;
  lo16: Int32Array;
  hi16: Int32Array;
  wOff: Int32Array;
  swOff: Int32Array;
  sPOff: Int32Array;
  steps: Int32Array;
  values: Int32Array;
  errs: Int32Array;
  weights: Int32Array;
  classOf: Uint8Array;
  sAbs: Int32Array;
  sCnt: Int32Array;
  bSum: Int32Array;
  bCnt: Int32Array;
  sw: Float64Array;
  sP: Float64Array;
}

/** Error-energy buckets per plane (two per octave of the energy). */
const BUCKETS = 28;
/** Energy levels (bucket / 2) of the bias context. */
const BIAS_LEVELS = BUCKETS >> 1;
/** Scale statistics are halved when their count reaches this (forgetting). */
const SCALE_LIMIT = 128;
/** Bias statistics are halved when their count reaches this. */
const BIAS_LIMIT = 128;
/** 16·log2(16 · 2 ln 2): turns a mean |error| in 1/16 units into a logistic log-scale (E|x − μ| = 2 ln 2 · s). */
const ABS_TO_LOGSCALE = 72;
/** Log-scale range given to the CDF (within quant/constants.ts LOGSCALE_MIN..MAX). */
const LS_MIN = -64,
  LS_MAX = 160;
/** |error| (1/16 units) assumed for a missing neighbour. */
const DEFAULT_ERR = 64;
/** Weight of the bank's spread (Σ|u|, pixel units) in the error energy (1/16 units). */
const SPREAD_GAIN = 6;
/** Largest stack input count (3 planes). */
const MAX_INPUTS = stackInputs(2);

/** Energy bucket of an error energy in 1/16 units: two buckets per octave. */
function bucketOf(en: number): number {
  const v = en + 16;
  const b = 31 - Math.clz32(v);
  const q = 2 * b + ((v >>> (b - 1)) & 1) - 9;
  return q < 0 ? 0 : q >= BUCKETS ? BUCKETS - 1 : q;
}

/**
 * The coupling's state over one tile of `nch` planes (w × h samples each,
 * interleaved: sample c of pixel i at i·nch + c). Construct one per tile.
 */
export class CausalKernel {
  /** Decoded values, interleaved, then the sentinel pixel (the planes' mids; causal-context.ts). */
  readonly values: Int32Array;
  /** Final errors x·16 − μ (1/16 units), interleaved, then the sentinel pixel (DEFAULT_ERR). */
  private readonly errs: Int32Array;
  /** After `predict`: the prior's mean (1/16 units, within the plane's range) and log-scale (1/16 octaves). */
  mean16 = 0;
  logScale = 0;

  private readonly nch: number;
  private readonly w: number;
  private readonly h: number;
  private readonly lo16: Int32Array;
  private readonly hi16: Int32Array;
  private readonly mids: Int32Array;
  private readonly steps: Int32Array;
  /** Neighbour offsets of the current pixel (neighbourOffsets). */
  private readonly off = new Int32Array(SAME_PLANE);
  private readonly u = new Float64Array(MAX_INPUTS);
  private readonly pu = new Float64Array(MAX_INPUTS);
  /** NLMS: 1 + Σu² of the current sample (nlmsPredict). */
  private readonly norm = new Float64Array(1);
  private readonly mode: number; // 0 off, 1 NLMS, 2 RLS
  // Fitted predictor, flattened: weights of plane c, class k at wOff[c] + k·featureCount(c).
  private readonly weights: Int32Array;
  private readonly wOff: Int32Array;
  /** Class of each activity: plane c, activity a (at most actMax) at c·(actMax + 1) + a. */
  private readonly classOf: Uint8Array;
  private readonly actMax: number;
  // Running statistics, flattened per plane.
  private readonly sAbs: Int32Array;
  private readonly sCnt: Int32Array;
  private readonly bSum: Int32Array;
  private readonly bCnt: Int32Array;
  private readonly sw: Float64Array;
  private readonly sP: Float64Array;
  private readonly swOff: Int32Array;
  private readonly sPOff: Int32Array;
  // Between predict and commit.
  private bucket = 0;
  private bctx = 0;
  private sOff = 0;
  private pOff = 0;
  private base = 0;
  private corr = 0;
  private m16pre = 0;

  /** `scratch`: this thread's reusable arrays for values and errors (tile-scratch.ts); without it, new ones. */
  constructor(nch: number, w: number, h: number, lo: ArrayLike<number>, hi: ArrayLike<number>, mids: ArrayLike<number>, params: CausalParams, stack: StackMode, scratch?: TileScratch) {
    this.nch = nch;
    this.w = w;
    this.h = h;
    this.values = int32Array(scratch, 'kernel-values', (w * h + 1) * nch);
    this.errs = int32Array(scratch, 'kernel-errors', (w * h + 1) * nch);
    for (let c = 0; c < nch; c++) {
      this.values[w * h * nch + c] = mids[c];
      this.errs[w * h * nch + c] = DEFAULT_ERR;
    }
    this.lo16 = Int32Array.from({ length: nch }, (_, c) => lo[c] * 16);
    this.hi16 = Int32Array.from({ length: nch }, (_, c) => hi[c] * 16);
    this.mids = Int32Array.from({ length: nch }, (_, c) => mids[c]);
    this.steps = neighbourSteps(w, nch);
    this.mode = stack === 'off' ? 0 : stack === 'nlms' ? 1 : 2;
    this.wOff = new Int32Array(nch);
    let nw = 0;
    for (let c = 0; c < nch; c++) {
      this.wOff[c] = nw;
      nw += params.planes[c].weights.length;
    }
    this.weights = new Int32Array(nw);
    for (let c = 0; c < nch; c++) this.weights.set(params.planes[c].weights, this.wOff[c]);
    // The class activity is a sum of five differences of samples in the plane's range.
    let span = 0;
    for (let c = 0; c < nch; c++) span = Math.max(span, hi[c] - lo[c]);
    this.actMax = 5 * span;
    this.classOf = new Uint8Array(nch * (this.actMax + 1));
    for (let c = 0; c < nch; c++) {
      const th = params.planes[c].thresholds;
      for (let a = 0, k = 0; a <= this.actMax; a++) {
        while (k < th.length && a >= th[k]) k++;
        this.classOf[c * (this.actMax + 1) + a] = k;
      }
    }
    this.sAbs = new Int32Array(nch * BUCKETS);
    this.sCnt = new Int32Array(nch * BUCKETS);
    for (let c = 0; c < nch; c++) {
      for (let b = 0; b < BUCKETS; b++) {
        // Start each bucket at a mean |error| of about a third of its energy, as if seen twice.
        const rep = b < 9 ? 16 : Math.max(16, Math.floor(2 ** ((b + 9) >> 1) / 3));
        this.sCnt[c * BUCKETS + b] = 2;
        this.sAbs[c * BUCKETS + b] = 2 * rep;
      }
    }
    this.bSum = new Int32Array(nch * BIAS_LEVELS * 64);
    this.bCnt = new Int32Array(nch * BIAS_LEVELS * 64).fill(1);
    this.swOff = new Int32Array(nch);
    this.sPOff = new Int32Array(nch);
    let sw = 0,
      sp = 0;
    for (let c = 0; c < nch; c++) {
      const k = stackInputs(c);
      this.swOff[c] = sw;
      this.sPOff[c] = sp;
      sw += k * STACK_CLASSES;
      sp += k * k * STACK_CLASSES;
    }
    this.sw = new Float64Array(sw);
    this.sP = new Float64Array(this.mode === 2 ? sp : 0);
    if (this.mode === 2) {
      for (let c = 0; c < nch; c++) {
        const k = stackInputs(c);
        for (let s = 0; s < STACK_CLASSES; s++) for (let i = 0; i < k; i++) this.sP[this.sPOff[c] + s * k * k + i * k + i] = RLS_P0;
      }
    }
  }

  /** Every piece of adaptive state, concatenated (for tests: encoder and decoder must end in the same state). */
  snapshot(): Float64Array {
    const parts = [this.values, this.errs, this.sAbs, this.sCnt, this.bSum, this.bCnt, this.sw, this.sP];
    const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** The kernel's live arrays and sizes (see CausalKernelState). */
  state(): CausalKernelState {
    const { nch, w, h, mode, actMax, lo16, hi16, wOff, swOff, sPOff, steps, values, errs, weights, classOf, sAbs, sCnt, bSum, bCnt, sw, sP } = this;
    return { nch, w, h, mode, actMax, lo16, hi16, wOff, swOff, sPOff, steps, values, errs, weights, classOf, sAbs, sCnt, bSum, bCnt, sw, sP };
  }

  /** Starts pixel (x, y): finds its neighbours (call before the planes' predict/commit). */
  pixel(x: number, y: number): void {
    neighbourOffsets(x, y, this.w, this.h, this.nch, this.steps, this.off);
  }

  /** The prior of plane c at pixel i (of the last `pixel` call): sets mean16 and logScale. */
  predict(c: number, i: number): void {
    const nch = this.nch,
      vals = this.values,
      errs = this.errs,
      off = this.off;
    // The nearest same-plane features and the class activity (as gatherFeatures computes it).
    const oW = off[0],
      oN = off[1];
    const W = vals[oW + c],
      N = vals[oN + c],
      NW = vals[off[2] + c],
      NE = vals[off[3] + c],
      WW = vals[off[4] + c],
      NN = vals[off[5] + c],
      NNE = vals[off[7] + c];
    const act = Math.abs(W - NW) + Math.abs(N - NW) + Math.abs(NE - N) + Math.abs(W - WW) + Math.abs(N - NN);
    // Class and fitted prediction.
    const k = this.classOf[c * (this.actMax + 1) + (act < this.actMax ? act : this.actMax)];
    const s = fittedSum(vals, nch, c, i, off, this.weights, this.wOff[c] + k * featureCount(c));
    const lsMean = Math.floor((s + (1 << (WEIGHT_FRAC - 5))) / (1 << (WEIGHT_FRAC - 4)));
    // Error energy from the neighbours' final errors (and the earlier plane's error at this pixel).
    const eW = errs[off[0] + c],
      eN = errs[off[1] + c],
      eNW = errs[off[2] + c],
      eNE = errs[off[3] + c];
    const aWW = Math.abs(errs[off[4] + c]),
      aNN = Math.abs(errs[off[5] + c]);
    let en = Math.abs(eW) + Math.abs(eN) + ((Math.abs(eNW) + Math.abs(eNE)) >> 1) + ((aWW + aNN) >> 2);
    if (c > 0) {
      const ap = Math.abs(errs[i * nch + c - 1]);
      en += ap + (ap >> 1);
    }
    // The bank's spread around the fitted prediction is part of the energy.
    const u = this.u;
    const base = lsMean / 16;
    const spread = bank(W, N, NW, NE, WW, NN, NNE, eW, eN, eNW, eNE, base, u);
    en += Math.floor(spread * SPREAD_GAIN);
    const bucket = bucketOf(en);
    // Online stack.
    let mean = lsMean;
    if (this.mode !== 0) {
      const ku = stackInputs(c);
      for (let p = 0; p < c; p++) u[BANK + p] = errs[i * nch + p] / 16;
      u[BANK + c] = 1;
      const sc = stackClass(bucket);
      this.sOff = this.swOff[c] + sc * ku;
      this.pOff = this.sPOff[c] + sc * ku * ku;
      const corr = this.mode === 1 ? nlmsPredict(this.sw, this.sOff, u, ku, this.norm) : stackPredict(this.sw, this.sOff, u, ku);
      this.base = base;
      this.corr = corr;
      mean = Math.floor((base + corr) * 16 + 0.5);
    }
    // Bias cancellation per (energy level, texture pattern).
    // Bit j is set when neighbour j is above the mean: the sign bit of mean − 16·neighbour (all small integers).
    const tex =
      ((mean - W * 16) >>> 31) |
      (((mean - N * 16) >>> 31) << 1) |
      (((mean - NW * 16) >>> 31) << 2) |
      (((mean - NE * 16) >>> 31) << 3) |
      (((mean - WW * 16) >>> 31) << 4) |
      (((mean - NN * 16) >>> 31) << 5);
    const bctx = (c * BIAS_LEVELS + (bucket >> 1)) * 64 + tex;
    this.m16pre = mean;
    mean += Math.floor(this.bSum[bctx] / this.bCnt[bctx]);
    const lo16 = this.lo16[c],
      hi16 = this.hi16[c];
    this.mean16 = mean < lo16 ? lo16 : mean > hi16 ? hi16 : mean;
    const sb = c * BUCKETS + bucket;
    const ls = log16(this.sAbs[sb]) - log16(this.sCnt[sb]) - ABS_TO_LOGSCALE;
    this.logScale = ls < LS_MIN ? LS_MIN : ls > LS_MAX ? LS_MAX : ls;
    this.bucket = sb;
    this.bctx = bctx;
  }

  /** Records plane c's value v at pixel i (after its `predict`) and updates every running statistic. */
  commit(c: number, i: number, v: number): void {
    const at = i * this.nch + c;
    this.values[at] = v;
    const err = v * 16 - this.mean16;
    this.errs[at] = err;
    const bctx = this.bctx;
    this.bSum[bctx] += v * 16 - this.m16pre;
    if (++this.bCnt[bctx] >= BIAS_LIMIT) {
      this.bSum[bctx] = Math.trunc(this.bSum[bctx] / 2);
      this.bCnt[bctx] = BIAS_LIMIT >> 1;
    }
    const sb = this.bucket;
    this.sAbs[sb] += err < 0 ? -err : err;
    if (++this.sCnt[sb] >= SCALE_LIMIT) {
      this.sAbs[sb] = this.sAbs[sb] >> 1;
      this.sCnt[sb] = SCALE_LIMIT >> 1;
    }
    if (this.mode === 1) nlmsUpdate(this.sw, this.sOff, this.u, stackInputs(c), v - this.base - this.corr, this.norm[0]);
    else if (this.mode === 2) rlsUpdate(this.sw, this.sOff, this.sP, this.pOff, this.u, stackInputs(c), v - this.base - this.corr, this.pu);
  }
}
