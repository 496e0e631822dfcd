/**
 * Fast exact execution of quantised nets — what the `reference` backend runs.
 * It computes exactly what the plain specification (`runNetSimple` in
 * reference.ts) computes, bit for bit, only faster:
 *
 * - A net is cut into *stages*: a layer with a spatial kernel (or the first
 *   layer) followed by every 1×1 layer after it. A stage is evaluated four
 *   pixels at a time (WebAssembly SIMD, i32x4 lanes), with the activations of
 *   its inner layers held in registers/locals: wide hidden layers never touch
 *   memory.
 * - Each stage is compiled once into a small WebAssembly module in which every
 *   non-zero weight, bias, shift and clamp is an immediate constant: zero
 *   weights cost nothing (model zero's nets are > 95 % zeros), ±1 weights are
 *   plain additions. The module bytes are built here from validated integers
 *   only; identical stages (the same prior at every level) share one module.
 *   Stages with more than CODEGEN_MAX_TAPS non-zero weights (dense learned
 *   nets, which the tfjs backends run faster anyway) are not compiled.
 * - Inputs are clamped into zero-bordered planes in the module's memory (the
 *   border is the 'same' padding), so taps need no bounds checks.
 * - Arithmetic is int32 (wasm i32x4 wraps, never rounds): the fast path is
 *   taken only when every partial sum of the net is provably within int32
 *   (Σ|w|·max|a| + |b| per output channel — models obey the much tighter
 *   2^24 bound of checkNet), so `shr_s` is exactly floor(sum / 2^shift).
 *   Otherwise `runNetFast` returns null and the caller runs the specification.
 *
 * Memory layout of one call (all int32, W4 = w rounded up to 4): a stage's
 * input has rows of PW = px + W4 + px values and h + 2·py rows per plane; the
 * lanes past w compute garbage that is never read back as real data (columns
 * px+w .. px+W4-1 are re-zeroed when they are the next stage's border).
 */
import { createHash } from '../platform/hash.js';
import type { QConv, QNet } from './qnet.js';

/** Stages with more non-zero weights than this are not compiled (the specification runs them). */
export const CODEGEN_MAX_TAPS = 4000;
/** Largest |partial sum| the int32 fast path accepts. */
const INT32_SAFE = 2 ** 31 - 1;

/** Signature of a compiled stage; addresses in bytes, strides in int32 elements. */
type StageFn = (src: number, dst: number, h: number, w: number, pw: number, ps: number, dw: number, ds: number) => void;

interface Stage {
  /** Padding the stage's input needs (half the first layer's kernel). */
  py: number;
  px: number;
  cin: number;
  cout: number;
  run: StageFn;
}

const plans = new WeakMap<QNet, Stage[] | null>();

/** True when the net is well-formed and every partial sum of every layer stays within int32 (see the module comment). */
function int32Safe(net: QNet): boolean {
  // Clamps must be ordered int32s (max-then-min equals the specification's clamp only when lo ≤ hi).
  const clampOk = (lo: number, hi: number) => Number.isSafeInteger(lo) && Number.isSafeInteger(hi) && lo <= hi && Math.abs(lo) <= INT32_SAFE && Math.abs(hi) <= INT32_SAFE;
  if (!clampOk(net.inLo, net.inHi)) return false;
  let a = Math.max(Math.abs(net.inLo), Math.abs(net.inHi));
  for (const l of net.layers) {
    if (!(Number.isInteger(l.shift) && l.shift >= 0 && l.shift <= 30)) return false;
    if (!clampOk(l.lo, l.hi) || !(l.weights instanceof Int32Array) || !(l.bias instanceof Int32Array)) return false;
    // Shapes as checkNet requires them (odd kernels up to 7, consistent sizes); anything else runs on the specification.
    const shapeOk =
      [l.kh, l.kw, l.cin, l.cout].every((v) => Number.isInteger(v) && v >= 1) &&
      l.kh % 2 === 1 &&
      l.kw % 2 === 1 &&
      l.kh <= 7 &&
      l.kw <= 7 &&
      l.weights.length === l.kh * l.kw * l.cin * l.cout &&
      l.bias.length === l.cout &&
      (l === net.layers[0] || l.cin === net.layers[net.layers.indexOf(l) - 1].cout);
    if (!shapeOk) return false;
    for (let o = 0; o < l.cout; o++) {
      let s = 0;
      for (let j = o; j < l.weights.length; j += l.cout) s += Math.abs(l.weights[j]);
      if (!(s * a + Math.abs(l.bias[o]) <= INT32_SAFE)) return false;
    }
    a = Math.max(Math.abs(l.lo), Math.abs(l.hi));
  }
  return true;
}

