/**
 * The count-context prior of small gray images (kernel COUNT_KERNEL): each
 * sample, in raster order, is coded with a distribution over its 256 values
 * taken from counts learned offline, in a back-off chain of four contexts,
 * coarse to fine:
 *
 *   position (7×7 cells of the tile) → MED prediction (256)
 *     → (MED, activity class) (2,560) → (MED, activity class, position) (125,440)
 *
 *   p_{−1}(s) = 1/256,  p_k(s) = (n_k(c_k, s) + α · p_{k−1}(s)) / (N_k(c_k) + α)
 *
 * where n_k are the level's counts and N_k their sum (a context with no counts
 * leaves p unchanged). The distribution is quantised to 2^16 with every
 * frequency ≥ 1, so every value can be coded (no escape). All arithmetic is
 * binary64 + − × ÷ in a fixed order and the final frequencies are integers:
 * every engine computes the same table (the model's canary checks it).
 *
 * Neighbours outside the tile are 0. MED is the median edge detector of
 * LOCO-I / JPEG-LS on W, N, NW; activity = |W − NW| + |N − NW| + |N − NE|,
 * class = min(⌊log2(activity + 1)⌋, 9); position = ⌊7y/h⌋ · 7 + ⌊7x/w⌋.
 */

/** Name of this kernel; any change to the contexts or the arithmetic is a new name. */
export const COUNT_KERNEL = 'ctx-pos-med-act-1';

/** Position cells per side (POS_SIDE² position contexts). */
export const POS_SIDE = 7;
/** Activity classes. */
export const ACT_CLASSES = 10;
/** Context count of each level of the chain, coarse to fine. */
export const LEVEL_SIZES = [POS_SIDE * POS_SIDE, 256, 256 * ACT_CLASSES, 256 * ACT_CLASSES * POS_SIDE * POS_SIDE] as const;
/** Frequencies of a coded sample sum to 2^COUNT_PROB_BITS. */
export const COUNT_PROB_BITS = 16;
const TOTAL = 1 << COUNT_PROB_BITS;

/** One level's counts: rows of 256 counts for the contexts that have any (sparse). */
export interface CountLevel {
  /** Row of each context, or −1 (no counts); length LEVEL_SIZES[k]. */
  row: Int32Array;
  /** 256 counts per row (non-negative integers). */
  counts: Float64Array;
  /** Sum of each row's counts. */
  totals: Float64Array;
}

/** The learned part of a count-context model. */
export interface CountTables {
  /** Back-off weight α (> 0). */
  alpha: number;
  /** The four levels, coarse to fine. */
  levels: CountLevel[];
}

/** Builds a level from dense counts (contexts × 256), keeping rows whose total is ≥ minTotal. */
export function levelFromDense(dense: Float64Array, contexts: number, minTotal = 1): CountLevel {
  const row = new Int32Array(contexts).fill(-1);
  const keep: number[] = [];
  for (let c = 0; c < contexts; c++) {
    let t = 0;
    for (let s = 0; s < 256; s++) t += dense[c * 256 + s];
    if (t >= minTotal && t > 0) {
      row[c] = keep.length;
      keep.push(c);
    }
  }
  const counts = new Float64Array(keep.length * 256);
  const totals = new Float64Array(keep.length);
  keep.forEach((c, j) => {
    counts.set(dense.subarray(c * 256, c * 256 + 256), j * 256);
    let t = 0;
    for (let s = 0; s < 256; s++) t += dense[c * 256 + s];
    totals[j] = t;
  });
  return { row, counts, totals };
}

/** The combined context index (position, MED, activity class) of sample (x, y) of a w×h tile (row-major, 1 channel), from the samples before it; 0 ≤ index < 125,440. */
export function sampleContext(v: ArrayLike<number>, w: number, h: number, x: number, y: number): number {
  const i = y * w + x;
  const W = x > 0 ? v[i - 1] : 0;
  const N = y > 0 ? v[i - w] : 0;
  const NW = x > 0 && y > 0 ? v[i - w - 1] : 0;
  const NE = y > 0 && x < w - 1 ? v[i - w + 1] : 0;
  const mx = W > N ? W : N,
    mn = W > N ? N : W;
  const med = NW >= mx ? mn : NW <= mn ? mx : W + N - NW;
  const act = Math.abs(W - NW) + Math.abs(N - NW) + Math.abs(N - NE);
  const cls = Math.min(31 - Math.clz32(act + 1), ACT_CLASSES - 1);
  const pos = Math.floor((POS_SIDE * y) / h) * POS_SIDE + Math.floor((POS_SIDE * x) / w);
  return (pos * 256 + med) * ACT_CLASSES + cls;
}

