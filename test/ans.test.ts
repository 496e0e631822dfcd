import { describe, expect, it } from 'vitest';
import { AnsError, RansDecoder, RansEncoder } from '../src/ans/index.js';
import { mulberry32 } from './helpers/prng.js';

interface Table {
  bits: number;
  freq: Uint32Array;
  start: Uint32Array;
  /** slot -> symbol */
  lut: Uint16Array;
}

function tableFrom(freq: Uint32Array, bits: number): Table {
  const n = freq.length;
  const start = new Uint32Array(n);
  for (let i = 1; i < n; i++) start[i] = start[i - 1] + freq[i - 1];
  expect(start[n - 1] + freq[n - 1]).toBe(1 << bits);
  const lut = new Uint16Array(1 << bits);
  for (let s = 0; s < n; s++) lut.fill(s, start[s], start[s] + freq[s]);
  return { bits, freq, start, lut };
}

/** Random table of n symbols summing to 2^bits, all freq >= 1, with some freq = 1 symbols. */
function randomTable(rnd: () => number, n: number, bits: number): Table {
  const total = 1 << bits;
  n = Math.min(n, total);
  const freq = new Uint32Array(n).fill(1);
  let left = total - n;
  // spread the rest with random, skewed weights; leave ~1/4 of the symbols at freq 1
  const w = Array.from({ length: n }, () => (rnd() < 0.25 ? 0 : rnd() ** 3));
  w[0] = 0; // symbol 0 stays at freq 1 when n >= 2
  w[n - 1] = Math.max(...w) + 1e-9; // ... and the remainder goes to the heaviest, last symbol
  const sum = w.reduce((a, b) => a + b, 0) || 1;
  for (let i = 0; i < n && left > 0; i++) {
    const add = Math.min(left, Math.floor((w[i] / sum) * (total - n)));
    freq[i] += add;
    left -= add;
  }
  freq[n - 1] += left;
  return tableFrom(freq, bits);
}

/** Draw symbols in proportion to the table's frequencies. */
function drawSymbols(rnd: () => number, t: Table, count: number): Uint16Array {
  const out = new Uint16Array(count);
  for (let i = 0; i < count; i++) out[i] = t.lut[Math.floor(rnd() * (1 << t.bits))];
  return out;
}

/** The two coders: byte renormalisation (format v2, what streams use) and 16-bit words (format v1, decode of old streams). */
/** The byte coder started at state 1 (format v4). */
class OneStartEncoder extends RansEncoder {
  constructor(initialCapacity?: number) {
    super(initialCapacity, 'one');
  }
}
class OneStartDecoder extends RansDecoder {
  constructor(bytes: Uint8Array) {
    super(bytes, 'one');
  }
}
class WordEncoder extends RansEncoder {
  constructor(initialCapacity?: number) {
    super(initialCapacity, 'normalised', 'word16');
  }
}
class WordDecoder extends RansDecoder {
  constructor(bytes: Uint8Array) {
    super(bytes, 'normalised', 'word16');
  }
}
/**
 * The coders: byte renormalisation from state 2^24 (formats v2, v3) and from state 1 (v4, what streams use),
 * and 16-bit words (format v1, decode of old streams). `saved`: bytes a stream saves by the small initial state;
 * `truncationCode`: what a stream cut at a word boundary is refused with (from state 1, the cut may also go
 * unnoticed by the coder: its final state can fall to 1 by chance; the container's CRC-32 catches it there).
 */
const CODERS = [
  { name: 'byte (v2)', Enc: RansEncoder, Dec: RansDecoder, wordBytes: 1, emptyStream: [0, 0, 0, 1], sizeBits: [12, 15, 16], saved: 0, truncationCode: 'E_TRUNCATED' },
  { name: 'byte from state 1 (v4)', Enc: OneStartEncoder, Dec: OneStartDecoder, wordBytes: 1, emptyStream: [1, 0, 0, 0], sizeBits: [12, 15, 16], saved: 3, truncationCode: 'E_CORRUPT' },
  { name: 'word (v1)', Enc: WordEncoder, Dec: WordDecoder, wordBytes: 2, emptyStream: [0, 0, 1, 0], sizeBits: [12, 15], saved: 0, truncationCode: 'E_TRUNCATED' },
];