// ---------------------------------------------------------------------------
// A minimal WebAssembly binary writer: just what a stage function needs.

const I32 = 0x7f,
  V128 = 0x7b;
const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  i32Const: 0x41,
  i32GeS: 0x4e,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32Shl: 0x74,
} as const;
/** SIMD opcodes (after the 0xfd prefix). */
const SIMD = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  i32x4Splat: 0x11,
  i32x4ShrS: 0xac,
  i32x4Add: 0xae,
  i32x4Sub: 0xb1,
  i32x4Mul: 0xb5,
  i32x4MinS: 0xb6,
  i32x4MaxS: 0xb8,
} as const;

/** A growable byte buffer. */
class Bytes {
  buf = new Uint8Array(1024);
  len = 0;
  byte(v: number): void {
    if (this.len === this.buf.length) {
      const b = new Uint8Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.len++] = v;
  }
  bytes(src: Uint8Array): void {
    for (let i = 0; i < src.length; i++) this.byte(src[i]);
  }
  uleb(v: number): void {
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v) b |= 0x80;
      this.byte(b);
    } while (v);
  }
  sleb(v: number): void {
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) {
        this.byte(b);
        return;
      }
      this.byte(b | 0x80);
    }
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Instruction stream of one function body. */
class Body extends Bytes {
  op(...codes: number[]): this {
    for (const c of codes) this.byte(c);
    return this;
  }
  get(i: number): this {
    this.byte(OP.localGet);
    this.uleb(i);
    return this;
  }
  set(i: number): this {
    this.byte(OP.localSet);
    this.uleb(i);
    return this;
  }
  i32(v: number): this {
    this.byte(OP.i32Const);
    this.sleb(v);
    return this;
  }
  simd(code: number): this {
    this.byte(0xfd);
    this.uleb(code);
    return this;
  }
  /** v128.const with the same int32 in all four lanes. */
  splat(v: number): this {
    this.simd(SIMD.const);
    for (let k = 0; k < 4; k++) {
      this.byte(v & 0xff);
      this.byte((v >> 8) & 0xff);
      this.byte((v >> 16) & 0xff);
      this.byte((v >>> 24) & 0xff);
    }
    return this;
  }
  /** v128.load / v128.store with a 4-byte alignment hint and a constant byte offset. */
  mem(code: number, offset: number): this {
    this.simd(code);
    this.byte(2);
    this.uleb(offset);
    return this;
  }
  /** local[i] += v (i32). */
  inc(i: number, v: number): this {
    return this.get(i).i32(v).op(OP.i32Add).set(i);
  }
}

function section(out: Bytes, id: number, body: Uint8Array): void {
  out.byte(id);
  out.uleb(body.length);
  out.bytes(body);
}

/** A module importing memory `m.mem` and exporting `run(params × i32)` with the given locals and body. */
function moduleBytes(params: number, locals: Array<[number, number]>, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Bytes();
  out.bytes(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00));
  const type = new Bytes();
  type.bytes(Uint8Array.of(1, 0x60));
  type.uleb(params);
  for (let i = 0; i < params; i++) type.byte(I32);
  type.byte(0);
  section(out, 1, type.view());
  section(out, 2, Uint8Array.of(1, 1, 0x6d, 3, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01)); // import "m" "mem": memory, min 1 page
  section(out, 3, Uint8Array.of(1, 0));
  section(out, 7, Uint8Array.of(1, 3, 0x72, 0x75, 0x6e, 0x00, 0x00)); // export "run" = func 0
  const fn = new Bytes();
  fn.uleb(locals.length);
  for (const [count, type] of locals) {
    fn.uleb(count);
    fn.byte(type);
  }
  fn.bytes(body);
  fn.byte(OP.end);
  const code = new Bytes();
  code.byte(1);
  code.uleb(fn.len);
  code.bytes(fn.view());
  section(out, 10, code.view());
  return out.view().slice();
}

// ---------------------------------------------------------------------------
// Stage compiler.

/** Parameters of a stage function, in order. */
const P = { src: 0, dst: 1, h: 2, w: 3, pw: 4, ps: 5, dw: 6, ds: 7 } as const;

