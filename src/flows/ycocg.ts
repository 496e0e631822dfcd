/**
 * YCoCg-R, the reversible integer colour transform of JPEG XL and JPEG 2000's
 * RCT family, as used by the causal coder (an additive integer coupling, so
 * exactly invertible):
 *   Co = R − B;  t = B + ⌊Co/2⌋;  Cg = G − t;  Y = t + ⌊Cg/2⌋
 * Y lies in [0, 255] and Co, Cg in [−255, 255] for 8-bit R, G, B.
 */
import { int32Array, type TileScratch } from './tile-scratch.js';

/** Value range and missing-neighbour value of each plane of a `count`-channel tile after the transform. */
export function planeRanges(count: 1 | 3): { lo: number[]; hi: number[]; mids: number[] } {
  return count === 3 ? { lo: [0, -255, -255], hi: [255, 255, 255], mids: [128, 0, 0] } : { lo: [0], hi: [255], mids: [128] };
}

/** n interleaved 8-bit pixels of `count` channels as interleaved planes: Y, Co, Cg for 3, the samples for 1 (in `scratch`'s planes slot when given). */
export function toPlanes(data: ArrayLike<number>, n: number, count: 1 | 3, scratch?: TileScratch): Int32Array {
  const out = int32Array(scratch, 'planes', n * count);
  if (count === 1) {
    for (let i = 0; i < n; i++) out[i] = data[i];
    return out;
  }
  for (let i = 0; i < 3 * n; i += 3) {
    const r = data[i],
      g = data[i + 1],
      b = data[i + 2];
    const co = r - b,
      t = b + (co >> 1),
      cg = g - t;
    out[i] = t + (cg >> 1);
    out[i + 1] = co;
    out[i + 2] = cg;
  }
  return out;
}

/** Inverse of toPlanes into n interleaved 8-bit pixels. */
export function fromPlanes(planes: Int32Array, n: number, count: 1 | 3, out: Uint8Array): void {
  if (count === 1) {
    for (let i = 0; i < n; i++) out[i] = planes[i];
    return;
  }
  for (let i = 0; i < 3 * n; i += 3) {
    const y = planes[i],
      co = planes[i + 1],
      cg = planes[i + 2];
    const t = y - (cg >> 1),
      g = cg + t,
      b = t - (co >> 1);
    out[i] = b + co;
    out[i + 1] = g;
    out[i + 2] = b;
  }
}
