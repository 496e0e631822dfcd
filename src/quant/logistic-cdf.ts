/**
 * Leaky integer CDF of a discretised logistic mixture — the entropy model
 * every latent symbol is coded with. Pure integer arithmetic on committed
 * tables (no Math.exp at coding time), so every platform computes the same
 * (start, freq) for the same parameters.
 *
 * Contract, for parameters (means μ_k in 2^-MEAN_FRAC units, log-scales ls_k,
 * logits l_k) of K ≥ 1 components:
 * - the support window [lo, hi] is the union of μ_k ± HALF_WINDOW[ls_k],
 *   clamped to the latent range and to MAX_WINDOW symbols;
 * - every z in the window has freq ≥ 1, the window's frequencies plus an escape
 *   slot of frequency 1 at the very top sum to exactly 2^PROB_BITS;
 * - values outside the window are coded as the escape slot followed by
 *   LATENT_BITS raw bits (see `ESCAPE`).
 * The cumulative count is C(z) = (z − lo) + ⌊(G(z) − G(lo)) · M / (G(hi+1) − G(lo))⌋,
 * M = 2^PROB_BITS − n − 1, where G(z) = Σ w_k · F((z − ½ − μ_k) / s_k) and F is
 * the tabulated logistic CDF. All intermediates stay below 2^53, so Number
 * arithmetic with Math.floor is exact.
 */
import {
  PROB_BITS, LATENT_LIMIT, MEAN_FRAC, MEAN_LIMIT, LOGSCALE_MIN, LOGSCALE_MAX,
  CDF_U_MAX, CDF_BITS, MAX_WINDOW, LOGIT_RANGE,
} from './constants.js';
import { LOGISTIC_CDF, INV_SCALE, HALF_WINDOW, EXP_WEIGHT } from './tables.js';

const TOTAL = 1 << PROB_BITS;
/** Start of the escape slot (its frequency is 1). */
export const ESCAPE_START = TOTAL - 1;
/** Returned by {@link LeakyMixtureCdf.symbolAt} when the slot is the escape. */
export const ESCAPE = 0x7fffffff;
const CDF_ONE = 2 ** CDF_BITS;
/** u = ((32z − 16 − 2μ) · invS) / 2^U_SHIFT: the table argument for z − ½ − μ/2^MEAN_FRAC. */
const U_DIV = 2 ** (20 + 5 - 8); // INV_SCALE_BITS + (MEAN_FRAC + 1) - log2(CDF_T_STEPS)

/** Tabulated logistic CDF at table argument u (t = u / CDF_T_STEPS), in [0, 2^CDF_BITS]. */
function logisticCdf(u: number): number {
  if (u >= 0) return LOGISTIC_CDF[u > CDF_U_MAX ? CDF_U_MAX : u];
  return CDF_ONE - LOGISTIC_CDF[-u > CDF_U_MAX ? CDF_U_MAX : -u];
}

/** Clamp a raw mean output to the legal range. */
export function clampMean(m: number): number {
  return m < -MEAN_LIMIT ? -MEAN_LIMIT : m > MEAN_LIMIT ? MEAN_LIMIT : m;
}
/** Clamp a raw log-scale output to [LOGSCALE_MIN, LOGSCALE_MAX]. */
export function clampLogScale(ls: number): number {
  return ls < LOGSCALE_MIN ? LOGSCALE_MIN : ls > LOGSCALE_MAX ? LOGSCALE_MAX : ls;
}

/**
 * A reusable leaky mixture CDF. Call `set` with one symbol's parameters, then
 * `encode`/`symbolAt`. Allocation-free after construction.
 */
export class LeakyMixtureCdf {
  readonly k: number;
  private readonly mean2: Float64Array; // 2·μ_k (in 2^-MEAN_FRAC units)
  private readonly invS: Float64Array;
  private readonly weight: Float64Array;
  /** Window bounds (inclusive) and size of the current parameters. */
  lo = 0;
  hi = 0;
  n = 0;
  private gLo = 0;
  private span = 0;
  private m = 0;

