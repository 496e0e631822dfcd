/**
 * AssemblyScript: the causal tile coders' per-sample loops compiled to WebAssembly — the kernel
 * (flows/causal-kernel.ts, causal-stack.ts, causal-context.ts), the CDF of quant/logistic-cdf.ts for
 * K = 1 without a parameter cache, the byte rANS coder of ans/rans.ts with start 'one', the copy
 * tiles of codec/copy-causal-coder.ts with the adaptive bits of quant/adaptive-bit.ts, and the
 * encoder's fit sums (flows/causal-fit.ts accumulateTile). It is a second
 * implementation of exactly what those TypeScript modules compute, statement for statement in the
 * same order: every binary64 operation is the same IEEE-754 operation (WebAssembly, like ECMAScript,
 * rounds each one correctly and never fuses a multiply-add), and every integer the TypeScript
 * computes in doubles is exact here in i32 or i64. Tests compare the two on every golden stream and
 * on random, edge-shaped, copy and tampered tiles (test/causal-wasm.test.ts).
 *
 * Build: `npm run build:wasm` (scripts/build-wasm.ts) writes src/codec/causal-tile-wasm-binary.ts.
 * Memory: the host (src/codec/causal-tile-wasm.ts) lays out every array and passes a descriptor of
 * addresses; nothing here allocates, except that a copy tile's encoder grows the memory for its
 * symbol records, which come last. One case is left to the host: a prediction beyond ±2^30 (only an
 * unstable stack could make one), where the TypeScript's doubles and these i32s would part ways —
 * the tile functions then return FALLBACK and the host codes the tile with the TypeScript.
 */

// ---- results ----
/** decodeTile: the tile decoded. */
const OK: i32 = 0;
/** decodeTile: a decoded sample outside its plane's range (a corrupt stream). */
const OUT_OF_RANGE: i32 = -1;
/** decodeTile: the rANS state did not end at 1 with every byte read (a corrupt stream). */
const BAD_END: i32 = -2;
/** Either: a prediction outside ±2^30; the host codes the tile with the TypeScript kernel. */
const FALLBACK: i32 = -3;

// ---- constants (the same names and values as the TypeScript) ----
const WEIGHT_FRAC: i32 = 12;
const BUCKETS: i32 = 28;
const BIAS_LEVELS: i32 = 14;
const SCALE_LIMIT: i32 = 128;
const BIAS_LIMIT: i32 = 128;
const ABS_TO_LOGSCALE: i32 = 72;
const LS_MIN: i32 = -64;
const LS_MAX: i32 = 160;
const SPREAD_GAIN: f64 = 6;
const SAME_PLANE: i32 = 12;
const CROSS_PER_PLANE: i32 = 3;
const BANK: i32 = 8;
const STACK_CLASSES: i32 = 4;
const NLMS_RATE: f64 = 0.01;
const LAMBDA: f64 = 0.9995;
const INV_LAMBDA: f64 = 1 / LAMBDA;
const TRACE_CAP: f64 = 0.2;
const PROB_BITS: i32 = 16;
const TOTAL: i32 = 1 << PROB_BITS;
const ESCAPE_START: i32 = TOTAL - 1;
const ESCAPE: i32 = 0x7fffffff;
const LATENT_BITS: i32 = 16;
const LATENT_LIMIT: i32 = 1 << (LATENT_BITS - 1);
const MEAN_FRAC: i32 = 4;
const MEAN_LIMIT: i32 = LATENT_LIMIT << MEAN_FRAC;
const LOGSCALE_MIN: i32 = -64;
const LOGSCALE_MAX: i32 = 192;
const CDF_U_MAX: i32 = 4096;
const CDF_ONE: f64 = 1048576;
const MAX_WINDOW: i32 = 4096;
const U_DIV: f64 = 131072;
const INV_STEP_BITS: i32 = 8;
const L_BYTE: u32 = 1 << 24;
/** Largest |prediction| (1/16 units) handled here; beyond it FALLBACK. */
const SAFE_MEAN: f64 = 1073741824;

// ---- memory helpers ----
function ldI(p: usize, i: i32): i32 {
  return load<i32>(p + ((<usize>i) << 2));
}
function stI(p: usize, i: i32, v: i32): void {
  store<i32>(p + ((<usize>i) << 2), v);
}
function ldF(p: usize, i: i32): f64 {
  return load<f64>(p + ((<usize>i) << 3));
}
function stF(p: usize, i: i32, v: f64): void {
  store<f64>(p + ((<usize>i) << 3), v);
}
function iabs(v: i32): i32 {
  return v < 0 ? -v : v;
}

// ---- tables (setTables) ----
let tCdf: usize = 0;
let tInvScale: usize = 0;
let tHalfWindow: usize = 0;
let tFrac16: usize = 0;
let tInvLogistic: usize = 0;
/** NEIGHBOURS as 12 (dx, dy) i32 pairs. */
let tNeighbours: usize = 0;
let weight0: f64 = 0;

/** Addresses of LOGISTIC_CDF, INV_SCALE, HALF_WINDOW (i32), FRAC16 (u8), INV_LOGISTIC (i32), NEIGHBOURS (i32 pairs), and EXP_WEIGHT[0]. */
export function setTables(cdf: usize, invScale: usize, halfWindow: usize, frac16: usize, invLogistic: usize, neighbours: usize, w0: f64): void {
  tCdf = cdf;
  tInvScale = invScale;
  tHalfWindow = halfWindow;
  tFrac16 = frac16;
  tInvLogistic = invLogistic;
  tNeighbours = neighbours;
  weight0 = w0;
}

// ---- the kernel's tile (descriptor, see loadTile) ----
let nch: i32 = 0;
let tw: i32 = 0;
let th: i32 = 0;
let mode: i32 = 0;
let actMax: i32 = 0;
let vals: usize = 0;
let errs: usize = 0;
let weights: usize = 0;
let classOf: usize = 0;
let sAbs: usize = 0;
let sCnt: usize = 0;
let bSum: usize = 0;
let bCnt: usize = 0;
let sw: usize = 0;
let sP: usize = 0;
let steps: usize = 0;
let off: usize = 0;
let u: usize = 0;
let pu: usize = 0;
let means: usize = 0;
let scales: usize = 0;
let bufStart: usize = 0;
let bufEnd: usize = 0;
let desc: usize = 0;

