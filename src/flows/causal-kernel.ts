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
 *  3. bias cancellation: + the running mean of the errors of step 2 in the
 *     context (energy level × 6 texture bits);
 *  4. scale: the running mean |error| of the sample's error-energy bucket,
 *     turned into a log-scale with integer logarithms (quant/log16.ts);
 *  5. the coder codes the sample; then every running statistic is updated.
 *
 * Exactness: every quantity is an integer held in a JS Number below 2^53 and
 * computed in a fixed order with +, −, ·, exact floor division and shifts —
 * no floating-point rounding decides anything, so every engine computes the
 * same means and scales (DESIGN.md invariant 1). The encoder and decoder run
 * this one function; only the coder callback differs.
 */
import { log16 } from '../quant/log16.js';
import { featureCount, gatherFeatures, MID, neighbourDeltas, neighbourIndices } from './causal-context.js';
import { bank, BANK, Stack, stackClass, stackInputs, STACK_CLASSES } from './causal-stack.js';

/** Fixed-point fraction bits of the predictor weights. */
export const WEIGHT_FRAC = 12;
/** Largest |weight| (the encoder clamps; the decoder refuses more). */
export const WEIGHT_LIMIT = 1 << 17;
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
}

/** Codes one sample: gets the prior (mean in 1/16 units, log-scale in 1/16 octaves) and returns the sample's value. */
export interface SampleCoder {
  code(c: number, i: number, mean16: number, logScale: number): number;
}

/** Error-energy buckets per plane (two per octave of the energy). */
const BUCKETS = 28;
/** Energy levels (bucket / 2) of the bias context. */
const BIAS_LEVELS = BUCKETS >> 1;
/** Scale statistics are halved when their count reaches this (forgetting). */
const SCALE_LIMIT = 128;
/** Bias statistics are halved when their count reaches this. */
const BIAS_LIMIT = 64;
/** 16·log2(16 · 2 ln 2): turns a mean |error| in 1/16 units into a logistic log-scale (E|x − μ| = 2 ln 2 · s). */
const ABS_TO_LOGSCALE = 72;
/** Log-scale range given to the CDF (quant/constants.ts LOGSCALE_MIN..MAX, narrowed at the top to useful values). */
const LS_MIN = -64, LS_MAX = 160;

/** Energy bucket of an error energy in 1/16 units: two buckets per octave. */
function bucketOf(en: number): number {
  const v = en + 16;
  const b = 31 - Math.clz32(v);
  const q = 2 * b + ((v >>> (b - 1)) & 1) - 9;
  return q < 0 ? 0 : q >= BUCKETS ? BUCKETS - 1 : q;
}

/**
 * Runs the coupling over a tile of `planes` (w × h each, filled in decode
 * order by the coder's return values), calling coder.code for every sample.
 * lo/hi: each plane's value range; mids: the value of a missing neighbour.
 */