  constructor(k: number) {
    if (!(k >= 1 && k <= 16)) throw new RangeError(`mixture size ${k} not in 1..16`);
    this.k = k;
    this.mean2 = new Float64Array(k);
    this.invS = new Float64Array(k);
    this.weight = new Float64Array(k);
  }

  /**
   * Load parameters: component c uses means[off + c*stride], logScales[...] and
   * (if K > 1) logits[...]. Raw values are clamped to their legal ranges here.
   */
  set(means: ArrayLike<number>, logScales: ArrayLike<number>, logits: ArrayLike<number> | null, off: number, stride: number): void {
    const k = this.k;
    let lo = LATENT_LIMIT, hi = -LATENT_LIMIT;
    let best = 0, bestW = -1;
    let maxLogit = -Infinity;
    if (logits) for (let c = 0; c < k; c++) maxLogit = Math.max(maxLogit, logits[off + c * stride]);
    for (let c = 0; c < k; c++) {
      const mu = clampMean(means[off + c * stride]);
      const ls = clampLogScale(logScales[off + c * stride]) - LOGSCALE_MIN;
      this.mean2[c] = 2 * mu;
      this.invS[c] = INV_SCALE[ls];
      let w = EXP_WEIGHT[0];
      if (logits) {
        const gap = maxLogit - logits[off + c * stride];
        w = EXP_WEIGHT[gap > LOGIT_RANGE ? LOGIT_RANGE : gap];
      }
      this.weight[c] = w;
      if (w > bestW) { bestW = w; best = c; }
      const centre = mu >> MEAN_FRAC;
      const h = HALF_WINDOW[ls];
      if (centre - h < lo) lo = centre - h;
      if (centre + h > hi) hi = centre + h;
    }
    if (lo < -LATENT_LIMIT) lo = -LATENT_LIMIT;
    if (hi > LATENT_LIMIT - 1) hi = LATENT_LIMIT - 1;
    if (hi - lo + 1 > MAX_WINDOW) {
      const centre = (this.mean2[best] / 2) >> MEAN_FRAC;
      lo = Math.max(lo, centre - MAX_WINDOW / 2);
      hi = Math.min(hi, lo + MAX_WINDOW - 1);
      lo = hi - MAX_WINDOW + 1;
    }
    this.lo = lo;
    this.hi = hi;
    this.n = hi - lo + 1;
    this.m = TOTAL - this.n - 1;
    this.gLo = this.g(lo);
    this.span = this.g(hi + 1) - this.gLo;
  }

  /** G(z): weighted mixture CDF at z − ½, an integer < K · 2^(CDF_BITS + MIX_WEIGHT_BITS). */
  private g(z: number): number {
    const a = 32 * z - 16;
    let sum = 0;
    for (let c = 0; c < this.k; c++) {
      const u = Math.floor(((a - this.mean2[c]) * this.invS[c]) / U_DIV);
      sum += this.weight[c] * logisticCdf(u);
    }
    return sum;
  }

  /** Cumulative count C(z) for z in [lo, hi + 1]; C(lo) = 0, C(hi + 1) = ESCAPE_START. */
  cum(z: number): number {
    const d = z - this.lo;
    if (this.span <= 0) return d + Math.floor((this.m * d) / this.n);
    return d + Math.floor(((this.g(z) - this.gLo) * this.m) / this.span);
  }

  /** True when z lies in the window (else it must be coded as an escape). */
  inWindow(z: number): boolean {
    return z >= this.lo && z <= this.hi;
  }

  /**
   * The symbol whose interval holds slot `cf` (0 ≤ cf < 2^PROB_BITS), or
   * ESCAPE for the escape slot. Binary search: O(log n) CDF evaluations.
   */
  symbolAt(cf: number): number {
    if (cf >= ESCAPE_START) return ESCAPE;
    let a = this.lo, b = this.hi; // invariant: cum(a) <= cf < cum(b + 1)
    while (a < b) {
      const mid = (a + b + 1) >> 1;
      if (this.cum(mid) <= cf) a = mid; else b = mid - 1;
    }
    return a;
  }
}