/**
 * The WebAssembly module of a stage (see the module comment for the layout).
 * Layer 0 reads input plane i, kernel row ky, column kx at address
 * q + c[i,ky] + 4·kx, where q walks the top-left corner of the kernel window;
 * later (1×1) layers read the previous layer's v128 locals; the last layer
 * stores to output plane o at qd + d[o]. Outputs of inner layers that no later
 * layer uses are not computed.
 */
function stageModule(layers: QConv[]): Uint8Array<ArrayBuffer> {
  const first = layers[0],
    last = layers[layers.length - 1];
  const live: boolean[][] = layers.map((l) => new Array<boolean>(l.cout).fill(false));
  live[layers.length - 1].fill(true);
  for (let li = layers.length - 1; li > 0; li--) {
    const l = layers[li];
    for (let o = 0; o < l.cout; o++) {
      if (!live[li][o]) continue;
      for (let i = 0; i < l.cin; i++) if (l.weights[i * l.cout + o] !== 0) live[li - 1][i] = true;
    }
  }
  // i32 locals: y, x, q, qd, then c[i,ky] for the (input, kernel row) pairs used, then d[o].
  const Y = 8,
    X = 9,
    Q = 10,
    QD = 11;
  let nextI32 = 12;
  const rowLocal = new Map<number, number>(); // i * kh + ky -> local
  for (let ky = 0; ky < first.kh; ky++) {
    for (let kx = 0; kx < first.kw; kx++) {
      for (let i = 0; i < first.cin; i++) {
        let used = false;
        for (let o = 0; o < first.cout && !used; o++) used = live[0][o] && first.weights[((ky * first.kw + kx) * first.cin + i) * first.cout + o] !== 0;
        if (used && !rowLocal.has(i * first.kh + ky)) rowLocal.set(i * first.kh + ky, nextI32++);
      }
    }
  }
  const dLocal = Array.from({ length: last.cout }, () => nextI32++);
  const i32Count = nextI32 - 8;
  // v128 locals: live outputs of inner layers.
  const act: number[][] = layers.map(() => []);
  let nextV = nextI32;
  layers.forEach((l, li) => {
    if (li === layers.length - 1) return;
    for (let o = 0; o < l.cout; o++) if (live[li][o]) act[li][o] = nextV++;
  });
  const vCount = nextV - nextI32;

  const c = new Body();
  // Prologue: c[i,ky] = (i·PS + ky·PW)·4, d[o] = o·DS·4.
  for (const [key, local] of rowLocal) {
    const i = Math.floor(key / first.kh),
      ky = key % first.kh;
    c.get(P.ps).i32(i).op(OP.i32Mul).get(P.pw).i32(ky).op(OP.i32Mul).op(OP.i32Add).i32(2).op(OP.i32Shl).set(local);
  }
  dLocal.forEach((local, o) =>
    c
      .get(P.ds)
      .i32(o * 4)
      .op(OP.i32Mul)
      .set(local),
  );
  // for (y = 0; y < h; y++) { q = src + 4·y·PW; qd = dst + 4·y·DW; for (x = 0; x < w; x += 4) { … } }
  c.op(OP.block, 0x40, OP.loop, 0x40);
  c.get(Y).get(P.h).op(OP.i32GeS, OP.brIf, 1);
  c.get(P.src).get(Y).get(P.pw).op(OP.i32Mul).i32(2).op(OP.i32Shl, OP.i32Add).set(Q);
  c.get(P.dst).get(Y).get(P.dw).op(OP.i32Mul).i32(2).op(OP.i32Shl, OP.i32Add).set(QD);
  c.i32(0).set(X);
  c.op(OP.block, 0x40, OP.loop, 0x40);
  c.get(X).get(P.w).op(OP.i32GeS, OP.brIf, 1);
  layers.forEach((l, li) => {
    const isLast = li === layers.length - 1;
    for (let o = 0; o < l.cout; o++) {
      if (!live[li][o]) continue;
      if (isLast) c.get(QD).get(dLocal[o]).op(OP.i32Add); // store address, below the value
      c.splat(l.bias[o]);
      for (let ky = 0; ky < l.kh; ky++) {
        for (let kx = 0; kx < l.kw; kx++) {
          for (let i = 0; i < l.cin; i++) {
            const wt = l.weights[((ky * l.kw + kx) * l.cin + i) * l.cout + o];
            if (wt === 0) continue;
            if (li === 0)
              c.get(Q)
                .get(rowLocal.get(i * l.kh + ky)!)
                .op(OP.i32Add)
                .mem(SIMD.load, 4 * kx);
            else c.get(act[li - 1][i]);
            if (wt === 1) c.simd(SIMD.i32x4Add);
            else if (wt === -1) c.simd(SIMD.i32x4Sub);
            else c.splat(wt).simd(SIMD.i32x4Mul).simd(SIMD.i32x4Add);
          }
        }
      }
      if (l.shift) c.i32(l.shift).simd(SIMD.i32x4ShrS);
      c.splat(l.lo).simd(SIMD.i32x4MaxS).splat(l.hi).simd(SIMD.i32x4MinS);
      if (isLast) c.mem(SIMD.store, 0);
      else c.set(act[li][o]);
    }
  });
  c.inc(Q, 16).inc(QD, 16).inc(X, 4);
  c.op(OP.br, 0, OP.end, OP.end);
  c.inc(Y, 1);
  c.op(OP.br, 0, OP.end, OP.end);
  const locals: Array<[number, number]> = [[i32Count, I32]];
  if (vCount) locals.push([vCount, V128]);
  return moduleBytes(8, locals, c.view());
}