for (const C of CODERS) {
  /** Symbols plus, after each, a raw-bits field of random width 0..16 (when withBits). */
  function roundTrip(t: Table, syms: Uint16Array, rnd: () => number, withBits: boolean): Uint8Array {
    const n = syms.length;
    const rawN = new Uint8Array(n);
    const rawV = new Uint32Array(n);
    if (withBits) {
      for (let i = 0; i < n; i++) {
        rawN[i] = Math.floor(rnd() * 17);
        rawV[i] = Math.floor(rnd() * (1 << rawN[i]));
      }
    }
    const enc = new C.Enc(16);
    for (let i = n - 1; i >= 0; i--) {
      if (withBits) enc.pushBits(rawV[i], rawN[i]);
      const s = syms[i];
      enc.push(t.start[s], t.freq[s], t.bits);
    }
    const bytes = enc.finish();
    if (C.wordBytes === 2) expect(bytes.length % 2).toBe(0);

    const dec = new C.Dec(bytes);
    for (let i = 0; i < n; i++) {
      const slot = dec.peek(t.bits);
      const s = t.lut[slot];
      if (s !== syms[i]) expect.fail(`symbol ${i}: got ${s}, want ${syms[i]}`);
      dec.advance(t.start[s], t.freq[s], t.bits);
      if (withBits) {
        const v = dec.popBits(rawN[i]);
        if (v !== rawV[i]) expect.fail(`raw bits ${i}: got ${v}, want ${rawV[i]} (${rawN[i]} bits)`);
      }
    }
    dec.finish();
    return bytes;
  }

  /** Returns the AnsError code, or 'ok', for a decode of `count` symbols of `t` from `bytes`. */
  function decodeOutcome(bytes: Uint8Array, t: Table, count: number, bitsEvery = 0): string {
    try {
      const dec = new C.Dec(bytes);
      for (let i = 0; i < count; i++) {
        const s = t.lut[dec.peek(t.bits)];
        dec.advance(t.start[s], t.freq[s], t.bits);
        if (bitsEvery && i % bitsEvery === 0) dec.popBits(i % 17);
      }
      dec.finish();
      return 'ok';
    } catch (e) {
      if (!(e instanceof AnsError)) throw e;
      expect(['E_TRUNCATED', 'E_CORRUPT']).toContain(e.code);
      return e.code;
    }
  }

  describe(`${C.name}: rANS round trip`, () => {
    for (const bits of [8, 12, 15, 16]) {
      it(`100k random symbols, random static tables, bits=${bits}`, () => {
        const rnd = mulberry32(1000 + bits);
        const t = randomTable(rnd, 2 + Math.floor(rnd() * 300), bits);
        expect(t.freq[0]).toBe(1);
        const syms = drawSymbols(rnd, t, 100_000);
        // make sure the rare (freq = 1) symbols actually occur
        for (let s = 0, k = 0; s < t.freq.length && k < 500; s++) if (t.freq[s] === 1) syms[(k++ * 197) % syms.length] = s;
        roundTrip(t, syms, rnd, false);
      });

      it(`symbol with freq 2^bits-1 next to a freq-1 symbol, bits=${bits}`, () => {
        const rnd = mulberry32(2000 + bits);
        const t = tableFrom(new Uint32Array([(1 << bits) - 1, 1]), bits);
        const syms = new Uint16Array(100_000);
        for (let i = 0; i < syms.length; i++) syms[i] = rnd() < 0.01 ? 1 : 0;
        roundTrip(t, syms, rnd, false);
        const t2 = tableFrom(new Uint32Array([1, (1 << bits) - 1]), bits);
        roundTrip(t2, syms, rnd, false);
      });

      it(`mixed with pushBits of 0..16 bits, bits=${bits}`, () => {
        const rnd = mulberry32(3000 + bits);
        const t = randomTable(rnd, 2 + Math.floor(rnd() * 300), bits);
        roundTrip(t, drawSymbols(rnd, t, 100_000), rnd, true);
      });
    }

    it('a zero-information symbol (freq = 2^bits) round-trips and costs nothing', () => {
      const enc = new C.Enc();
      for (let i = 0; i < 1000; i++) enc.push(0, 1 << 12, 12);
      const bytes = enc.finish();
      expect(bytes.length).toBe(4);
      const dec = new C.Dec(bytes);
      for (let i = 0; i < 1000; i++) {
        dec.peek(12);
        dec.advance(0, 1 << 12, 12);
      }
      dec.finish();
    });

    it('precision may change from symbol to symbol', () => {
      const rnd = mulberry32(4);
      const tables = [8, 12, 15, 16, 1, 5].map((b) => randomTable(rnd, 40, b));
      const n = 50_000;
      const which = new Uint8Array(n).map(() => Math.floor(rnd() * tables.length));
      const syms = new Uint16Array(n).map((_, i) => drawSymbols(rnd, tables[which[i]], 1)[0]);
      const enc = new C.Enc();
      for (let i = n - 1; i >= 0; i--) {
        const t = tables[which[i]];
        enc.push(t.start[syms[i]], t.freq[syms[i]], t.bits);
      }
      const dec = new C.Dec(enc.finish());
      for (let i = 0; i < n; i++) {
        const t = tables[which[i]];
        const s = t.lut[dec.peek(t.bits)];
        if (s !== syms[i]) expect.fail(`symbol ${i}: got ${s}, want ${syms[i]}`);
        dec.advance(t.start[s], t.freq[s], t.bits);
      }
      dec.finish();
    });

    it('empty stream round-trips: 4 bytes, finish() passes', () => {
      const bytes = new C.Enc().finish();
      expect(Array.from(bytes)).toEqual(C.emptyStream); // the initial state, little-endian
      new C.Dec(bytes).finish();
    });

    it('the encoder buffer grows from a tiny initial capacity', () => {
      const rnd = mulberry32(5);
      const enc = new C.Enc(1);
      const vals = Array.from({ length: 10_000 }, () => Math.floor(rnd() * 65536));
      for (let i = vals.length - 1; i >= 0; i--) enc.pushBits(vals[i], 16);
      const bytes = enc.finish();
      // 16 raw bits each, the 4-byte final state, less what a small initial state absorbs.
      expect(bytes.length).toBe(2 * 10_000 + 4 - C.saved);
      const dec = new C.Dec(bytes);
      for (const v of vals) expect(dec.popBits(16)).toBe(v);
      dec.finish();
    });
  });

  describe(`${C.name}: rANS coded size`, () => {
    for (const bits of C.sizeBits) {
      it(`1M-symbol skewed source is within 0.1% + 8 bytes of ideal, bits=${bits}`, () => {
        const rnd = mulberry32(6 + bits);
        const total = 1 << bits;
        const n = 64;
        const freq = new Uint32Array(n);
        let sum = 0;
        for (let i = 0; i < n; i++) sum += freq[i] = Math.max(1, Math.floor(total * 0.5 ** (i + 1)));
        freq[0] += total - sum;
        const t = tableFrom(freq, bits);
        const syms = drawSymbols(rnd, t, 1_000_000);
        let idealBits = 0;
        for (const s of syms) idealBits += bits - Math.log2(t.freq[s]);
        const ideal = idealBits / 8;
        const bytes = roundTrip(t, syms, rnd, false);
        expect(bytes.length).toBeLessThanOrEqual(ideal * 1.001 + 8);
      });
    }
  });

  describe(`${C.name}: rANS bad streams`, () => {
    const rnd = mulberry32(7);
    const t = randomTable(rnd, 50, 12);
    const syms = drawSymbols(rnd, t, 2000);
    const enc = new C.Enc();
    for (let i = syms.length - 1; i >= 0; i--) enc.push(t.start[syms[i]], t.freq[syms[i]], t.bits);
    const good = enc.finish();

    it('decodes intact', () => {
      expect(decodeOutcome(good, t, syms.length)).toBe('ok');
    });

    it('too short for the initial state: E_TRUNCATED; odd length: E_CORRUPT', () => {
      for (let n = 0; n < 4; n++) {
        expect(() => new C.Dec(good.subarray(0, n))).toThrow(expect.objectContaining({ code: 'E_TRUNCATED' }));
      }
      if (C.wordBytes === 2) expect(() => new C.Dec(good.subarray(0, 5))).toThrow(expect.objectContaining({ code: 'E_CORRUPT' }));
      expect(() => new C.Dec(new Uint8Array([0, 0, 0, 0]))).toThrow(AnsError);
    });

    it('truncated streams throw E_TRUNCATED or E_CORRUPT', () => {
      let tried = 0,
        unnoticed = 0;
      for (let drop = 1; drop <= good.length - 4; drop += drop < 40 ? 1 : 37) {
        const cut = good.slice(0, good.length - drop);
        const outcome = decodeOutcome(cut, t, syms.length);
        tried++;
        if (outcome === 'ok' && C.saved > 0) {
          unnoticed++;
          continue;
        }
        expect(['E_TRUNCATED', 'E_CORRUPT']).toContain(outcome);
        if (drop % C.wordBytes === 0) expect(outcome).toBe(C.truncationCode);
      }
      expect(unnoticed).toBeLessThanOrEqual(tried / 10);
    });

    it('leftover bytes or a wrong symbol count fail finish() with E_CORRUPT', () => {
      const longer = new Uint8Array(good.length + 2);
      longer.set(good);
      expect(decodeOutcome(longer, t, syms.length)).toBe('E_CORRUPT');
      expect(decodeOutcome(good, t, syms.length - 1)).toBe('E_CORRUPT');
    });

    it('random garbage never escapes as anything but AnsError, and never reads out of bounds', () => {
      const g = mulberry32(8);
      let ok = 0;
      for (let trial = 0; trial < 2000; trial++) {
        const len = Math.floor(g() * 64);
        const bytes = new Uint8Array(len).map(() => Math.floor(g() * 256));
        // decode fewer, as many, and more symbols than the bytes could hold, with raw bits mixed in
        const count = Math.floor(g() * 3 * len) + 1;
        // typed arrays read undefined out of bounds silently, so watch every index through a Proxy
        const watched = new Proxy(bytes, {
          get(target, prop) {
            if (typeof prop === 'string' && /^\d+$/.test(prop) && Number(prop) >= target.length) {
              throw new Error(`out-of-bounds read at ${prop} of ${target.length}`);
            }
            const v = Reflect.get(target, prop);
            return typeof v === 'function' ? v.bind(target) : v;
          },
        });
        const outcome = decodeOutcome(watched, t, count, 3);
        expect(decodeOutcome(bytes, t, count, 3)).toBe(outcome);
        if (outcome === 'ok') ok++;
      }
      expect(ok).toBeLessThan(2000);
    });
  });

  describe(`${C.name}: rANS argument checks`, () => {
    it('push with freq 0 or start+freq > 2^bits throws RangeError', () => {
      const enc = new C.Enc();
      expect(() => enc.push(0, 0, 12)).toThrow(RangeError);
      expect(() => enc.push(4000, 97, 12)).toThrow(RangeError);
      expect(() => enc.push(0, 4097, 12)).toThrow(RangeError);
      expect(() => enc.push(-1, 2, 12)).toThrow(RangeError);
      expect(() => enc.push(0, 1, 0)).toThrow(RangeError);
      expect(() => enc.push(0, 1, 17)).toThrow(RangeError);
      expect(() => enc.push(0.5, 1, 12)).toThrow(RangeError);
      expect(() => enc.push(0, NaN, 12)).toThrow(RangeError);
      expect(() => enc.pushBits(4, 2)).toThrow(RangeError);
      expect(() => enc.pushBits(1, 0)).toThrow(RangeError);
      expect(() => enc.pushBits(0, 17)).toThrow(RangeError);
      // the encoder is still usable after rejected calls
      enc.push(4000, 96, 12);
      const dec = new C.Dec(enc.finish());
      const slot = dec.peek(12);
      expect(slot >= 4000 && slot < 4096).toBe(true);
      dec.advance(4000, 96, 12);
      dec.finish();
    });

    it('the encoder refuses use after finish()', () => {
      const enc = new C.Enc();
      enc.finish();
      expect(() => enc.push(0, 1, 8)).toThrow(Error);
      expect(() => enc.finish()).toThrow(Error);
    });

    it('advance with an interval that does not hold the peeked slot throws RangeError', () => {
      const enc = new C.Enc();
      enc.push(10, 5, 8);
      const dec = new C.Dec(enc.finish());
      const slot = dec.peek(8); // 10 + (L mod 5) = 11 for L = 2^16 and 2^24
      expect(slot).toBe(11);
      expect(() => dec.advance(12, 5, 8)).toThrow(RangeError);
      expect(() => dec.advance(0, 11, 8)).toThrow(RangeError);
      expect(() => dec.peek(0)).toThrow(RangeError);
      dec.advance(10, 5, 8);
      dec.finish();
    });
  });
}
