/**
 * Per-plane log-scale offsets (tile stream version 3). A model's scales fit
 * the images it was trained on; an image that is noisier or smoother than
 * those is coded better with every scale of a plane multiplied by 2^(k/4).
 * The encoder picks k for each coded plane (one channel of one group of one
 * tile) by measuring the plane's code length under each k on a sample of its
 * positions; k is coded by rANS just before the plane's latents, with a fixed
 * table that makes k = 0 nearly free.
 *
 * Invariants:
 * - k ∈ [OFFSET_K_MIN, OFFSET_K_MAX]; the offset added to every raw
 *   log-scale of the plane is OFFSET_STEP · k (units 2^-LOGSCALE_FRAC log2),
 *   before the CDF clamps it — encoder and decoder add it the same way;
 * - the symbol table sums to 2^PROB_BITS, so every decoder slot names a symbol;
 * - the choice is made from integers only (a fixed-point log2 table built by
 *   integer squaring), so an encoder picks the same k on every platform.
 */
import type { SymbolSink, SymbolSource } from '../ans/index.js';
import { PROB_BITS } from './constants.js';
import { ESCAPE_BITS, type LeakyMixtureCdf } from './logistic-cdf.js';
import type { SymbolModel } from './symbol-model.js';

/** Offset unit in log-scale units: 4/16 log2, i.e. scale × 2^(1/4) ≈ 1.19 per step. */
export const OFFSET_STEP = 4;
/** Range of k (scale × 2^-0.75 … × 2^1.5). */
export const OFFSET_K_MIN = -3;
export const OFFSET_K_MAX = 6;
/** Number of offset symbols; symbol s stands for k = s + OFFSET_K_MIN. */
export const OFFSET_SYMBOLS = OFFSET_K_MAX - OFFSET_K_MIN + 1;
/** Symbol of k = 0. */
export const OFFSET_ZERO_SYMBOL = -OFFSET_K_MIN;

/** Frequency of each k ≠ 0 (7.2 bits); k = 0 takes the rest of 2^PROB_BITS (0.09 bits). */
const OTHER_FREQ = 448;
/** rANS frequency of every offset symbol (sums to 2^PROB_BITS). */
export const OFFSET_FREQ: Uint32Array = Uint32Array.from({ length: OFFSET_SYMBOLS }, (_, s) => (s === OFFSET_ZERO_SYMBOL ? (1 << PROB_BITS) - (OFFSET_SYMBOLS - 1) * OTHER_FREQ : OTHER_FREQ));
/** Cumulative frequency before each symbol. */
export const OFFSET_CUM: Uint32Array = Uint32Array.from({ length: OFFSET_SYMBOLS }, (_, s) => OFFSET_FREQ.subarray(0, s).reduce((a, f) => a + f, 0));

/** The offset symbol whose interval holds `slot` (0 ≤ slot < 2^PROB_BITS). */
export function offsetSymbolAt(slot: number): number {
  let s = OFFSET_SYMBOLS - 1;
  while (OFFSET_CUM[s] > slot) s--;
  return s;
}

/** The offset symbol's probability model (a fixed table; nothing escapes): how a plane's symbol is coded and measured. */
export const OFFSET_MODEL: SymbolModel = {
  encode(sink: SymbolSink, s: number): void {
    sink.push(OFFSET_CUM[s], OFFSET_FREQ[s], PROB_BITS);
  },
  decode(source: SymbolSource): number {
    const s = offsetSymbolAt(source.peek(PROB_BITS));
    source.advance(OFFSET_CUM[s], OFFSET_FREQ[s], PROB_BITS);
    return s;
  },
  bits(s: number): number {
    return PROB_BITS - Math.log2(OFFSET_FREQ[s]);
  },
  slotFreq(s: number): number {
    return OFFSET_FREQ[s];
  },
};

/** Log-scale offset (log-scale units) of symbol s. */
export function offsetOfSymbol(s: number): number {
  return (s + OFFSET_K_MIN) * OFFSET_STEP;
}

