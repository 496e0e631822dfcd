import { mulberry32 } from './prng.js';

/**
 * A seeded w×h test tile of `count` interleaved 8-bit channels: a ramp with
 * runs of repeated pixels, noise and a flat band at the right edge — or, with
 * `spiky`, flat halves with rare lone 255s, which the causal CDF must escape.
 */
export function tileImage(w: number, h: number, count: 1 | 3, seed: number, spiky = false): Uint8Array {
  const r = mulberry32(seed);
  const out = new Uint8Array(w * h * count);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < count; c++) {
        const i = (y * w + x) * count + c;
        if (spiky) out[i] = r() < 0.004 ? 255 : y < h / 2 ? 0 : 9;
        else out[i] = x % 17 < 5 && x > 0 ? out[i - count] : x > w - 9 ? 200 : (x * 3 + y * 5 + c * 40 + Math.floor(r() * 24)) & 255;
      }
    }
  }
  return out;
}
