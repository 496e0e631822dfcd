/**
 * The host of the causal tile coder's WebAssembly twin (wasm/causal-tile.ts,
 * compiled into causal-tile-wasm-binary.ts): the same kernel, CDF and rANS
 * coder as causal-kernel.ts, logistic-cdf.ts and rans.ts, statement for
 * statement, run about twice as fast. causal-coder.ts codes a tile here when
 * WebAssembly is available and falls back to the TypeScript otherwise; the
 * streams are byte-identical either way (test/causal-wasm.test.ts compares
 * the two on every golden stream, on random tiles and tampered streams, and
 * the browser test runs the twin in Chromium and Firefox).
 *
 * Memory (one instance per thread, grown as tiles need, never shrunk): the
 * tables at address 0, then a descriptor of the tile (DESC_WORDS i32: sizes,
 * addresses and per-plane constants, in the order `loadTile` reads them),
 * 256 bytes of per-sample scratch, then the tile's arrays. The kernel's
 * initial state is the one its TypeScript constructor builds, copied in
 * (its values and errors, zero but for the sentinel pixel, are zeroed here).
 */
import type { CausalKernel, CausalKernelState } from '../flows/causal-kernel.js';
import { featureCount, NEIGHBOURS, neighbourSteps, SAME_PLANE } from '../flows/causal-context.js';
import { FIT_CHUNK, fitValues, sumsOfGrams, type FitPlan, type FitTile } from '../flows/causal-fit.js';
import { fromBase64 } from '../platform/encoding.js';
import { FRAC16 } from '../quant/log16.js';
import { INV_LOGISTIC } from '../quant/logistic-cdf.js';
import { EXP_WEIGHT, HALF_WINDOW, INV_SCALE, LOGISTIC_CDF } from '../quant/tables.js';
import { AnsError } from '../ans/errors.js';
import { CAUSAL_TILE_WASM_BASE64 } from './causal-tile-wasm-binary.js';
import { EMPTY_CACHE_SLOT, FlowzipError, SAMPLE_OUT_OF_RANGE } from './errors.js';

/** What the module exports (wasm/causal-tile.ts). */
interface TwinExports {
  memory: WebAssembly.Memory;
  setTables(cdf: number, invScale: number, halfWindow: number, frac16: number, invLogistic: number, neighbours: number, weight0: number): void;
  encodeTile(desc: number): number;
  decodeTile(desc: number): number;
  encodeCopyTile(desc: number): number;
  decodeCopyTile(desc: number): number;
  accumulateFit(desc: number): void;
}

/** The tile functions' results (wasm/causal-tile.ts): decoded; a sample out of range; a bad final state; a prediction beyond ±2^30 (the TypeScript must code the tile); an empty colour-cache slot. */
const TWIN_OK = 0,
  TWIN_OUT_OF_RANGE = -1,
  TWIN_BAD_END = -2,
  TWIN_FALLBACK = -3,
  TWIN_EMPTY_SLOT = -4;

/**
 * A decode's result as the decode functions return it: true when the tile is
 * decoded, false when the TypeScript must decode it (TWIN_FALLBACK). A
 * corrupt stream throws what the TypeScript decoder throws at the same point
 * (an AnsError for the rANS coder's end check, which callers map as their
 * own: errors.ts tileStreamError).
 */
function decoded(r: number): boolean {
  if (r === TWIN_OUT_OF_RANGE) throw new FlowzipError('E_CORRUPT', SAMPLE_OUT_OF_RANGE);
  if (r === TWIN_EMPTY_SLOT) throw new FlowzipError('E_CORRUPT', EMPTY_CACHE_SLOT);
  if (r === TWIN_BAD_END) throw new AnsError('E_CORRUPT', 'rANS stream did not end in its initial state with every byte read');
  return r === TWIN_OK;
}

const DESC_WORDS = 52;
const SCRATCH_BYTES = 256;

