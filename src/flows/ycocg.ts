/**
 * YCoCg-R, the reversible integer colour transform of JPEG XL and JPEG 2000's
 * RCT family, as used by the causal coder (an additive integer coupling, so
 * exactly invertible):
 *   Co = R − B;  t = B + ⌊Co/2⌋;  Cg = G − t;  Y = t + ⌊Cg/2⌋
 * Y lies in [0, 255] and Co, Cg in [−255, 255] for 8-bit R, G, B.
 */

/** Value range and missing-neighbour value of each plane of a `count`-channel tile after the transform. */
export function planeRanges(count: 1 | 3): { lo: number[]; hi: number[]; mids: number[] } {
  return count === 3 ? { lo: [0, -255, -255], hi: [255, 255, 255], mids: [128, 0, 0] } : { lo: [0], hi: [255], mids: [128] };
}

/** Planes of a w×h tile of interleaved 8-bit samples with `count` channels: Y, Co, Cg for 3, the samples for 1. */
export function toPlanes(data: ArrayLike<number>, n: number, count: 1 | 3): Int32Array[] {
  if (count === 1) return [Int32Array.from({ length: n }, (_, i) => data[i])];
  const Y = new Int32Array(n), Co = new Int32Array(n), Cg = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = data[3 * i], g = data[3 * i + 1], b = data[3 * i + 2];
    const co = r - b, t = b + (co >> 1), cg = g - t;
    Y[i] = t + (cg >> 1);
    Co[i] = co;
    Cg[i] = cg;
  }
  return [Y, Co, Cg];
}

/** Inverse of toPlanes into interleaved 8-bit samples. */
export function fromPlanes(planes: Int32Array[], n: number, count: 1 | 3, out: Uint8Array): void {
  if (count === 1) {
    out.set(planes[0].subarray(0, n));
    return;
  }
  const [Y, Co, Cg] = planes;
  for (let i = 0; i < n; i++) {
    const t = Y[i] - (Cg[i] >> 1), g = Cg[i] + t, b = t - (Co[i] >> 1), r = b + Co[i];
    out[3 * i] = r;
    out[3 * i + 1] = g;
    out[3 * i + 2] = b;
  }
}