/** A copy of raw log-scales with `offset` added (the input is left alone; offset 0 returns it). */
export function shiftLogScales(logScales: Int32Array, offset: number): Int32Array {
  if (offset === 0) return logScales;
  const out = new Int32Array(logScales.length);
  for (let i = 0; i < out.length; i++) out[i] = logScales[i] + offset;
  return out;
}

/** Fixed-point bits: costs are in 1/COST_ONE bit. */
const COST_FRAC = 8;
const COST_ONE = 1 << COST_FRAC;

/** 256 · log2(x), rounded down to within 2 units, for an integer 1 ≤ x < 2^16 — by integer squaring of a truncated mantissa (exact in doubles: every value < 2^33), so the same on every platform. */
export function log2Fixed(x: number): number {
  const e = 31 - Math.clz32(x);
  let m = x * 2 ** (15 - e); // mantissa in [2^15, 2^16): 1.15 fixed point
  let r = e;
  for (let b = 0; b < COST_FRAC; b++) {
    m = Math.floor((m * m) / 2 ** 15);
    r *= 2;
    if (m >= 2 ** 16) {
      m = Math.floor(m / 2);
      r += 1;
    }
  }
  return r;
}

/** COST[f]: bits (1/COST_ONE units) of a symbol of frequency f, f in 1..2^PROB_BITS − 1. */
const COST = (() => {
  const t = new Uint32Array(1 << PROB_BITS);
  for (let f = 1; f < t.length; f++) t[f] = PROB_BITS * COST_ONE - log2Fixed(f);
  return t;
})();
const ESCAPE_COST = ESCAPE_BITS * COST_ONE;

/**
 * Positions the encoder measures per candidate k: every OFFSET_STRIDE-th one
 * (evenly spaced), or more densely so that at least OFFSET_MIN_SAMPLES are
 * measured (all of a plane smaller than that). With about 3 candidates
 * tried, the search costs 3/8 of coding a large plane and more on small ones:
 * on model zero's eval-A tiles, about as much as coding all the symbols.
 */
export const OFFSET_STRIDE = 8;
export const OFFSET_MIN_SAMPLES = 256;

/**
 * The offset symbol that minimises the plane's estimated code length (its
 * latents at `positions`, measured on a sample of them (OFFSET_STRIDE) —
 * the same ones for every k — plus the symbol's own cost). The search starts at k = 0
 * and walks towards the cheaper neighbour while the cost falls (the cost is
 * unimodal in the scale); ties keep the smaller |k|.
 */
export function chooseOffsetSymbol(cdf: LeakyMixtureCdf, K: number, means: Int32Array, logScales: Int32Array, logits: Int32Array | null, values: Int32Array, positions: Int32Array): number {
  const n = positions.length;
  if (n === 0) return OFFSET_ZERO_SYMBOL;
  const stride = Math.min(OFFSET_STRIDE, Math.max(1, Math.floor(n / OFFSET_MIN_SAMPLES)));
  const taken = Math.ceil(n / stride);
  // One position's parameters, copied out so that the offset can be added (set() reads them at offset 0).
  const mu = new Int32Array(K),
    ls = new Int32Array(K),
    lg = logits ? new Int32Array(K) : null;
  const costOf = (s: number): number => {
    const off = offsetOfSymbol(s);
    let sum = 0;
    for (let p = 0; p < n; p += stride) {
      const i = positions[p];
      for (let c = 0; c < K; c++) {
        mu[c] = means[i * K + c];
        ls[c] = logScales[i * K + c] + off;
        if (lg) lg[c] = logits![i * K + c];
      }
      cdf.set(mu, ls, lg, 0, 1);
      const f = cdf.slotFreq(values[i]);
      sum += f ? COST[f] : ESCAPE_COST;
    }
    return (sum * n) / taken + COST[OFFSET_FREQ[s]];
  };
  let best = OFFSET_ZERO_SYMBOL,
    bestCost = costOf(best);
  for (const dir of [1, -1]) {
    let moved = false;
    for (let s = best + dir; s >= 0 && s < OFFSET_SYMBOLS; s += dir) {
      const c = costOf(s);
      if (!(c < bestCost)) break;
      best = s;
      bestCost = c;
      moved = true;
    }
    if (moved) break;
  }
  return best;
}