interface Twin {
  ex: TwinExports;
  /** Address of the descriptor; the tile's arrays start at DESC + DESC_WORDS·4 + SCRATCH_BYTES. */
  desc: number;
}

/** undefined: not built yet in this thread; null: unavailable (no WebAssembly) or switched off. */
let twin: Twin | null | undefined;
let enabled = true;

/**
 * Whether causal tiles are coded by the WebAssembly twin when it is available
 * (default true). Streams are the same either way; tests and benchmarks switch
 * it off to run the TypeScript.
 */
export function setCausalWasm(on: boolean): void {
  enabled = on;
}

/** Whether causal tiles are coded by the twin in this thread (instantiating it on first use); false where WebAssembly is missing or refuses, or after setCausalWasm(false). */
export function causalWasmActive(): boolean {
  return getTwin() !== null;
}

const align8 = (n: number) => (n + 7) & ~7;

/** Grows the memory to at least `bytes`. */
function ensure(ex: TwinExports, bytes: number): void {
  const have = ex.memory.buffer.byteLength;
  if (bytes > have) ex.memory.grow(Math.ceil((bytes - have) / 65536));
}

/** An instance made ahead by prepareCausalWasm (browsers refuse to compile large modules synchronously on their main thread). */
let prepared: WebAssembly.Instance | null = null;

const twinBytes = () => fromBase64(CAUSAL_TILE_WASM_BASE64) as Uint8Array<ArrayBuffer>;

/**
 * Compiles and instantiates the twin asynchronously, so that a browser's
 * main thread, where large modules may not be compiled synchronously, can
 * use it; Node needs no preparation. Never rejects: without a twin, tiles
 * are coded by the TypeScript.
 */
export async function prepareCausalWasm(): Promise<void> {
  if (prepared !== null || twin || typeof WebAssembly !== 'object') return;
  try {
    prepared = (await WebAssembly.instantiate(twinBytes(), {})).instance;
  } catch {
    prepared = null;
  }
}

/** A new instance of the twin, or null where WebAssembly refuses (the TypeScript then codes the tiles). */
function instantiate(): WebAssembly.Instance | null {
  if (prepared !== null) return prepared;
  try {
    return new WebAssembly.Instance(new WebAssembly.Module(twinBytes()), {});
  } catch {
    return null;
  }
}