/** The thread's wasm memory (grown on demand) and an Int32Array view of it. */
let memory: WebAssembly.Memory | null = null;
let heap = new Int32Array(0);
/** Compiled stage functions by stageKey: identical stages share one module and instance. */
const instances = new Map<string, StageFn>();

function ensureHeap(ints: number): void {
  const bytes = ints * 4 + 64;
  if (!memory) memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / 65536));
  if (heap.buffer !== memory.buffer) heap = new Int32Array(memory.buffer);
}

function stageTaps(layers: QConv[]): number {
  let n = 0;
  for (const l of layers) for (let i = 0; i < l.weights.length; i++) if (l.weights[i] !== 0) n++;
  return n;
}

/** A content key of a stage's layers: identical stages (the same prior at every level) share one module. */
function stageKey(layers: QConv[]): string {
  const h = createHash('sha256');
  for (const l of layers) {
    h.update(Int32Array.of(l.kh, l.kw, l.cin, l.cout, l.shift, l.lo, l.hi));
    h.update(l.bias);
    h.update(l.weights);
  }
  return h.digest('base64');
}

function compileStage(layers: QConv[]): Stage | null {
  if (stageTaps(layers) > CODEGEN_MAX_TAPS) return null;
  const key = stageKey(layers);
  let run = instances.get(key);
  if (!run) {
    ensureHeap(0);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(stageModule(layers)), { m: { mem: memory! } });
    run = inst.exports.run as StageFn;
    if (instances.size > 512) instances.clear();
    instances.set(key, run);
  }
  const first = layers[0];
  return { py: (first.kh - 1) >> 1, px: (first.kw - 1) >> 1, cin: first.cin, cout: layers[layers.length - 1].cout, run };
}

let clampRun: ((from: number, to: number, lo: number, hi: number) => void) | null = null;

/** A wasm function clamping int32s in [from, to) (byte addresses, multiples of 16 apart) to [lo, hi], four at a time. */
function clampFn(): (from: number, to: number, lo: number, hi: number) => void {
  if (!clampRun) {
    const FROM = 0,
      TO = 1,
      LO = 2,
      HI = 3,
      VLO = 4,
      VHI = 5;
    const c = new Body();
    c.get(LO).simd(SIMD.i32x4Splat).set(VLO).get(HI).simd(SIMD.i32x4Splat).set(VHI);
    c.op(OP.block, 0x40, OP.loop, 0x40);
    c.get(FROM).get(TO).op(OP.i32GeS, OP.brIf, 1);
    c.get(FROM).get(FROM).mem(SIMD.load, 0).get(VLO).simd(SIMD.i32x4MaxS).get(VHI).simd(SIMD.i32x4MinS).mem(SIMD.store, 0);
    c.inc(FROM, 16);
    c.op(OP.br, 0, OP.end, OP.end);
    ensureHeap(0);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(4, [[2, V128]], c.view())), { m: { mem: memory! } });
    clampRun = inst.exports.run as (from: number, to: number, lo: number, hi: number) => void;
  }
  return clampRun;
}

