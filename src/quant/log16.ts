/**
 * Integer base-2 logarithms in 1/16 steps — the scale arithmetic of the
 * causal prior (flows/causal-kernel.ts) without Math.log.
 *
 * log16(v) = 16·⌊log2 v⌋ + FRAC16[m], where m is the 8-bit mantissa of v
 * below its leading bit (truncated), and FRAC16[m] = round(16·log2(1 + m/256))
 * (ties up). The table is built with exact BigInt comparisons, so it is the
 * same on every engine; its error against 16·log2 v is below 0.6 (about 0.04
 * of an octave step).
 */

/** FRAC16[m] = round(16·log2((256 + m) / 256)) for m in 0..255, from exact integer arithmetic. */
export const FRAC16: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let m = 0; m < 256; m++) {
    // round(16·log2 r) = ⌊(32·log2 r + 1) / 2⌋ and ⌊32·log2 r + 1⌋ = bitlength((256+m)^32 · 2) − 1 − 256.
    const n = BigInt(256 + m) ** 32n * 2n;
    t[m] = (n.toString(2).length - 1 - 256) >> 1;
  }
  return t;
})();

/**
 * 16·log2(v) rounded (to within ±0.6), for an integer v in [1, 2^31).
 * Returns 0 for v ≤ 1.
 */
export function log16(v: number): number {
  if (v <= 1) return 0;
  const b = 31 - Math.clz32(v);
  const m = b >= 8 ? (v >>> (b - 8)) - 256 : (v << (8 - b)) - 256;
  return 16 * b + FRAC16[m];
}
