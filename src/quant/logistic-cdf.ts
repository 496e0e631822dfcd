/**
 * Leaky integer CDF of a discretised logistic mixture — the entropy model
 * every latent symbol is coded with. Pure integer arithmetic on committed
 * tables (no Math.exp at coding time), so every platform computes the same
 * (start, freq) for the same parameters.
 *
 * Contract, for parameters (means μ_k in 2^-MEAN_FRAC units, log-scales ls_k,
 * logits l_k) of K ≥ 1 components:
 * - the support window [lo, hi] is the union of μ_k ± HALF_WINDOW[ls_k],
 *   clamped to the latent range and to MAX_WINDOW symbols — or, for a CDF
 *   built with a `support` (the known range of the latents, e.g. [0, 255] for
 *   the pixels of a pixel-exact flow, format v4), that whole range, whatever
 *   the parameters: the mass outside it is renormalised onto it (a truncated
 *   mixture) and no value in it ever escapes;
 * - every z in the window has freq ≥ 1, the window's frequencies plus an escape
 *   slot of frequency 1 at the very top sum to exactly 2^PROB_BITS;
 * - values outside the window are coded as the escape slot followed by
 *   LATENT_BITS raw bits (see `ESCAPE`).
 * The cumulative count is C(z) = (z − lo) + ⌊(G(z) − G(lo)) · M / (G(hi+1) − G(lo))⌋,
 * M = 2^PROB_BITS − n − 1, where G(z) = Σ w_k · F((z − ½ − μ_k) / s_k) and F is
 * the tabulated logistic CDF. All intermediates stay below 2^53, so Number
 * arithmetic with Math.floor is exact.
 */
import type { SymbolSink, SymbolSource } from '../ans/index.js';
import type { SymbolModel } from './symbol-model.js';
import { PROB_BITS, LATENT_BITS, LATENT_LIMIT, MEAN_FRAC, MEAN_LIMIT, LOGSCALE_MIN, LOGSCALE_MAX, CDF_U_MAX, CDF_BITS, MAX_WINDOW, LOGIT_RANGE } from './constants.js';
import { LOGISTIC_CDF, INV_SCALE, HALF_WINDOW, EXP_WEIGHT } from './tables.js';

const TOTAL = 1 << PROB_BITS;
/** Start of the escape slot (its frequency is 1). */
export const ESCAPE_START = TOTAL - 1;
/** Returned by {@link LeakyMixtureCdf.symbolAt} when the slot is the escape. */
export const ESCAPE = 0x7fffffff;
/** Code length of an escaped latent: its slot of frequency 1 (PROB_BITS), then the latent as LATENT_BITS raw bits. */
export const ESCAPE_BITS = PROB_BITS + LATENT_BITS;
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

/** Slots of the K = 1 parameter cache (a power of two). */
const CACHE_SLOTS = 1024;
/** Key of an empty cache slot (no (mean, log-scale) pair has it). */
const NO_KEY = 0x7fffffff;
/** A cached parameter set gets its cumulative table on this many reuses, if its window is at most CACHE_TABLE_MAX symbols. */
const CACHE_TABLE_AFTER = 4;
const CACHE_TABLE_MAX = 1024;

/**
 * Inverse of the tabulated logistic CDF on a coarse grid, for search guesses
 * only (never for a coded value): INV_LOGISTIC[j] is the smallest table
 * argument u with F(u) ≥ j · 2^INV_STEP_BITS. Built from LOGISTIC_CDF.
 */
const INV_STEP_BITS = 8;
export const INV_LOGISTIC = (() => {
  const size = (CDF_ONE >> INV_STEP_BITS) + 1;
  const inv = new Int32Array(size);
  let u = -CDF_U_MAX;
  for (let j = 0; j < size; j++) {
    const target = j << INV_STEP_BITS;
    while (u < CDF_U_MAX && logisticCdf(u) < target) u++;
    inv[j] = u;
  }
  return inv;
})();

/**
 * A reusable leaky mixture CDF. Call `set` with one symbol's parameters, then
 * `cum` (encoding) or `symbolAt` (decoding). Allocation-free after
 * construction; the single-logistic case (K = 1) keeps its parameters in
 * scalar fields and skips the mixture loop.
 */