/** The compiled stages of a net (cached), or null when it must run on the specification. */
function planOf(net: QNet): Stage[] | null {
  let p = plans.get(net);
  if (p === undefined) {
    p = null;
    if (net.layers.length > 0 && typeof WebAssembly === 'object' && int32Safe(net)) {
      const groups: QConv[][] = [];
      for (const l of net.layers) {
        if (!groups.length || l.kh > 1 || l.kw > 1) groups.push([]);
        groups[groups.length - 1].push(l);
      }
      try {
        const stages = groups.map(compileStage);
        p = stages.every((s) => s !== null) ? (stages as Stage[]) : null;
      } catch {
        p = null; // no WebAssembly SIMD here: the specification runs the net
      }
    }
    plans.set(net, p);
  }
  return p;
}

/**
 * Evaluates `net` on planar input (clamped to [inLo, inHi] first) exactly like
 * `runNetSimple`, or returns null when the net is outside the fast path.
 */
export function runNetFast(net: QNet, input: Int32Array[], h: number, w: number): Int32Array[] | null {
  const stages = planOf(net);
  if (!stages || !(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0)) return null;
  for (let c = 0; c < stages[0].cin; c++) if (!(input[c] instanceof Int32Array) || input[c].length < h * w) return null;
  const w4 = (w + 3) & ~3;
  // Region sizes: each stage's bordered input, then the final output (rows of W4).
  const pws = stages.map((s) => w4 + 2 * s.px);
  const pss = stages.map((s, k) => pws[k] * (h + 2 * s.py));
  const base: number[] = [];
  let end = 0;
  stages.forEach((s, k) => {
    base.push(end);
    end += (s.cin * pss[k] + 3) & ~3;
  });
  const outBase = end;
  const last = stages[stages.length - 1];
  end += last.cout * h * w4;
  ensureHeap(end);
  const mem = heap;
  // Stage 0 input: copy rows into the zeroed bordered planes, then clamp in place.
  {
    const s = stages[0],
      pw = pws[0],
      ps = pss[0],
      lo = net.inLo,
      hi = net.inHi;
    const size = (s.cin * ps + 3) & ~3;
    mem.fill(0, base[0], base[0] + size);
    for (let c = 0; c < s.cin; c++) {
      const src = input[c];
      const at = base[0] + c * ps + s.py * pw + s.px;
      if (pw === w) mem.set(src.subarray(0, h * w), at);
      else for (let y = 0; y < h; y++) mem.set(src.subarray(y * w, y * w + w), at + y * pw);
    }
    clampFn()(base[0] * 4, (base[0] + size) * 4, lo, hi);
    if (lo > 0 || hi < 0) {
      // The clamp moved the zero border: restore it (rows above and below, columns left and right).
      for (let c = 0; c < s.cin; c++) {
        const p0 = base[0] + c * ps;
        mem.fill(0, p0, p0 + s.py * pw);
        mem.fill(0, p0 + (s.py + h) * pw, p0 + ps);
        for (let y = s.py; y < s.py + h; y++) {
          mem.fill(0, p0 + y * pw, p0 + y * pw + s.px);
          mem.fill(0, p0 + y * pw + s.px + w, p0 + (y + 1) * pw);
        }
      }
    }
  }
  for (let k = 0; k < stages.length; k++) {
    const s = stages[k],
      next = stages[k + 1];
    if (!next) {
      s.run(base[k] * 4, outBase * 4, h, w, pws[k], pss[k], w4, h * w4);
      break;
    }
    // Into the next stage's bordered input: zero it, run, re-zero the border columns the garbage lanes wrote.
    const npw = pws[k + 1];
    mem.fill(0, base[k + 1], base[k + 1] + next.cin * pss[k + 1]);
    s.run(base[k] * 4, (base[k + 1] + next.py * npw + next.px) * 4, h, w, pws[k], pss[k], npw, pss[k + 1]);
    if (w4 > w) {
      for (let c = 0; c < next.cin; c++) {
        for (let y = 0; y < h; y++) {
          const row = base[k + 1] + c * pss[k + 1] + (y + next.py) * npw;
          mem.fill(0, row + next.px + w, row + npw);
        }
      }
    }
  }
  const n = h * w;
  const out: Int32Array[] = [];
  for (let o = 0; o < last.cout; o++) {
    const p = new Int32Array(n);
    const at = outBase + o * h * w4;
    if (w4 === w) p.set(mem.subarray(at, at + n));
    else for (let y = 0; y < h; y++) p.set(mem.subarray(at + y * w4, at + y * w4 + w), y * w);
    out.push(p);
  }
  return out;
}

/** True when `net` runs on the fast path (compiled stages) rather than the plain specification. */
export function runsFast(net: QNet): boolean {
  return planOf(net) !== null;
}
