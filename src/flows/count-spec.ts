/**
 * The description of a count-context model (count-context.ts): what its
 * model file holds instead of a flow, and what its id hashes. The counts are
 * stored as `brotli:` + base64 of a byte string: per level (coarse to fine),
 * varint row count R, R varint context increments (the first from −1), then
 * R × 256 varint counts.
 */
import { brotliCompressSync, brotliDecompressSync, constants as zc } from '../platform/zlib.js';
import { fromBase64, toBase64 } from '../platform/encoding.js';
import { COUNT_KERNEL, LEVEL_SIZES, type CountLevel, type CountTables } from './count-context.js';

/** A count-context model's spec as stored (the tables still packed). */
export interface CountSpec {
  /** Channels of the plane group it codes: 1 (gray or alpha). */
  channels: 1;
  /** The kernel (COUNT_KERNEL). */
  kernel: string;
  /** Back-off weight α, a positive integer. */
  alpha: number;
  /** The packed counts (see the module comment). */
  tables: string;
}

/** The spec as canonical JSON-able data (key order fixed: what the model id hashes). */
export function countToJson(s: CountSpec): unknown {
  return { kind: 'counts', channels: s.channels, kernel: s.kernel, alpha: s.alpha, tables: s.tables };
}

/** Parses and validates a spec from model JSON (the tables are checked by unpackCounts); throws Error with a one-line reason. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function countFromJson(j: any): CountSpec {
  if (j?.kind !== 'counts') throw new Error('counts: kind must be "counts"');
  if (j.channels !== 1) throw new Error(`counts: channels must be 1, got ${j.channels}`);
  if (j.kernel !== COUNT_KERNEL) throw new Error(`counts: kernel "${j.kernel}" is not supported by this build (it has ${COUNT_KERNEL})`);
  if (!Number.isInteger(j.alpha) || j.alpha < 1 || j.alpha > 1 << 20) throw new Error('counts: alpha must be an integer 1..2^20');
  if (typeof j.tables !== 'string' || !j.tables.startsWith('brotli:')) throw new Error('counts: tables must be a brotli: string');
  return { channels: 1, kernel: j.kernel, alpha: j.alpha, tables: j.tables };
}

/** Packs levels into the stored string (deterministic for given counts). */
export function packCounts(levels: CountLevel[]): string {
  const out: number[] = [];
  const varint = (v: number) => {
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
  };
  for (const lv of levels) {
    const ctxs: number[] = [];
    lv.row.forEach((r, c) => {
      if (r >= 0) ctxs[r] = c;
    });
    varint(ctxs.length);
    let prev = -1;
    for (const c of ctxs) {
      varint(c - prev);
      prev = c;
    }
    for (let r = 0; r < ctxs.length; r++) for (let s = 0; s < 256; s++) varint(lv.counts[r * 256 + s]);
  }
  const packed = brotliCompressSync(Uint8Array.from(out), { params: { [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_LGWIN]: 24 } });
  return 'brotli:' + toBase64(packed);
}

/** Unpacks the stored string; throws Error on malformed data. */
export function unpackCounts(tables: string, alpha: number): CountTables {
  const b = brotliDecompressSync(fromBase64(tables.slice('brotli:'.length)));
  let pos = 0;
  const varint = (): number => {
    let v = 0,
      mul = 1;
    for (;;) {
      if (pos >= b.length) throw new Error('counts: tables are truncated');
      const x = b[pos++];
      v += (x & 0x7f) * mul;
      if (x < 0x80) return v;
      mul *= 0x80;
      if (mul > 2 ** 49) throw new Error('counts: bad varint');
    }
  };
  const levels = LEVEL_SIZES.map((size): CountLevel => {
    const rows = varint();
    if (rows > size) throw new Error('counts: too many rows');
    const row = new Int32Array(size).fill(-1);
    let c = -1;
    for (let r = 0; r < rows; r++) {
      const step = varint();
      c += step;
      if (step < 1 || c >= size) throw new Error('counts: bad context');
      row[c] = r;
    }
    const counts = new Float64Array(rows * 256);
    const totals = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let t = 0;
      for (let s = 0; s < 256; s++) t += counts[r * 256 + s] = varint();
      totals[r] = t;
    }
    return { row, counts, totals };
  });
  if (pos !== b.length) throw new Error('counts: trailing data in tables');
  return { alpha, levels };
}