export function runCausal(planes: Int32Array[], w: number, h: number, lo: ArrayLike<number>, hi: ArrayLike<number>, mids: ArrayLike<number>, params: CausalParams, coder: SampleCoder, useStack = true): void {
  const nch = planes.length;
  const n = w * h;
  const deltas = neighbourDeltas(w);
  const idx = new Int32Array(12);
  const feats = planes.map((_, c) => new Int32Array(featureCount(c)));
  const errs = planes.map(() => new Int32Array(n)); // final error x·16 − μ (1/16 units)
  const sAbs = planes.map(() => new Float64Array(BUCKETS));
  const sCnt = planes.map(() => new Float64Array(BUCKETS));
  const bSum = planes.map(() => new Float64Array(BIAS_LEVELS * 64));
  const bCnt = planes.map(() => new Float64Array(BIAS_LEVELS * 64).fill(1));
  for (let c = 0; c < nch; c++) {
    for (let b = 0; b < BUCKETS; b++) {
      // Start each bucket at a mean |error| of about a third of its energy, as if seen twice.
      const rep = b < 9 ? 16 : Math.max(16, Math.floor(2 ** ((b + 9) >> 1) / 3));
      sCnt[c][b] = 2;
      sAbs[c][b] = 2 * rep;
    }
  }
  const stacks = planes.map((_, c) => new Stack(stackInputs(c), STACK_CLASSES));
  const us = planes.map((_, c) => new Float64Array(stackInputs(c)));
  const DEFAULT_ERR = 16 * 4;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      neighbourIndices(x, y, w, deltas, idx);
      for (let c = 0; c < nch; c++) {
        const f = feats[c];
        const act = gatherFeatures(planes, mids, c, i, idx, f);
        const pp = params.planes[c];
        const th = pp.thresholds;
        let k = 0;
        while (k < th.length && act >= th[k]) k++;
        const nf = f.length;
        const wts = pp.weights;
        let s = 0;
        for (let j = 0, o = k * nf; j < nf; j++) s += wts[o + j] * f[j];
        const ls16 = Math.floor((s + (1 << (WEIGHT_FRAC - 5))) / (1 << (WEIGHT_FRAC - 4)));
        // Error energy from the neighbours' final errors (and the earlier plane's error at this pixel).
        const e = errs[c];
        const eW = idx[0] === MID ? DEFAULT_ERR : e[idx[0]];
        const eN = idx[1] === MID ? DEFAULT_ERR : e[idx[1]];
        const eNW = idx[2] === MID ? DEFAULT_ERR : e[idx[2]];
        const eNE = idx[3] === MID ? DEFAULT_ERR : e[idx[3]];
        const aWW = idx[4] === MID ? DEFAULT_ERR : Math.abs(e[idx[4]]);
        const aNN = idx[5] === MID ? DEFAULT_ERR : Math.abs(e[idx[5]]);
        let en = Math.abs(eW) + Math.abs(eN) + ((Math.abs(eNW) + Math.abs(eNE)) >> 1) + ((aWW + aNN) >> 2);
        if (c > 0) {
          const ap = Math.abs(errs[c - 1][i]);
          en += ap + (ap >> 1);
        }
        const bucket = bucketOf(en);
        // Online stack: corrections from the bank and the earlier planes' errors, learned by RLS.
        const base = ls16 / 16;
        const u = us[c];
        const sk = stackClass(bucket);
        const stack = stacks[c];
        let corr = 0;
        if (useStack) {
          bank(f, eW, eN, eNW, eNE, base, u);
          for (let p = 0; p < c; p++) u[BANK + p] = errs[p][i] / 16;
          u[BANK + c] = 1;
          corr = stack.predict(sk, u);
        }
        let mean = useStack ? Math.floor((base + corr) * 16 + 0.5) : ls16;
        // Bias cancellation per (energy level, texture pattern).
        const m16 = mean;
        const tex = (f[0] * 16 > m16 ? 1 : 0) | (f[1] * 16 > m16 ? 2 : 0) | (f[2] * 16 > m16 ? 4 : 0) | (f[3] * 16 > m16 ? 8 : 0) | (f[4] * 16 > m16 ? 16 : 0) | (f[5] * 16 > m16 ? 32 : 0);
        const bctx = (bucket >> 1) * 64 + tex;
        const bs = bSum[c], bc = bCnt[c];
        mean += Math.floor(bs[bctx] / bc[bctx]);
        const lo16 = lo[c] * 16, hi16 = hi[c] * 16;
        if (mean < lo16) mean = lo16;
        else if (mean > hi16) mean = hi16;
        let ls = log16(sAbs[c][bucket]) - log16(sCnt[c][bucket]) - ABS_TO_LOGSCALE;
        if (ls < LS_MIN) ls = LS_MIN;
        else if (ls > LS_MAX) ls = LS_MAX;
        const v = coder.code(c, i, mean, ls);
        planes[c][i] = v;
        const err = v * 16 - mean;
        e[i] = err;
        if (useStack) stack.update(sk, u, v - base - corr);
        // Update: bias statistics on the error before bias, scale statistics on the final error.
        bs[bctx] += v * 16 - m16;
        if (++bc[bctx] >= BIAS_LIMIT) {
          bs[bctx] = Math.trunc(bs[bctx] / 2);
          bc[bctx] = BIAS_LIMIT >> 1;
        }
        const sa = sAbs[c], sc = sCnt[c];
        sa[bucket] += err < 0 ? -err : err;
        if (++sc[bucket] >= SCALE_LIMIT) {
          sa[bucket] = Math.floor(sa[bucket] / 2);
          sc[bucket] = SCALE_LIMIT >> 1;
        }
      }
    }
  }
}