/** sampleContext of every sample of a w×h tile, row-major. */
export function contextsOf(v: ArrayLike<number>, w: number, h: number, out = new Int32Array(w * h)): Int32Array {
  for (let y = 0, i = 0; y < h; y++) for (let x = 0; x < w; x++, i++) out[i] = sampleContext(v, w, h, x, y);
  return out;
}

/** The context of each level for a combined index. */
export function levelContexts(ctx: number, out: Int32Array): Int32Array {
  const cls = ctx % ACT_CLASSES;
  const med = Math.floor(ctx / ACT_CLASSES) % 256;
  const pos = Math.floor(ctx / (ACT_CLASSES * 256));
  out[0] = pos;
  out[1] = med;
  out[2] = med * ACT_CLASSES + cls;
  out[3] = ctx;
  return out;
}

/** Most tables kept by one CountCdfCache (bounded memory: 512 bytes each; past it, tables are recomputed). */
const CACHE_LIMIT = 1 << 15;

/**
 * The quantised distributions of a model, computed on first use per
 * combined context and kept (up to CACHE_LIMIT). `starts(ctx)` gives the
 * 256 cumulative starts (Uint16, start of value s); the frequency of s is
 * the next start minus its own (2^16 after the last).
 */
export class CountCdfCache {
  /** Kept tables, in the order they were made. */
  private readonly kept: Uint16Array[] = [];
  /** For each key (a combined context, or LEVEL_SIZES[3] + a shared (MED, activity) context), its index in `kept`, or −1 (typed arrays: a Map lookup per sample was a few per cent of coding). */
  private readonly slot = new Int32Array(LEVEL_SIZES[3] + LEVEL_SIZES[2]).fill(-1);
  private readonly p = new Float64Array(256);
  private readonly lc = new Int32Array(4);

  /** True when the position level has no counts: then a context without a finest-level row has the distribution of its (MED, activity) context. */
  private readonly noPosition: boolean;
  private readonly finest: Int32Array;

  constructor(readonly tables: CountTables) {
    this.noPosition = tables.levels[0].totals.length === 0;
    this.finest = tables.levels[3].row;
  }

  /** Cumulative starts of combined context `ctx`. */
  starts(ctx: number): Uint16Array {
    // Contexts with the same distribution share one table (fewer to compute and keep).
    const key = this.noPosition && this.finest[ctx] < 0 ? LEVEL_SIZES[3] + (ctx % (256 * ACT_CLASSES)) : ctx;
    const k = this.slot[key];
    if (k >= 0) return this.kept[k];
    const t = this.compute(ctx);
    if (this.kept.length < CACHE_LIMIT) {
      this.slot[key] = this.kept.length;
      this.kept.push(t);
    }
    return t;
  }

  private compute(ctx: number): Uint16Array {
    const { alpha, levels } = this.tables;
    const p = this.p.fill(1 / 256);
    levelContexts(ctx, this.lc);
    for (let k = 0; k < levels.length; k++) {
      const lv = levels[k];
      const r = lv.row[this.lc[k]];
      if (r < 0) continue;
      const base = r * 256;
      const d = lv.totals[r] + alpha;
      for (let s = 0; s < 256; s++) p[s] = (lv.counts[base + s] + alpha * p[s]) / d;
    }
    // Quantise: 1 + ⌊p · (2^16 − 256)⌋ each, the rest to the first most probable value.
    const freq = new Int32Array(256);
    let sum = 0,
      top = 0;
    for (let s = 0; s < 256; s++) {
      const f = 1 + Math.floor(p[s] * (TOTAL - 256));
      freq[s] = f;
      sum += f;
      if (f > freq[top]) top = s;
    }
    freq[top] += TOTAL - sum;
    const starts = new Uint16Array(256);
    for (let s = 0, acc = 0; s < 256; s++) {
      starts[s] = acc;
      acc += freq[s];
    }
    return starts;
  }
}

/** Frequency of value s in a starts table. */
export function freqOf(starts: Uint16Array, s: number): number {
  return (s < 255 ? starts[s + 1] : TOTAL) - starts[s];
}

/** The value whose interval holds `slot` (0 ≤ slot < 2^16): a binary search of the starts. */
export function valueAt(starts: Uint16Array, slot: number): number {
  let lo = 0,
    hi = 255;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= slot) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