// Between predict and commit.
let mean16: i32 = 0;
let logScale: i32 = 0;
let bucketSlot: i32 = 0;
let bctx: i32 = 0;
let sOff: i32 = 0;
let pOff: i32 = 0;
let base: f64 = 0;
let corr: f64 = 0;
let m16pre: i32 = 0;
let norm: f64 = 0;
/** Set by predict when the prediction is outside ±SAFE_MEAN. */
let unsafe: bool = false;

/** Per-plane fields of the descriptor: lo16 at 21, hi16 at 24, wOff at 27, swOff at 30, sPOff at 33. */
function planeField(field: i32, c: i32): i32 {
  return ldI(desc, field + c);
}

function loadTile(d: usize): void {
  desc = d;
  nch = ldI(d, 0);
  tw = ldI(d, 1);
  th = ldI(d, 2);
  mode = ldI(d, 3);
  actMax = ldI(d, 4);
  vals = <usize>ldI(d, 5);
  errs = <usize>ldI(d, 6);
  weights = <usize>ldI(d, 7);
  classOf = <usize>ldI(d, 8);
  sAbs = <usize>ldI(d, 9);
  sCnt = <usize>ldI(d, 10);
  bSum = <usize>ldI(d, 11);
  bCnt = <usize>ldI(d, 12);
  sw = <usize>ldI(d, 13);
  sP = <usize>ldI(d, 14);
  steps = <usize>ldI(d, 15);
  const scratch = <usize>ldI(d, 16);
  off = scratch;
  u = scratch + 64;
  pu = scratch + 160;
  means = <usize>ldI(d, 17);
  scales = <usize>ldI(d, 18);
  bufStart = <usize>ldI(d, 19);
  bufEnd = <usize>ldI(d, 20);
  unsafe = false;
}

// ---- causal-context.ts ----
/** neighbourOffsets: where the NEIGHBOURS of pixel (x, y) start in vals, under the border rule. */
function pixel(x: i32, y: i32): void {
  const at = (y * tw + x) * nch;
  if (y >= 2 && x >= 2 && x + 2 < tw) {
    for (let k = 0; k < SAME_PLANE; k++) stI(off, k, at + ldI(steps, k));
    return;
  }
  const sentinel = tw * th;
  const west = x > 0 ? y * tw + x - 1 : y > 0 ? (y - 1) * tw + x : sentinel;
  for (let k = 0; k < SAME_PLANE; k++) {
    const yy = y + ldI(tNeighbours, 2 * k + 1);
    let xx = x + ldI(tNeighbours, 2 * k);
    xx = xx < 0 ? 0 : xx >= tw ? tw - 1 : xx;
    let j: i32;
    if (yy < 0) j = west;
    else if (yy == y && xx >= x) j = y > 0 ? (y - 1) * tw + xx : sentinel;
    else j = yy * tw + xx;
    stI(off, k, j * nch);
  }
}

/** fittedSum, exact in i64 (the TypeScript's partial sums are integers below 2^34). */
function fittedSum(c: i32, i: i32, o: i32): i64 {
  let s: i64 = 0;
  for (let k = 0; k < SAME_PLANE; k++) s += <i64>ldI(weights, o + k) * <i64>ldI(vals, ldI(off, k) + c);
  let j = o + SAME_PLANE;
  const at = i * nch,
    oW = ldI(off, 0),
    oN = ldI(off, 1);
  for (let p = 0; p < c; p++, j += CROSS_PER_PLANE) {
    s += <i64>ldI(weights, j) * <i64>ldI(vals, at + p) + <i64>ldI(weights, j + 1) * <i64>ldI(vals, oW + p) + <i64>ldI(weights, j + 2) * <i64>ldI(vals, oN + p);
  }
  return s + <i64>ldI(weights, j);
}

// ---- log16.ts ----
function log16(v: i32): i32 {
  if (v <= 1) return 0;
  const b = 31 - clz<i32>(v);
  const m = b >= 8 ? <i32>((<u32>v) >> (b - 8)) - 256 : (v << (8 - b)) - 256;
  return 16 * b + <i32>load<u8>(tFrac16 + <usize>m);
}

// ---- causal-kernel.ts ----
function bucketOf(en: i32): i32 {
  const v = en + 16;
  const b = 31 - clz<i32>(v);
  const q = 2 * b + ((<i32>((<u32>v) >> (b - 1))) & 1) - 9;
  return q < 0 ? 0 : q >= BUCKETS ? BUCKETS - 1 : q;
}

function stackClass(bucket: i32): i32 {
  const s = (bucket - 3) >> 2;
  return s < 0 ? 0 : s >= STACK_CLASSES ? STACK_CLASSES - 1 : s;
}

/** causal-stack.ts bank: fills u[0..7], returns the spread. */
function bank(W: i32, N: i32, NW: i32, NE: i32, WW: i32, NN: i32, NNE: i32, eW: i32, eN: i32, eNW: i32, eNE: i32, b: f64): f64 {
  const mx = W > N ? W : N,
    mn = W > N ? N : W;
  const med = NW >= mx ? mn : NW <= mn ? mx : W + N - NW;
  const avg = <f64>(2 * W + 2 * N + NE - NW) * 0.25;
  const dh = iabs(W - WW) + iabs(N - NW) + iabs(NE - N);
  const dv = iabs(W - NW) + iabs(N - NN) + iabs(NE - NNE);
  const d = dv - dh;
  let gap: f64;
  if (d > 80) gap = <f64>W;
  else if (d < -80) gap = <f64>N;
  else if (d > 32) gap = (avg + <f64>W) * 0.5;
  else if (d > 8) gap = (3 * avg + <f64>W) * 0.25;
  else if (d < -32) gap = (avg + <f64>N) * 0.5;
  else if (d < -8) gap = (3 * avg + <f64>N) * 0.25;
  else gap = avg;
  const u0 = <f64>med - b,
    u1 = gap - b,
    u2 = avg - b,
    u3 = <f64>(W + NE - N) - b,
    u4 = <f64>N - b,
    u5 = <f64>W - b,
    u6 = <f64>N - <f64>(eW + eN + eNE) * 0.03125 - b,
    u7 = <f64>W - <f64>(eW + eN + eNW) * 0.01953125 - b;
  stF(u, 0, u0);
  stF(u, 1, u1);
  stF(u, 2, u2);
  stF(u, 3, u3);
  stF(u, 4, u4);
  stF(u, 5, u5);
  stF(u, 6, u6);
  stF(u, 7, u7);
  let spread: f64 = 0;
  spread += Math.abs(u0);
  spread += Math.abs(u1);
  spread += Math.abs(u2);
  spread += Math.abs(u3);
  spread += Math.abs(u4);
  spread += Math.abs(u5);
  spread += Math.abs(u6);
  spread += Math.abs(u7);
  return spread;
}