export class LeakyMixtureCdf implements SymbolModel {
  readonly k: number;
  private readonly mean2: Float64Array; // 2·μ_k (in 2^-MEAN_FRAC units)
  private readonly invS: Float64Array;
  private readonly weight: Float64Array;
  /** Component 0's parameters as scalars (the K = 1 fast path), and the heaviest component (search guesses). */
  private mean20 = 0;
  private invS0 = 0;
  private weight0 = 0;
  private best = 0;
  /** Window bounds (inclusive) and size of the current parameters. */
  lo = 0;
  hi = 0;
  n = 0;
  /** After `symbolAt` returned a symbol z: its interval [start, start + freq) = [cum(z), cum(z + 1)). */
  start = 0;
  freq = 0;
  private gLo = 0;
  private span = 0;
  private m = 0;
  /** C(lo + d) for d in [0, n] when the current parameters have a cached table, else null. */
  private table: Int32Array | null = null;
  /**
   * K = 1 parameter cache, direct-mapped by (mean, log-scale): the window and
   * normalisation of recently seen parameters, and — once a parameter set has
   * been seen CACHE_TABLE_AFTER times — its whole cumulative table. Model
   * zero's priors use a few hundred distinct parameter sets per tile, so most
   * symbols cost table lookups; a net with continuous means misses and pays
   * one comparison. Cached values are computed by the same code as uncached
   * ones, so results are identical either way.
   */
  private readonly cKey = new Int32Array(CACHE_SLOTS).fill(NO_KEY);
  private readonly cLo = new Int32Array(CACHE_SLOTS);
  private readonly cHi = new Int32Array(CACHE_SLOTS);
  private readonly cGLo = new Float64Array(CACHE_SLOTS);
  private readonly cSpan = new Float64Array(CACHE_SLOTS);
  private readonly cHits = new Int32Array(CACHE_SLOTS);
  private readonly cTable: Array<Int32Array | null> = new Array<Int32Array | null>(CACHE_SLOTS).fill(null);

  /** The fixed window [lo, hi] of a CDF built with a support, else null. */
  readonly support: readonly [number, number] | null;

