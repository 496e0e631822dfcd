/**
 * rANS throughput: encode + decode N symbols drawn from a static skewed
 * 256-symbol table, decoding through a precomputed slot -> symbol table,
 * for the byte-renormalising coder (formats 2–4; started at state 1 as format 4
 * streams are) and the narrow coder (format v1, kept to decode old streams).
 * Run: npx tsc -p tsconfig.json && node dist/bench/ans-speed.js [count] [bits] [byte|narrow]
 */
import { RansDecoder, RansEncoder } from '../src/ans/index.js';
import { mulberry32 } from '../src/quant/prng.js';

const N = Number(process.argv[2] ?? 10_000_000);
const BITS = Number(process.argv[3] ?? 12);
const TOTAL = 1 << BITS;
const CODER = process.argv[4] ?? 'byte';
if (CODER !== 'byte' && CODER !== 'narrow') throw new Error('coder must be byte or narrow');

// Geometric-ish distribution over 256 symbols, quantised to sum 2^BITS with every freq >= 1.
const freq = new Uint32Array(256);
const start = new Uint32Array(256);
{
  const w = Array.from({ length: 256 }, (_, i) => Math.exp(-i / 12));
  const sum = w.reduce((a, b) => a + b, 0);
  let total = 0;
  for (let i = 0; i < 256; i++) total += freq[i] = Math.max(1, Math.floor((w[i] / sum) * TOTAL));
  freq[0] += TOTAL - total; // remainder to the most probable symbol
  for (let i = 1; i < 256; i++) start[i] = start[i - 1] + freq[i - 1];
}
const slotToSym = new Uint8Array(TOTAL);
for (let s = 0; s < 256; s++) slotToSym.fill(s, start[s], start[s] + freq[s]);

const rnd = mulberry32(12345);
const syms = new Uint8Array(N);
let ideal = 0;
for (let i = 0; i < N; i++) {
  const s = slotToSym[Math.floor(rnd() * TOTAL)];
  syms[i] = s;
  ideal += BITS - Math.log2(freq[s]);
}
ideal /= 8;

function encode(): Uint8Array {
  const enc = CODER === 'byte' ? new RansEncoder(N >> 2, 'one') : new RansEncoder(N >> 2, 'normalised', 'word16');
  for (let i = N - 1; i >= 0; i--) {
    const s = syms[i];
    enc.push(start[s], freq[s], BITS);
  }
  return enc.finish();
}

function decode(bytes: Uint8Array, out: Uint8Array): void {
  const dec = CODER === 'byte' ? new RansDecoder(bytes, 'one') : new RansDecoder(bytes, 'normalised', 'word16');
  for (let i = 0; i < N; i++) {
    const s = slotToSym[dec.peek(BITS)];
    dec.advance(start[s], freq[s], BITS);
    out[i] = s;
  }
  dec.finish();
}

const out = new Uint8Array(N);
let bytes = encode(); // warm-up
decode(bytes, out);
let bestEnc = Infinity;
let bestDec = Infinity;
for (let rep = 0; rep < 3; rep++) {
  let t = performance.now();
  bytes = encode();
  bestEnc = Math.min(bestEnc, performance.now() - t);
  out.fill(0);
  t = performance.now();
  decode(bytes, out);
  bestDec = Math.min(bestDec, performance.now() - t);
}
for (let i = 0; i < N; i++) if (out[i] !== syms[i]) throw new Error(`mismatch at ${i}`);

const ms = (t: number) => ((N / t) * 1e3) / 1e6;
console.log(
  `rANS (${CODER === 'byte' ? 'byte renormalisation, state [2^24, 2^32) started at 1, format v4' : '16-bit renormalisation, state [2^16, 2^32), format v1'}) ${N} symbols, 256-symbol table, bits=${BITS} (best of 3)`,
);
console.log(`  encode: ${ms(bestEnc).toFixed(1)} M symbols/s (${bestEnc.toFixed(1)} ms)`);
console.log(`  decode: ${ms(bestDec).toFixed(1)} M symbols/s (${bestDec.toFixed(1)} ms)`);
console.log(`  size:   ${bytes.length} bytes vs ideal ${ideal.toFixed(0)} bytes (${bytes.length >= ideal ? '+' : ''}${(((bytes.length - ideal) / ideal) * 100).toFixed(4)}%)`);