/** CausalKernel.predict: sets mean16 and logScale (and unsafe, beyond ±SAFE_MEAN). */
function predict(c: i32, i: i32): void {
  const oW = ldI(off, 0),
    oN = ldI(off, 1);
  const W = ldI(vals, oW + c),
    N = ldI(vals, oN + c),
    NW = ldI(vals, ldI(off, 2) + c),
    NE = ldI(vals, ldI(off, 3) + c),
    WW = ldI(vals, ldI(off, 4) + c),
    NN = ldI(vals, ldI(off, 5) + c),
    NNE = ldI(vals, ldI(off, 7) + c);
  const act = iabs(W - NW) + iabs(N - NW) + iabs(NE - N) + iabs(W - WW) + iabs(N - NN);
  const k = <i32>load<u8>(classOf + <usize>(c * (actMax + 1) + (act < actMax ? act : actMax)));
  const s = fittedSum(c, i, planeField(27, c) + k * (SAME_PLANE + CROSS_PER_PLANE * c + 1));
  // Math.floor((s + 2^(WEIGHT_FRAC−5)) / 2^(WEIGHT_FRAC−4)): a floor division by a power of two.
  const lsMean = <i32>((s + (1 << (WEIGHT_FRAC - 5))) >> (WEIGHT_FRAC - 4));
  const eW = ldI(errs, oW + c),
    eN = ldI(errs, oN + c),
    eNW = ldI(errs, ldI(off, 2) + c),
    eNE = ldI(errs, ldI(off, 3) + c);
  const aWW = iabs(ldI(errs, ldI(off, 4) + c)),
    aNN = iabs(ldI(errs, ldI(off, 5) + c));
  let en = iabs(eW) + iabs(eN) + ((iabs(eNW) + iabs(eNE)) >> 1) + ((aWW + aNN) >> 2);
  if (c > 0) {
    const ap = iabs(ldI(errs, i * nch + c - 1));
    en += ap + (ap >> 1);
  }
  const b = <f64>lsMean / 16;
  const spread = bank(W, N, NW, NE, WW, NN, NNE, eW, eN, eNW, eNE, b);
  en += <i32>Math.floor(spread * SPREAD_GAIN);
  const bucket = bucketOf(en);
  let mean = lsMean;
  if (mode != 0) {
    const ku = BANK + c + 1;
    for (let p = 0; p < c; p++) stF(u, BANK + p, <f64>ldI(errs, i * nch + p) / 16);
    stF(u, BANK + c, 1);
    const sc = stackClass(bucket);
    sOff = planeField(30, c) + sc * ku;
    pOff = planeField(33, c) + sc * ku * ku;
    let y: f64 = 0;
    if (mode == 1) {
      let nn: f64 = 1;
      for (let q = 0; q < ku; q++) {
        const x = ldF(u, q);
        y += ldF(sw, sOff + q) * x;
        nn += x * x;
      }
      norm = nn;
    } else {
      for (let q = 0; q < ku; q++) y += ldF(sw, sOff + q) * ldF(u, q);
    }
    base = b;
    corr = y;
    const m = Math.floor((b + y) * 16 + 0.5);
    if (!(m > -SAFE_MEAN && m < SAFE_MEAN)) {
      unsafe = true;
      return;
    }
    mean = <i32>m;
  }
  const tex =
    (<i32>((<u32>(mean - W * 16)) >> 31)) |
    ((<i32>((<u32>(mean - N * 16)) >> 31)) << 1) |
    ((<i32>((<u32>(mean - NW * 16)) >> 31)) << 2) |
    ((<i32>((<u32>(mean - NE * 16)) >> 31)) << 3) |
    ((<i32>((<u32>(mean - WW * 16)) >> 31)) << 4) |
    ((<i32>((<u32>(mean - NN * 16)) >> 31)) << 5);
  bctx = (c * BIAS_LEVELS + (bucket >> 1)) * 64 + tex;
  m16pre = mean;
  mean += <i32>Math.floor(<f64>ldI(bSum, bctx) / <f64>ldI(bCnt, bctx));
  const lo16 = planeField(21, c),
    hi16 = planeField(24, c);
  mean16 = mean < lo16 ? lo16 : mean > hi16 ? hi16 : mean;
  const sb = c * BUCKETS + bucket;
  const ls = log16(ldI(sAbs, sb)) - log16(ldI(sCnt, sb)) - ABS_TO_LOGSCALE;
  logScale = ls < LS_MIN ? LS_MIN : ls > LS_MAX ? LS_MAX : ls;
  bucketSlot = sb;
}

/** CausalKernel.commit. */
function commit(c: i32, i: i32, v: i32): void {
  const at = i * nch + c;
  stI(vals, at, v);
  const err = v * 16 - mean16;
  stI(errs, at, err);
  stI(bSum, bctx, ldI(bSum, bctx) + (v * 16 - m16pre));
  const bc = ldI(bCnt, bctx) + 1;
  stI(bCnt, bctx, bc);
  if (bc >= BIAS_LIMIT) {
    stI(bSum, bctx, ldI(bSum, bctx) / 2);
    stI(bCnt, bctx, BIAS_LIMIT >> 1);
  }
  const sb = bucketSlot;
  stI(sAbs, sb, ldI(sAbs, sb) + iabs(err));
  const sc = ldI(sCnt, sb) + 1;
  stI(sCnt, sb, sc);
  if (sc >= SCALE_LIMIT) {
    stI(sAbs, sb, ldI(sAbs, sb) >> 1);
    stI(sCnt, sb, SCALE_LIMIT >> 1);
  }
  if (mode == 0) return;
  const k = BANK + c + 1;
  const e = <f64>v - base - corr;
  if (mode == 1) {
    const g = (NLMS_RATE * e) / norm;
    for (let q = 0; q < k; q++) stF(sw, sOff + q, ldF(sw, sOff + q) + g * ldF(u, q));
    return;
  }
  // rlsUpdate
  let den = LAMBDA;
  for (let q = 0; q < k; q++) {
    let a: f64 = 0;
    const r = pOff + q * k;
    for (let j = 0; j < k; j++) a += ldF(sP, r + j) * ldF(u, j);
    stF(pu, q, a);
    den += ldF(u, q) * a;
  }
  const g = e / den;
  for (let q = 0; q < k; q++) stF(sw, sOff + q, ldF(sw, sOff + q) + ldF(pu, q) * g);
  let tr: f64 = 0;
  for (let q = 0; q < k; q++) {
    const pq = ldF(pu, q) / den;
    const r = pOff + q * k;
    for (let j = q; j < k; j++) {
      const x = (ldF(sP, r + j) - pq * ldF(pu, j)) * INV_LAMBDA;
      stF(sP, r + j, x);
      stF(sP, pOff + j * k + q, x);
    }
    tr += ldF(sP, r + q);
  }
  if (tr > TRACE_CAP) for (let q = 0; q < k * k; q++) stF(sP, pOff + q, ldF(sP, pOff + q) * 0.5);
}