  /**
   * A CDF for K = k components. With `support` [lo, hi] (integers, at most
   * MAX_WINDOW values inside the latent range), every parameter set gets the
   * window [lo, hi]; without it, the window follows the parameters.
   */
  constructor(
    k: number,
    support: readonly [number, number] | null = null,
    /** Whether K = 1 parameters are cached (see cKey): worth it for models that reuse few parameter sets, not for continuous means. */
    private readonly caching = true,
  ) {
    if (!(k >= 1 && k <= 16)) throw new RangeError(`mixture size ${k} not in 1..16`);
    if (support !== null) {
      const [lo, hi] = support;
      if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo <= hi && hi - lo + 1 <= MAX_WINDOW && lo >= -LATENT_LIMIT && hi < LATENT_LIMIT)) {
        throw new RangeError(`support [${lo}, ${hi}] is not a window of at most ${MAX_WINDOW} latent values`);
      }
    }
    this.support = support;
    this.k = k;
    this.mean2 = new Float64Array(k);
    this.invS = new Float64Array(k);
    this.weight = new Float64Array(k);
    if (k === 1) this.weight0 = this.weight[0] = EXP_WEIGHT[0];
  }

  /**
   * Load parameters: component c uses means[off + c*stride], logScales[...] and
   * (if K > 1) logits[...]. Raw values are clamped to their legal ranges here.
   */
  set(means: ArrayLike<number>, logScales: ArrayLike<number>, logits: ArrayLike<number> | null, off: number, stride: number): void {
    const k = this.k;
    let lo: number, hi: number;
    let best = 0;
    this.table = null;
    if (k === 1) {
      // Single logistic: the general code below with K = 1, without the loops.
      // (weight0 = weight[0] = EXP_WEIGHT[0] since construction; the arrays are only read on a cache miss.)
      const mu = clampMean(means[off]);
      const ls = clampLogScale(logScales[off]) - LOGSCALE_MIN;
      this.mean20 = 2 * mu;
      this.invS0 = INV_SCALE[ls];
      // Integer parameters (always, from nets) get a unique key: |mu| ≤ 2^19, 0 ≤ ls ≤ 256, never NO_KEY.
      const cacheable = this.caching && (mu | 0) === mu && (ls | 0) === ls;
      const key = cacheable ? mu * 512 + ls : NO_KEY;
      const slot = (mu * 31 + ls) & (CACHE_SLOTS - 1);
      if (cacheable && this.cKey[slot] === key) {
        this.best = 0;
        this.lo = this.cLo[slot];
        this.hi = this.cHi[slot];
        this.n = this.hi - this.lo + 1;
        this.m = TOTAL - this.n - 1;
        this.gLo = this.cGLo[slot];
        this.span = this.cSpan[slot];
        this.table = this.cTable[slot];
        if (this.table === null && ++this.cHits[slot] === CACHE_TABLE_AFTER && this.n <= CACHE_TABLE_MAX) this.cTable[slot] = this.table = this.buildTable();
        return;
      }
      this.mean2[0] = this.mean20;
      this.invS[0] = this.invS0;
      const centre = mu >> MEAN_FRAC;
      const h = HALF_WINDOW[ls];
      lo = centre - h;
      hi = centre + h;
      this.window(lo, hi, 0);
      if (!cacheable) return;
      this.cKey[slot] = key;
      this.cLo[slot] = this.lo;
      this.cHi[slot] = this.hi;
      this.cGLo[slot] = this.gLo;
      this.cSpan[slot] = this.span;
      this.cHits[slot] = 0;
      this.cTable[slot] = null;
      return;
    } else {
      lo = LATENT_LIMIT;
      hi = -LATENT_LIMIT;
      let bestW = -1;
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
        if (w > bestW) {
          bestW = w;
          best = c;
        }
        const centre = mu >> MEAN_FRAC;
        const h = HALF_WINDOW[ls];
        if (centre - h < lo) lo = centre - h;
        if (centre + h > hi) hi = centre + h;
      }
      this.mean20 = this.mean2[0];
      this.invS0 = this.invS[0];
      this.weight0 = this.weight[0];
    }
    this.window(lo, hi, best);
  }

  /** Clamps the union window [lo, hi] and sets the normalisation (the tail of `set`). */
  private window(lo: number, hi: number, best: number): void {
    this.best = best;
    if (this.support !== null) [lo, hi] = this.support;
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
    if (this.k === 1) return this.weight0 * logisticCdf(Math.floor(((a - this.mean20) * this.invS0) / U_DIV));
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
    const t = this.table;
    if (t !== null && d >= 0 && d <= this.n) return t[d];
    if (this.span <= 0) return d + Math.floor((this.m * d) / this.n);
    return d + Math.floor(((this.g(z) - this.gLo) * this.m) / this.span);
  }

  /** C(lo + d) for d = 0..n, computed by `cum`. */
  private buildTable(): Int32Array {
    const t = new Int32Array(this.n + 1);
    this.table = null;
    for (let d = 0; d <= this.n; d++) t[d] = this.cum(this.lo + d);
    return t;
  }

  /** True when z lies in the window (else it must be coded as an escape). */
  inWindow(z: number): boolean {
    return z >= this.lo && z <= this.hi;
  }

  /** Frequency of z's slot under the current parameters; 0 outside the window (z is escaped). */
  slotFreq(z: number): number {
    return this.inWindow(z) ? this.cum(z + 1) - this.cum(z) : 0;
  }

  /** Pushes latent z: its interval, or (outside the window) its raw bits and then the escape slot. */
  encode(sink: SymbolSink, z: number): void {
    if (this.inWindow(z)) {
      const s = this.cum(z);
      sink.push(s, this.cum(z + 1) - s, PROB_BITS);
    } else {
      sink.pushBits(z + LATENT_LIMIT, LATENT_BITS);
      sink.push(ESCAPE_START, 1, PROB_BITS);
    }
  }

  /** Pops one latent pushed by `encode`. */
  decode(source: SymbolSource): number {
    const z = this.symbolAt(source.peek(PROB_BITS));
    if (z === ESCAPE) {
      source.advance(ESCAPE_START, 1, PROB_BITS);
      return source.popBits(LATENT_BITS) - LATENT_LIMIT;
    }
    source.advance(this.start, this.freq, PROB_BITS); // symbolAt leaves z's interval in start/freq
    return z;
  }

  /** Exact bits `encode` spends on z (ESCAPE_BITS for an escape). */
  bits(z: number): number {
    const f = this.slotFreq(z);
    return f ? PROB_BITS - Math.log2(f) : ESCAPE_BITS;
  }

  /**
   * A guess of the symbol holding slot cf (speed only: `symbolAt` verifies it
   * exactly). Inverts the heaviest component's logistic through INV_LOGISTIC,
   * with the window's linear leak (d = z − lo) estimated at its centre.
   */
  private guess(cf: number): number {
    const lo = this.lo,
      hi = this.hi;
    if (this.span <= 0) return lo + Math.floor((cf * this.n) / TOTAL);
    const b = this.best;
    const w = this.k === 1 ? this.weight0 : this.weight[b],
      mean2 = this.k === 1 ? this.mean20 : this.mean2[b],
      invS = this.k === 1 ? this.invS0 : this.invS[b];
    const scale = this.span / (this.m * w);
    const gLo = this.gLo / w;
    // The leak below z is taken as that below the component's centre (one inversion, not two).
    const centre = Math.floor((mean2 + 16) / 32);
    const leak = centre < lo ? 0 : centre > hi ? hi - lo : centre - lo;
    let f = gLo + (cf - leak) * scale;
    f = f < 0 ? 0 : f > CDF_ONE ? CDF_ONE : f;
    const u = INV_LOGISTIC[(f / (1 << INV_STEP_BITS) + 0.5) | 0];
    const z = Math.floor(((u * U_DIV) / invS + 16 + mean2) / 32);
    return z < lo ? lo : z > hi ? hi : z;
  }

  /**
   * The symbol whose interval holds slot `cf` (0 ≤ cf < 2^PROB_BITS), or
   * ESCAPE for the escape slot; sets `start` and `freq` to its interval.
   * With a cached table, bisects it; otherwise starts from `guess`, gallops
   * outwards to bracket the answer, then bisects: O(1) CDF evaluations when
   * the guess is close, O(log n) at worst — the result is the exact largest z
   * with cum(z) ≤ cf whatever the guess.
   */
  symbolAt(cf: number): number {
    if (cf >= ESCAPE_START) return ESCAPE;
    const t = this.table;
    if (t !== null) {
      // Cached table: bisect it directly (t[0] = 0 ≤ cf < t[n] = ESCAPE_START).
      let a = 0,
        b = this.n;
      while (b - a > 1) {
        const mid = (a + b) >> 1;
        if (t[mid] <= cf) a = mid;
        else b = mid;
      }
      this.start = t[a];
      this.freq = t[a + 1] - t[a];
      return this.lo + a;
    }
    const lo = this.lo,
      hi = this.hi;
    // Bracket: cum(a) = ca ≤ cf < cum(b) = cb, with cum(lo) = 0 and cum(hi + 1) = ESCAPE_START known.
    let a: number, ca: number, b: number, cb: number;
    const z = this.guess(cf);
    const cz = z === lo ? 0 : this.cum(z);
    if (cz <= cf) {
      a = z;
      ca = cz;
      b = hi + 1;
      cb = ESCAPE_START;
      for (let step = 1; ; step *= 2) {
        const t = a + step;
        if (t > hi) break;
        const ct = this.cum(t);
        if (ct > cf) {
          b = t;
          cb = ct;
          break;
        }
        a = t;
        ca = ct;
      }
    } else {
      b = z;
      cb = cz;
      a = lo;
      ca = 0;
      for (let step = 1; ; step *= 2) {
        const t = b - step;
        if (t <= lo) break;
        const ct = this.cum(t);
        if (ct <= cf) {
          a = t;
          ca = ct;
          break;
        }
        b = t;
        cb = ct;
      }
    }
    while (b - a > 1) {
      const mid = (a + b) >> 1;
      const cm = this.cum(mid);
      if (cm <= cf) {
        a = mid;
        ca = cm;
      } else {
        b = mid;
        cb = cm;
      }
    }
    this.start = ca;
    this.freq = cb - ca;
    return a;
  }
}