function getTwin(): Twin | null {
  if (!enabled) return null;
  if (twin !== undefined) return twin;
  twin = null;
  if (typeof WebAssembly !== 'object') return null;
  const instance = instantiate();
  if (instance === null) return null;
  const ex = instance.exports as unknown as TwinExports;
  const tables: Array<[Int32Array | Uint8Array, number]> = [];
  let at = 0;
  const put = (a: Int32Array | Uint8Array): number => {
    const p = at;
    tables.push([a, p]);
    at = align8(at + a.byteLength);
    return p;
  };
  const neighbours = Int32Array.from(NEIGHBOURS.flat());
  const pCdf = put(LOGISTIC_CDF),
    pInv = put(INV_SCALE),
    pHalf = put(HALF_WINDOW),
    pFrac = put(FRAC16),
    pInvLog = put(INV_LOGISTIC),
    pNb = put(neighbours);
  const desc = at;
  ensure(ex, desc + DESC_WORDS * 4 + SCRATCH_BYTES);
  for (const [a, p] of tables) new Uint8Array(ex.memory.buffer, p, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  ex.setTables(pCdf, pInv, pHalf, pFrac, pInvLog, pNb, EXP_WEIGHT[0]);
  twin = { ex, desc };
  return twin;
}

/** Where a tile's arrays live in the twin's memory (byte addresses). */
interface TileLayout {
  steps: number;
  weights: number;
  classOf: number;
  sAbs: number;
  sCnt: number;
  bSum: number;
  bCnt: number;
  sw: number;
  sP: number;
  values: number;
  errs: number;
  means: number;
  scales: number;
  buf: number;
  end: number;
}

/** Lays out the tile of kernel state `st` with `coded` samples of means/scales and a `bufBytes` stream buffer, copies the state in and fills the descriptor. */
function loadTile(t: Twin, st: CausalKernelState, coded: number, bufBytes: number): TileLayout {
  const { ex, desc } = t;
  let at = desc + DESC_WORDS * 4 + SCRATCH_BYTES;
  const take = (bytes: number): number => {
    const p = at;
    at = align8(at + bytes);
    return p;
  };
  const L: TileLayout = {
    steps: take(st.steps.byteLength),
    weights: take(st.weights.byteLength),
    classOf: take(st.classOf.byteLength),
    sAbs: take(st.sAbs.byteLength),
    sCnt: take(st.sCnt.byteLength),
    bSum: take(st.bSum.byteLength),
    bCnt: take(st.bCnt.byteLength),
    sw: take(st.sw.byteLength),
    sP: take(st.sP.byteLength),
    values: take(st.values.byteLength),
    errs: take(st.errs.byteLength),
    means: take(coded * 4),
    scales: take(coded * 4),
    buf: take(bufBytes),
    end: 0,
  };
  L.end = at;
  ensure(ex, L.end);
  const buf = ex.memory.buffer;
  const copy = (a: Int32Array | Uint8Array | Float64Array, p: number) => new Uint8Array(buf, p, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  copy(st.steps, L.steps);
  copy(st.weights, L.weights);
  copy(st.classOf, L.classOf);
  copy(st.sAbs, L.sAbs);
  copy(st.sCnt, L.sCnt);
  copy(st.bSum, L.bSum);
  copy(st.bCnt, L.bCnt);
  copy(st.sw, L.sw);
  copy(st.sP, L.sP);
  // A fresh kernel's values and errors are zero but for the sentinel pixel: zero them here and copy that
  // pixel, not the whole arrays (the encoder then writes the tile's samples into the values).
  const tail = st.nch * 4;
  for (const [a, p] of [
    [st.values, L.values],
    [st.errs, L.errs],
  ] as const) {
    new Uint8Array(buf, p, a.byteLength - tail).fill(0);
    copy(a.subarray(a.length - st.nch), p + a.byteLength - tail);
  }
  const d = new Int32Array(buf, desc, DESC_WORDS);
  d.set([
    st.nch,
    st.w,
    st.h,
    st.mode,
    st.actMax,
    L.values,
    L.errs,
    L.weights,
    L.classOf,
    L.sAbs,
    L.sCnt,
    L.bSum,
    L.bCnt,
    L.sw,
    L.sP,
    L.steps,
    desc + DESC_WORDS * 4,
    L.means,
    L.scales,
    L.buf,
    L.buf + bufBytes,
  ]);
  for (let c = 0; c < st.nch; c++) {
    d[21 + c] = st.lo16[c];
    d[24 + c] = st.hi16[c];
    d[27 + c] = st.wOff[c];
    d[30 + c] = st.swOff[c];
    d[33 + c] = st.sPOff[c];
  }
  return L;
}

/** Copies the twin's final kernel state back into `st` (every array when `all`, else the decoded values). */
function readBack(t: Twin, st: CausalKernelState, L: TileLayout, all: boolean): void {
  const buf = t.ex.memory.buffer;
  st.values.set(new Int32Array(buf, L.values, st.values.length));
  if (!all) return;
  st.errs.set(new Int32Array(buf, L.errs, st.errs.length));
  st.sAbs.set(new Int32Array(buf, L.sAbs, st.sAbs.length));
  st.sCnt.set(new Int32Array(buf, L.sCnt, st.sCnt.length));
  st.bSum.set(new Int32Array(buf, L.bSum, st.bSum.length));
  st.bCnt.set(new Int32Array(buf, L.bCnt, st.bCnt.length));
  st.sw.set(new Float64Array(buf, L.sw, st.sw.length));
  st.sP.set(new Float64Array(buf, L.sP, st.sP.length));
}

/**
 * encodeCausalTile's work on the twin: `kernel` fresh (as constructed),
 * `planes` the tile's interleaved samples. Returns the tile stream, or null
 * when the TypeScript must code the tile (no twin, or TWIN_FALLBACK; the
 * kernel is then untouched). With `fullState`, the kernel ends in the twin's
 * final state (tests).
 */
export function encodeTileTwin(kernel: CausalKernel, planes: Int32Array, fullState: boolean): Uint8Array | null {
  const t = getTwin();
  if (t === null) return null;
  const st = kernel.state();
  const total = st.w * st.h * st.nch;
  // An in-window symbol emits at most 2 bytes, an escape 4; then the 4-byte state.
  const L = loadTile(t, st, total, 4 * total + 4);
  new Int32Array(t.ex.memory.buffer, L.values, total).set(planes.subarray(0, total));
  const start = t.ex.encodeTile(t.desc);
  if (start === TWIN_FALLBACK) return null;
  if (fullState) readBack(t, st, L, true);
  return new Uint8Array(t.ex.memory.buffer.slice(start, L.buf + 4 * total + 4));
}

/**
 * decodeCausalTile's work on the twin: decodes `bytes` (whose 4-byte head
 * the caller has checked) with `kernel` fresh. True: the kernel's values
 * hold the tile (all its state with `fullState`). False: the TypeScript must
 * decode it (no twin, or TWIN_FALLBACK; the kernel is untouched). A corrupt
 * stream throws (see `decoded`).
 */
export function decodeTileTwin(kernel: CausalKernel, bytes: Uint8Array, fullState: boolean): boolean {
  const t = getTwin();
  if (t === null) return false;
  const st = kernel.state();
  const L = loadTile(t, st, 0, bytes.length);
  new Uint8Array(t.ex.memory.buffer, L.buf, bytes.length).set(bytes);
  if (!decoded(t.ex.decodeTile(t.desc))) return false;
  readBack(t, st, L, fullState);
  return true;
}

/** Contexts of a copy tile's candidate bits and of its colour-cache bits (copy-causal-coder.ts). */
const COPY_BIT_CONTEXTS = 9 * 256 * 3,
  CACHE_BIT_CONTEXTS = 16 + 256;

/**
 * A copy tile's layout: the kernel's (loadTile), its stream buffer of
 * `bufBytes`, then the copy state the twin initialises (descriptor words
 * 37–47: the adaptive bits' p, n, q of the candidates and of the cache, the
 * cache, decisions, sources, match table, packed pixels), the candidates'
 * scratch (word 49) and, last, the encoder's symbol records (word 48), which
 * the twin grows into new memory as it needs.
 */
function loadCopyTile(t: Twin, st: CausalKernelState, twoRate: boolean, bufBytes: number): TileLayout {
  const n = st.w * st.h;
  const sizes = [...[COPY_BIT_CONTEXTS, COPY_BIT_CONTEXTS, COPY_BIT_CONTEXTS, CACHE_BIT_CONTEXTS, CACHE_BIT_CONTEXTS, CACHE_BIT_CONTEXTS].map((k) => 2 * k), 4 * 256, n, 4 * n, 4 << 16, 4 * n];
  const scratch = 5 * 9 * 4;
  const extra = sizes.reduce((a, b) => a + align8(b), 0) + align8(scratch);
  const L = loadTile(t, st, 0, bufBytes + extra);
  const d = new Int32Array(t.ex.memory.buffer, t.desc, DESC_WORDS);
  let at = align8(L.buf + bufBytes);
  d[36] = twoRate ? 1 : 0;
  sizes.forEach((size, k) => {
    d[37 + k] = at;
    at = align8(at + size);
  });
  d[49] = at;
  d[48] = align8(at + scratch);
  d[20] = L.buf + bufBytes;
  return L;
}

/**
 * encodeCopyTile's work on the twin (copy-causal-coder.ts): `kernel` fresh,
 * `planes` the tile's interleaved samples, `twoRate` the format's two-rate
 * bits. Returns the tile stream, or null when the TypeScript must code the
 * tile (no twin, or TWIN_FALLBACK).
 */
export function encodeCopyTwin(kernel: CausalKernel, planes: Int32Array, twoRate: boolean): Uint8Array | null {
  const t = getTwin();
  if (t === null) return null;
  const st = kernel.state();
  const total = st.w * st.h * st.nch;
  const L = loadCopyTile(t, st, twoRate, 0);
  new Int32Array(t.ex.memory.buffer, L.values, total).set(planes.subarray(0, total));
  const start = t.ex.encodeCopyTile(t.desc);
  if (start === TWIN_FALLBACK) return null;
  const end = new Int32Array(t.ex.memory.buffer, t.desc, DESC_WORDS)[50];
  return new Uint8Array(t.ex.memory.buffer.slice(start, end));
}

/**
 * decodeCopyTile's work on the twin: decodes `bytes` (head checked by the
 * caller) with `kernel` fresh. True: the kernel's values hold the tile;
 * false: the TypeScript must decode it. A corrupt stream throws.
 */
export function decodeCopyTwin(kernel: CausalKernel, bytes: Uint8Array, twoRate: boolean): boolean {
  const t = getTwin();
  if (t === null) return false;
  const st = kernel.state();
  const L = loadCopyTile(t, st, twoRate, bytes.length);
  new Uint8Array(t.ex.memory.buffer, L.buf, bytes.length).set(bytes);
  if (!decoded(t.ex.decodeCopyTile(t.desc))) return false;
  readBack(t, st, L, false);
  return true;
}

/**
 * accumulateTile (flows/causal-fit.ts) on the twin: the same sums (integers,
 * exact in any order), or null without a twin. Its samples are checked and
 * its sentinel added by the same `fitValues`.
 */
export function accumulateFitTwin(t: FitTile, mids: Int32Array, plan: FitPlan): Float64Array | null {
  const tw = getTwin();
  if (tw === null) return null;
  const vals = fitValues(t, mids, plan);
  const { ex, desc } = tw;
  const nch = t.nch;
  // Descriptor: nch, w, h, rowStep, values, steps, offsets scratch, (unused), then per plane 6 words.
  let at = desc + DESC_WORDS * 4 + SCRATCH_BYTES;
  const take = (bytes: number): number => {
    const p = at;
    at = align8(at + bytes);
    return p;
  };
  const steps = neighbourSteps(t.w, nch);
  const pVals = take(vals.byteLength),
    pSteps = take(steps.byteLength);
  const planes = plan.thresholds.slice(0, nch).map((th, c) => {
    const nf = featureCount(c),
      K = th.length + 1,
      gs = nf + 2;
    return { th, nf, K, gs, thr: take(4 * Math.max(1, th.length)), grams: take(8 * K * gs * gs), chunks: take(4 * K * gs * FIT_CHUNK), filled: take(4 * K) };
  });
  ensure(ex, at);
  const buf = ex.memory.buffer;
  new Int32Array(buf, pVals, vals.length).set(vals);
  new Int32Array(buf, pSteps, SAME_PLANE).set(steps);
  const d = new Int32Array(buf, desc, DESC_WORDS);
  d.set([nch, t.w, t.h, plan.rowStep, pVals, pSteps, desc + DESC_WORDS * 4, 0]);
  // Matrices, chunks and fill counts start at zero (a chunk's spare column must be zero: addGram reads it).
  const first = planes[0].thr;
  new Uint8Array(buf, first, at - first).fill(0);
  planes.forEach((q, c) => {
    new Int32Array(buf, q.thr, q.th.length).set(q.th);
    d.set([q.thr, q.th.length, q.grams, q.chunks, q.filled, q.nf], 8 + 6 * c);
  });
  ex.accumulateFit(desc);
  const out = ex.memory.buffer;
  return sumsOfGrams(nch, plan, (c, k) => {
    const q = planes[c];
    return new Float64Array(out, q.grams + 8 * k * q.gs * q.gs, q.gs * q.gs);
  });
}