// ---- logistic-cdf.ts, K = 1, no support, no cache ----
let cLo: i32 = 0;
let cHi: i32 = 0;
let cN: i32 = 0;
let cM: f64 = 0;
let cGLo: f64 = 0;
let cSpan: f64 = 0;
let cMean2: f64 = 0;
let cInvS: f64 = 0;
let cStart: i32 = 0;
let cFreq: i32 = 0;

function logisticCdf(v: i32): f64 {
  if (v >= 0) return <f64>ldI(tCdf, v > CDF_U_MAX ? CDF_U_MAX : v);
  return CDF_ONE - <f64>ldI(tCdf, -v > CDF_U_MAX ? CDF_U_MAX : -v);
}

function g(z: i32): f64 {
  const a = <f64>(32 * z - 16);
  return weight0 * logisticCdf(<i32>Math.floor(((a - cMean2) * cInvS) / U_DIV));
}

/** LeakyMixtureCdf.set for one component (mean in 1/16 units, log-scale). */
function cdfSet(mean: i32, logScale: i32): void {
  const mu = mean < -MEAN_LIMIT ? -MEAN_LIMIT : mean > MEAN_LIMIT ? MEAN_LIMIT : mean;
  const ls = (logScale < LOGSCALE_MIN ? LOGSCALE_MIN : logScale > LOGSCALE_MAX ? LOGSCALE_MAX : logScale) - LOGSCALE_MIN;
  cMean2 = <f64>(2 * mu);
  cInvS = <f64>ldI(tInvScale, ls);
  const centre = mu >> MEAN_FRAC;
  const h = ldI(tHalfWindow, ls);
  let lo = centre - h,
    hi = centre + h;
  if (lo < -LATENT_LIMIT) lo = -LATENT_LIMIT;
  if (hi > LATENT_LIMIT - 1) hi = LATENT_LIMIT - 1;
  if (hi - lo + 1 > MAX_WINDOW) {
    const c2 = mu >> MEAN_FRAC;
    lo = max(lo, c2 - MAX_WINDOW / 2);
    hi = min(hi, lo + MAX_WINDOW - 1);
    lo = hi - MAX_WINDOW + 1;
  }
  cLo = lo;
  cHi = hi;
  cN = hi - lo + 1;
  cM = <f64>(TOTAL - cN - 1);
  cGLo = g(lo);
  cSpan = g(hi + 1) - cGLo;
}

function cum(z: i32): i32 {
  const d = z - cLo;
  if (cSpan <= 0) return d + <i32>Math.floor((cM * <f64>d) / <f64>cN);
  return d + <i32>Math.floor(((g(z) - cGLo) * cM) / cSpan);
}

function guess(cf: i32): i32 {
  const lo = cLo,
    hi = cHi;
  if (cSpan <= 0) return lo + <i32>Math.floor((<f64>cf * <f64>cN) / <f64>TOTAL);
  const w = weight0;
  const scale = cSpan / (cM * w);
  const gLo = cGLo / w;
  const centre = <i32>Math.floor((cMean2 + 16) / 32);
  const leak = centre < lo ? 0 : centre > hi ? hi - lo : centre - lo;
  let f = gLo + <f64>(cf - leak) * scale;
  f = f < 0 ? 0 : f > CDF_ONE ? CDF_ONE : f;
  const uu = ldI(tInvLogistic, <i32>(f / <f64>(1 << INV_STEP_BITS) + 0.5));
  const z = <i32>Math.floor(((<f64>uu * U_DIV) / cInvS + 16 + cMean2) / 32);
  return z < lo ? lo : z > hi ? hi : z;
}

/** LeakyMixtureCdf.symbolAt without a table: the largest z with cum(z) ≤ cf (or ESCAPE); sets cStart, cFreq. */
function symbolAt(cf: i32): i32 {
  if (cf >= ESCAPE_START) return ESCAPE;
  const lo = cLo,
    hi = cHi;
  let a: i32, ca: i32, b: i32, cb: i32;
  const z = guess(cf);
  const cz = z == lo ? 0 : cum(z);
  if (cz <= cf) {
    a = z;
    ca = cz;
    b = hi + 1;
    cb = ESCAPE_START;
    for (let step = 1; ; step *= 2) {
      const t = a + step;
      if (t > hi) break;
      const ct = cum(t);
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
      const ct = cum(t);
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
    const cm = cum(mid);
    if (cm <= cf) {
      a = mid;
      ca = cm;
    } else {
      b = mid;
      cb = cm;
    }
  }
  cStart = ca;
  cFreq = cb - ca;
  return a;
}

// ---- rans.ts, byte words, start 'one', 16-bit precision ----
let rx: u32 = 0;
let rpos: usize = 0;

/** RansEncoder.push at 16 bits: writes bytes downwards from rpos. */
function push(start: i32, freq: i32): void {
  let x = rx;
  const limit = (<u32>freq) << (24 - PROB_BITS);
  while (x >> 8 >= limit) {
    rpos--;
    store<u8>(rpos, <u8>(x & 0xff));
    x >>= 8;
  }
  const q = x / <u32>freq;
  rx = (q << PROB_BITS) + (x - q * <u32>freq) + <u32>start;
}

/** RansDecoder.advance at 16 bits, then the refill (which stops quietly at the end: start 'one'). */
function advance(start: i32, freq: i32): void {
  const x = rx;
  const r = (x & 0xffff) - <u32>start;
  refill(<u32>freq * (x >> PROB_BITS) + r);
}

function refill(y: u32): void {
  while (y < L_BYTE) {
    if (rpos >= bufEnd) break;
    y = (y << 8) + <u32>load<u8>(rpos);
    rpos++;
  }
  rx = y;
}

/** RansEncoder.finish: writes the final state below the emitted bytes; returns where the stream starts. */
function finishStream(): i32 {
  const x = rx;
  store<u8>(rpos - 1, <u8>(x >> 24));
  store<u8>(rpos - 2, <u8>((x >> 16) & 0xff));
  store<u8>(rpos - 3, <u8>((x >> 8) & 0xff));
  store<u8>(rpos - 4, <u8>(x & 0xff));
  return <i32>(rpos - 4);
}

/** RansDecoder's start on [bufStart, bufEnd): the state from the first 4 bytes. */
function startDecoding(): void {
  rx = load<u32>(bufStart);
  rpos = bufStart + 4;
}

/**
 * Decodes plane c of pixel i (after `pixel`): predict, the CDF's symbol or an escape, the range
 * check, commit. Returns OK, OUT_OF_RANGE or FALLBACK.
 */
function decodeSample(c: i32, i: i32): i32 {
  predict(c, i);
  if (unsafe) return FALLBACK;
  cdfSet(mean16, logScale);
  const z = symbolAt(<i32>(rx & 0xffff));
  let v: i32;
  if (z == ESCAPE) {
    advance(ESCAPE_START, 1);
    v = <i32>(rx & 0xffff) - LATENT_LIMIT;
    refill(rx >> LATENT_BITS);
  } else {
    advance(cStart, cFreq);
    v = z;
  }
  if (v * 16 < planeField(21, c) || v * 16 > planeField(24, c)) return OUT_OF_RANGE;
  commit(c, i, v);
  return OK;
}

/**
 * Codes the tile described at d (see the host, src/codec/causal-tile-wasm.ts): runs the kernel in decode order
 * recording each sample's prior, then rANS-codes the samples in reverse into [bufStart, bufEnd).
 * Returns the address where the stream starts (it ends at bufEnd), or FALLBACK.
 */
export function encodeTile(d: usize): i32 {
  loadTile(d);
  let i = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++, i++) {
      pixel(x, y);
      for (let c = 0; c < nch; c++) {
        predict(c, i);
        if (unsafe) return FALLBACK;
        const j = i * nch + c;
        stI(means, j, mean16);
        stI(scales, j, logScale);
        commit(c, i, ldI(vals, j));
      }
    }
  }
  rx = 1;
  rpos = bufEnd;
  for (let j = tw * th * nch - 1; j >= 0; j--) {
    cdfSet(ldI(means, j), ldI(scales, j));
    const z = ldI(vals, j);
    if (z >= cLo && z <= cHi) {
      const s = cum(z);
      push(s, cum(z + 1) - s);
    } else {
      push(z + LATENT_LIMIT, 1);
      push(ESCAPE_START, 1);
    }
  }
  return finishStream();
}

/**
 * Decodes the tile stream [bufStart, bufEnd) (its 4-byte head already checked by the host) into the
 * kernel's values. Returns OK, OUT_OF_RANGE or BAD_END (corrupt), or FALLBACK.
 */
export function decodeTile(d: usize): i32 {
  loadTile(d);
  startDecoding();
  let i = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++, i++) {
      pixel(x, y);
      for (let c = 0; c < nch; c++) {
        const r = decodeSample(c, i);
        if (r != OK) return r;
      }
    }
  }
  if (rx != 1 || rpos != bufEnd) return BAD_END;
  return OK;
}

// ---- copy tiles (codec/copy-causal-coder.ts, adaptive bits of quant/adaptive-bit.ts) ----
/** decodeCopyTile: a colour-cache copy from an empty slot (a corrupt stream). */
const EMPTY_SLOT: i32 = -4;
const CANDIDATES: i32 = 9;
const CONTEXTS_PER_CANDIDATE: i32 = 256 * 3;
const HASH_BITS: i32 = 16;
const CACHE_BITS: i32 = 8;
const CACHED: i32 = CANDIDATES;
const CAUSAL_PRIOR16: i32 = 16 * 16;
const ONE: i32 = 1 << 16;
const P_MIN: i32 = 32;
const FAST_MAX_SHIFT: i32 = 2;
/** A recorded escape: the word after its mean16, logScale and value (no interval is all ones). */
const ESCAPED: i32 = -1;
/** Most words a pixel records: its candidates' bits, the cache bit and slot, and every sample escaped (4 words). */
const WORDS_PER_PIXEL: i32 = CANDIDATES + 1 + CACHE_BITS + 3 * 4;

let twoRate: bool = false;
let bitsP: usize = 0;
let bitsN: usize = 0;
let bitsQ: usize = 0;
let cacheP: usize = 0;
let cacheN: usize = 0;
let cacheQ: usize = 0;
let cache: usize = 0;
let decisions: usize = 0;
let source: usize = 0;
let table: usize = 0;
let packed: usize = 0;
/** The encoder's symbol records (grown at the end of memory as needed). */
let words: usize = 0;
/** candidates(): distinct candidates (at, keys, votes, id; CANDIDATES i32 each) and every candidate (all). */
let cAt: usize = 0;
let cKeys: usize = 0;
let cVotes: usize = 0;
let cId: usize = 0;
let cAll: usize = 0;
let cCount: i32 = 0;
let cCtx: i32 = 0;
let cKey: i32 = 0;

function loadCopyTile(d: usize): void {
  loadTile(d);
  twoRate = ldI(d, 36) != 0;
  bitsP = <usize>ldI(d, 37);
  bitsN = <usize>ldI(d, 38);
  bitsQ = <usize>ldI(d, 39);
  cacheP = <usize>ldI(d, 40);
  cacheN = <usize>ldI(d, 41);
  cacheQ = <usize>ldI(d, 42);
  cache = <usize>ldI(d, 43);
  decisions = <usize>ldI(d, 44);
  source = <usize>ldI(d, 45);
  table = <usize>ldI(d, 46);
  packed = <usize>ldI(d, 47);
  words = <usize>ldI(d, 48);
  const c = <usize>ldI(d, 49);
  cAt = c;
  cKeys = c + 36;
  cVotes = c + 72;
  cId = c + 108;
  cAll = c + 144;
  // AdaptiveBits' initial state: P(1) = 1/2 at both rates, no bits seen.
  const nb = CANDIDATES * CONTEXTS_PER_CANDIDATE,
    nc = 16 + (1 << CACHE_BITS);
  for (let k = 0; k < nb; k++) {
    store<u16>(bitsP + ((<usize>k) << 1), <u16>(ONE >> 1));
    store<u16>(bitsQ + ((<usize>k) << 1), <u16>(ONE >> 1));
  }
  for (let k = 0; k < nc; k++) {
    store<u16>(cacheP + ((<usize>k) << 1), <u16>(ONE >> 1));
    store<u16>(cacheQ + ((<usize>k) << 1), <u16>(ONE >> 1));
  }
  memory.fill(bitsN, 0, (<usize>nb) << 1);
  memory.fill(cacheN, 0, (<usize>nc) << 1);
  memory.fill(cache, 0, 4 << CACHE_BITS);
  memory.fill(table, 0, 4 << HASH_BITS);
  const n = tw * th;
  memory.fill(decisions, 0, <usize>n);
  memory.fill(packed, 0, (<usize>n) << 2);
  for (let i = 0; i < n; i++) stI(source, i, -1);
}

/** RATE[n] of adaptive-bit.ts for n in 0..15: 1, 2, 3, 3, 4 ×4, 5 ×8. */
function rate(n: i32): i32 {
  return n < 1 ? 1 : n < 2 ? 2 : n < 4 ? 3 : n < 8 ? 4 : 5;
}

function slowShift(n: i32): i32 {
  return n < 16 ? rate(n) : n < 64 ? 5 : n < 256 ? 6 : 7;
}

function step(p: i32, bit: i32, shift: i32): i32 {
  p = bit ? p + ((ONE - p) >> shift) : p - (p >> shift);
  return p < P_MIN ? P_MIN : p > ONE - P_MIN ? ONE - P_MIN : p;
}

/** AdaptiveBits.p1 of the bits at (P, Q). */
function p1(P: usize, Q: usize, ctx: i32): i32 {
  const at = (<usize>ctx) << 1;
  return twoRate ? (<i32>load<u16>(P + at) + <i32>load<u16>(Q + at)) >> 1 : <i32>load<u16>(P + at);
}

/** AdaptiveBits.update of the bits at (P, N, Q). */
function update(P: usize, N: usize, Q: usize, ctx: i32, bit: i32): void {
  const at = (<usize>ctx) << 1;
  const n = <i32>load<u16>(N + at);
  if (twoRate) {
    store<u16>(P + at, <u16>step(<i32>load<u16>(P + at), bit, min(FAST_MAX_SHIFT, rate(n < 15 ? n : 15))));
    store<u16>(Q + at, <u16>step(<i32>load<u16>(Q + at), bit, slowShift(n)));
    if (n < 256) store<u16>(N + at, <u16>(n + 1));
    return;
  }
  store<u16>(P + at, <u16>step(<i32>load<u16>(P + at), bit, rate(n)));
  if (n < 15) store<u16>(N + at, <u16>(n + 1));
}

/** AdaptiveBits.decode. */
function decodeBit(P: usize, N: usize, Q: usize, ctx: i32): i32 {
  const p = p1(P, Q, ctx);
  const bit = <i32>(rx & 0xffff) < p ? 1 : 0;
  if (bit) advance(0, p);
  else advance(p, ONE - p);
  update(P, N, Q, ctx, bit);
  return bit;
}

function hashPixel(hsh: i32, p: i32): i32 {
  if (p < 0) {
    for (let c = 0; c < nch; c++) hsh = (hsh ^ 0x7fff) * 0x01000193;
  } else {
    for (let c = 0; c < nch; c++) hsh = (hsh ^ (ldI(vals, p * nch + c) & 0xffff)) * 0x01000193;
  }
  return hsh;
}

function colourHash(p: i32): i32 {
  let hsh: i32 = 0x811c9dc5;
  for (let c = 0; c < nch; c++) hsh = (hsh ^ (ldI(vals, p * nch + c) & 0xffff)) * 0x01000193;
  return (hsh ^ (<i32>((<u32>hsh) >> 16))) & ((1 << CACHE_BITS) - 1);
}

function packPixel(i: i32): i32 {
  if (nch == 1) return ldI(vals, i);
  const o = i * 3;
  return ldI(vals, o) | ((ldI(vals, o + 1) & 0x3ff) << 8) | ((ldI(vals, o + 2) & 0x3ff) << 18);
}

function decisionClass(d: i32): i32 {
  return d < 2 ? d : d == 2 ? 2 : 3;
}

/** CopyState.candidates. */
function candidates(x: i32, y: i32): void {
  const i = y * tw + x;
  const iW = x > 0 ? i - 1 : -1,
    iN = y > 0 ? i - tw : -1,
    iNW = x > 0 && y > 0 ? i - tw - 1 : -1,
    iNE = y > 0 && x + 1 < tw ? i - tw + 1 : -1;
  let hsh = hashPixel(<i32>0x811c9dc5, iW);
  hsh = hashPixel(hsh, iN);
  hsh = hashPixel(hsh, iNW);
  hsh = hashPixel(hsh, iNE);
  cKey = (hsh ^ (<i32>((<u32>hsh) >> 16))) & ((1 << HASH_BITS) - 1);
  const m = ldI(table, cKey) - 1;
  const sW = iW < 0 ? -1 : ldI(source, iW),
    sN = iN < 0 ? -1 : ldI(source, iN);
  const cW = sW >= 0 && sW + 1 < i ? sW + 1 : -1,
    cN = sN >= 0 && sN + tw < i ? sN + tw : -1;
  stI(cAll, 0, iW);
  stI(cAll, 1, iN);
  stI(cAll, 2, m);
  stI(cAll, 3, iNE);
  stI(cAll, 4, iNW);
  stI(cAll, 5, y > 1 ? i - 2 * tw : -1);
  stI(cAll, 6, x > 1 ? i - 2 : -1);
  stI(cAll, 7, cW);
  stI(cAll, 8, cN);
  let n = 0;
  for (let k = 0; k < CANDIDATES; k++) {
    const p = ldI(cAll, k);
    if (p < 0) continue;
    const key = ldI(packed, p);
    let j = 0;
    while (j < n && ldI(cKeys, j) != key) j++;
    if (j < n) {
      const v = ldI(cVotes, j);
      if (v < 2) stI(cVotes, j, v + 1);
      continue;
    }
    stI(cAt, n, p);
    stI(cKeys, n, key);
    stI(cVotes, n, 0);
    stI(cId, n, k);
    n++;
  }
  cCount = n;
  const kW = iW < 0 ? -1 : ldI(packed, iW),
    kN = iN < 0 ? -2 : ldI(packed, iN),
    kNW = iNW < 0 ? -3 : ldI(packed, iNW),
    kNE = iNE < 0 ? -4 : ldI(packed, iNE);
  const eq = (kW == kN ? 1 : 0) | (kN == kNE ? 2 : 0) | (kW == kNW ? 4 : 0) | (kN == kNW ? 8 : 0);
  const dW = iW < 0 ? 0 : decisionClass(<i32>load<u8>(decisions + <usize>iW)),
    dN = iN < 0 ? 0 : decisionClass(<i32>load<u8>(decisions + <usize>iN));
  cCtx = (eq * 4 + dW) * 4 + dN;
}

function contextOf(j: i32): i32 {
  return ldI(cId, j) * CONTEXTS_PER_CANDIDATE + ldI(cVotes, j) * 256 + cCtx;
}

/** CopyState.copy: pixel i is a copy of pixel `from` (candidate identity id). */
function copyPixel(i: i32, from: i32, id: i32): void {
  for (let c = 0; c < nch; c++) stI(vals, i * nch + c, ldI(vals, from * nch + c));
  store<u8>(decisions + <usize>i, <u8>(1 + id));
  stI(source, i, from);
}

/** CopyState.remember. */
function remember(i: i32): void {
  stI(packed, i, packPixel(i));
  stI(table, cKey, i + 1);
  stI(cache, colourHash(i), i + 1);
}

function bitCost16(p: i32, bit: i32): i32 {
  return 16 * 16 - log16(bit ? p : ONE - p);
}

let nWords: i32 = 0;

/** SymbolRecords.bit. */
function recordBit(bit: i32, p: i32): void {
  stI(words, nWords++, bit ? p - 1 : (p << 16) | (65535 - p));
}

/** Grows the memory so that `more` words fit after the records. */
function roomFor(more: i32): void {
  const end = words + ((<usize>(nWords + more)) << 2);
  const have = (<usize>memory.size()) << 16;
  if (end > have) memory.grow(<i32>((end - have + 65535) >> 16));
}

/**
 * Codes the copy tile described at d (see the host): the decisions, cache bits and samples of
 * encodeCopyTile in decode order into the records, then rANS in reverse into [bufStart, bufEnd).
 * Returns the address where the stream starts, or FALLBACK.
 */
export function encodeCopyTile(d: usize): i32 {
  loadCopyTile(d);
  nWords = 0;
  let causalSum = 0,
    causalCount = 0;
  let i = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++, i++) {
      roomFor(WORDS_PER_PIXEL);
      candidates(x, y);
      const truth = packPixel(i);
      let hit = -1;
      for (let j = 0; j < cCount && hit < 0; j++) {
        const bit = truth == ldI(packed, ldI(cAt, j)) ? 1 : 0;
        const ctx = contextOf(j);
        recordBit(bit, p1(bitsP, bitsQ, ctx));
        update(bitsP, bitsN, bitsQ, ctx, bit);
        if (bit) hit = j;
      }
      let slot = -1;
      if (hit < 0) {
        // cachedSlot: the slot of the pixel's colour when it holds a pixel of the same colour.
        const s = colourHash(i);
        const p = ldI(cache, s) - 1;
        if (p >= 0) {
          let eqp = true;
          for (let c = 0; c < nch; c++) if (ldI(vals, i * nch + c) != ldI(vals, p * nch + c)) eqp = false;
          if (eqp) slot = s;
        }
      }
      const hitCtx = cCtx & 15;
      if (slot >= 0) {
        let tree = bitCost16(p1(cacheP, cacheQ, hitCtx), 1);
        for (let b = CACHE_BITS - 1, node = 1; b >= 0; b--) {
          const bit = (slot >> b) & 1;
          tree += bitCost16(p1(cacheP, cacheQ, 16 + node), bit);
          node = node * 2 + bit;
        }
        if (tree >= bitCost16(p1(cacheP, cacheQ, hitCtx), 0) + (causalSum + CAUSAL_PRIOR16) / (causalCount + 1)) slot = -1;
      }
      if (hit < 0) {
        const hitBit = slot >= 0 ? 1 : 0;
        recordBit(hitBit, p1(cacheP, cacheQ, hitCtx));
        update(cacheP, cacheN, cacheQ, hitCtx, hitBit);
        for (let b = CACHE_BITS - 1, node = 1; slot >= 0 && b >= 0; b--) {
          const bit = (slot >> b) & 1;
          recordBit(bit, p1(cacheP, cacheQ, 16 + node));
          update(cacheP, cacheN, cacheQ, 16 + node, bit);
          node = node * 2 + bit;
        }
      }
      if (hit >= 0) copyPixel(i, ldI(cAt, hit), ldI(cId, hit));
      else if (slot >= 0) copyPixel(i, ldI(cache, slot) - 1, CACHED);
      else {
        pixel(x, y);
        for (let c = 0; c < nch; c++) {
          predict(c, i);
          if (unsafe) return FALLBACK;
          const v = ldI(vals, i * nch + c);
          cdfSet(mean16, logScale);
          if (v >= cLo && v <= cHi) {
            const start = cum(v),
              freq = cum(v + 1) - start;
            stI(words, nWords++, (start << 16) | (freq - 1));
            causalSum += 16 * PROB_BITS - log16(freq);
          } else {
            stI(words, nWords++, mean16);
            stI(words, nWords++, logScale);
            stI(words, nWords++, v);
            stI(words, nWords++, ESCAPED);
            causalSum += 16 * 32;
          }
          commit(c, i, v);
        }
        causalCount++;
      }
      remember(i);
    }
  }
  // SymbolRecords.replay: every symbol, last first, into a buffer after the records (a word pushes at
  // most 2 bytes); its end goes to the descriptor's word 50 for the host.
  roomFor((nWords >> 1) + 3);
  bufEnd = words + ((<usize>nWords) << 2) + ((<usize>nWords) << 1) + 8;
  stI(desc, 50, <i32>bufEnd);
  rx = 1;
  rpos = bufEnd;
  for (let j = nWords - 1; j >= 0; j--) {
    const w = ldI(words, j);
    if (w == ESCAPED) {
      push(ldI(words, j - 1) + LATENT_LIMIT, 1);
      push(ESCAPE_START, 1);
      j -= 3;
    } else push(<i32>((<u32>w) >> 16), (w & 0xffff) + 1);
  }
  return finishStream();
}

/**
 * Decodes the copy tile stream [bufStart, bufEnd) (its head checked by the host) into the kernel's
 * values. Returns OK, OUT_OF_RANGE, BAD_END or EMPTY_SLOT (corrupt), or FALLBACK.
 */
export function decodeCopyTile(d: usize): i32 {
  loadCopyTile(d);
  startDecoding();
  let i = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++, i++) {
      candidates(x, y);
      let hit = -1;
      for (let j = 0; j < cCount && hit < 0; j++) if (decodeBit(bitsP, bitsN, bitsQ, contextOf(j))) hit = j;
      let slot = -1;
      if (hit < 0 && decodeBit(cacheP, cacheN, cacheQ, cCtx & 15)) {
        let node = 1;
        for (let b = 0; b < CACHE_BITS; b++) node = node * 2 + decodeBit(cacheP, cacheN, cacheQ, 16 + node);
        slot = node - (1 << CACHE_BITS);
      }
      if (hit >= 0) copyPixel(i, ldI(cAt, hit), ldI(cId, hit));
      else if (slot >= 0) {
        const p = ldI(cache, slot) - 1;
        if (p < 0) return EMPTY_SLOT;
        copyPixel(i, p, CACHED);
      } else {
        pixel(x, y);
        for (let c = 0; c < nch; c++) {
          const r = decodeSample(c, i);
          if (r != OK) return r;
        }
      }
      remember(i);
    }
  }
  if (rx != 1 || rpos != bufEnd) return BAD_END;
  return OK;
}

// ---- the encoder's fit (flows/causal-fit.ts accumulateTile) ----
/** Samples per class gathered before they are added to the class's Gram matrix (causal-fit.ts CHUNK). */
const CHUNK: i32 = 128;

/**
 * addGram: adds the Gram matrix of the first m samples of `cols` int32 columns at col (column a at
 * a·step) to g ((cols + 1)², row-major), blocked two by two exactly as the TypeScript. Every sum is
 * an integer (int32 within a chunk, below 2^34 in g), so any order gives the same doubles.
 */
function addGram(col: usize, m: i32, step: i32, cols: i32, g: usize): void {
  const gs = cols + 1;
  for (let a = 0; a < cols; a += 2) {
    const ca = a * step,
      ca1 = ca + step;
    for (let b = 0; b <= a; b += 2) {
      const cb = b * step,
        cb1 = cb + step;
      let s00: i32 = 0,
        s01: i32 = 0,
        s10: i32 = 0,
        s11: i32 = 0;
      for (let s = 0; s < m; s++) {
        const xa = ldI(col, ca + s),
          xa1 = ldI(col, ca1 + s),
          xb = ldI(col, cb + s),
          xb1 = ldI(col, cb1 + s);
        s00 += xa * xb;
        s01 += xa * xb1;
        s10 += xa1 * xb;
        s11 += xa1 * xb1;
      }
      stF(g, a * gs + b, ldF(g, a * gs + b) + <f64>s00);
      stF(g, a * gs + b + 1, ldF(g, a * gs + b + 1) + <f64>s01);
      stF(g, (a + 1) * gs + b, ldF(g, (a + 1) * gs + b) + <f64>s10);
      stF(g, (a + 1) * gs + b + 1, ldF(g, (a + 1) * gs + b + 1) + <f64>s11);
    }
  }
}

/**
 * accumulateTile: the normal equations of the tile described at d (the host's fit descriptor: nch,
 * w, h, rowStep, then the addresses of the values (with the sentinel pixel), neighbour steps,
 * offsets scratch and, per plane, its thresholds, class count, Gram matrices, chunks and fill
 * counts). The host zeroes the matrices and counts and reads the sums from the matrices.
 */
export function accumulateFit(d: usize): void {
  nch = ldI(d, 0);
  tw = ldI(d, 1);
  th = ldI(d, 2);
  const rowStep = ldI(d, 3);
  vals = <usize>ldI(d, 4);
  steps = <usize>ldI(d, 5);
  off = <usize>ldI(d, 6);
  for (let y = 0; y < th; y += rowStep) {
    for (let x = 0; x < tw; x++) {
      pixel(x, y);
      const i = y * tw + x;
      for (let c = 0; c < nch; c++) {
        const pd = d + <usize>((8 + 6 * c) << 2);
        const thr = <usize>ldI(pd, 0),
          nth = ldI(pd, 1),
          grams = <usize>ldI(pd, 2),
          chunks = <usize>ldI(pd, 3),
          filled = <usize>ldI(pd, 4),
          nf = ldI(pd, 5);
        const gs = nf + 2;
        const W = ldI(vals, ldI(off, 0) + c),
          N = ldI(vals, ldI(off, 1) + c),
          NW = ldI(vals, ldI(off, 2) + c),
          NE = ldI(vals, ldI(off, 3) + c),
          WW = ldI(vals, ldI(off, 4) + c),
          NN = ldI(vals, ldI(off, 5) + c);
        const act = iabs(W - NW) + iabs(N - NW) + iabs(NE - N) + iabs(W - WW) + iabs(N - NN);
        let k = 0;
        while (k < nth && act >= ldI(thr, k)) k++;
        const chunk = chunks + ((<usize>(k * gs * CHUNK)) << 2),
          j = ldI(filled, k);
        for (let a = 0; a < SAME_PLANE; a++) stI(chunk, a * CHUNK + j, ldI(vals, ldI(off, a) + c));
        let a = SAME_PLANE;
        const at = i * nch,
          oW = ldI(off, 0),
          oN = ldI(off, 1);
        for (let p = 0; p < c; p++, a += CROSS_PER_PLANE) {
          stI(chunk, a * CHUNK + j, ldI(vals, at + p));
          stI(chunk, (a + 1) * CHUNK + j, ldI(vals, oW + p));
          stI(chunk, (a + 2) * CHUNK + j, ldI(vals, oN + p));
        }
        stI(chunk, a * CHUNK + j, 1);
        stI(chunk, nf * CHUNK + j, ldI(vals, at + c));
        if (j + 1 == CHUNK) {
          addGram(chunk, CHUNK, CHUNK, nf + 1, grams + ((<usize>(k * gs * gs)) << 3));
          stI(filled, k, 0);
        } else stI(filled, k, j + 1);
      }
    }
  }
  for (let c = 0; c < nch; c++) {
    const pd = d + <usize>((8 + 6 * c) << 2);
    const nth = ldI(pd, 1),
      grams = <usize>ldI(pd, 2),
      chunks = <usize>ldI(pd, 3),
      filled = <usize>ldI(pd, 4),
      nf = ldI(pd, 5);
    const gs = nf + 2;
    for (let k = 0; k <= nth; k++) {
      const m = ldI(filled, k);
      if (m) addGram(chunks + ((<usize>(k * gs * CHUNK)) << 2), m, CHUNK, nf + 1, grams + ((<usize>(k * gs * gs)) << 3));
    }
  }
}
