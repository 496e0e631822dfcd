/**
 * The encoder's early "store it" decision (issue 15): before any fit or tile
 * is coded, a cheap estimate of what coding an image could reach, so that an
 * image nothing will shrink (noise, already-compressed content) is stored in
 * milliseconds instead of after the whole coder ran.
 *
 * The same row sample also measures how repetitive an image is
 * (repeatedPerMille), which picks the default models (api.ts).
 *
 * The estimate is an entropy bound over a row sample: per channel, the
 * smallest order-0 entropy of three views of its 8-bit samples — the values
 * themselves, the residual from the west neighbour, and the residual from
 * the median (MED / LOCO-I) predictor, residuals taken mod 256 — scaled to
 * the whole image. The causal coder (a fitted predictor with adaptive
 * scales, copy tiles) does better than any of these on real images; on
 * noise it cannot. Integer arithmetic only (log16, 1/16-bit logarithms), so
 * every platform decides alike. The decision only picks among the
 * encoder's candidates; nothing here decides a symbol.
 */
import { log16 } from '../quant/log16.js';

/** Pixels sampled for the estimate, about (whole rows of the image, each with the row above). */
export const ESTIMATE_PIXELS = 1 << 14;

/** Rows of an image the estimate reads: rows y ≥ 1 evenly spread (each read with row y − 1), about ESTIMATE_PIXELS pixels. */
export function estimateRows(width: number, height: number): number[] {
  if (height < 2 || width < 1) return [];
  const wanted = Math.max(1, Math.ceil(ESTIMATE_PIXELS / width));
  const step = Math.max(1, Math.floor((height - 1) / wanted));
  const rows: number[] = [];
  for (let y = 1; y < height; y += step) rows.push(y);
  return rows;
}

/** 1/16 bits of the order-0 code of a histogram of `n` symbols: Σ h·(log16 n − log16 h). */
function entropy16(hist: Int32Array, n: number): number {
  const ln = log16(n);
  let bits = 0;
  for (let v = 0; v < hist.length; v++) if (hist[v]) bits += hist[v] * (ln - log16(hist[v]));
  return bits;
}

/**
 * Estimated bytes of the samples of a `width × height` image of `channels`
 * interleaved 8-bit channels, from the rows `estimateRows` names:
 * `rowAt(y)` gives row y (width × channels samples; called for each named
 * row and the row above it). A lower estimate than what plain storage
 * costs does not promise the coder gets there; a higher one says it will not.
 */
export function estimateImageBytes(width: number, height: number, channels: number, rowAt: (y: number) => Uint8Array): number {
  const rows = estimateRows(width, height);
  if (rows.length === 0) return width * height * channels;
  // Per channel: histograms of the values, the west residuals and the MED residuals.
  const hists = Array.from({ length: channels * 3 }, () => new Int32Array(256));
  let pixels = 0;
  for (const y of rows) {
    const cur = rowAt(y),
      up = rowAt(y - 1);
    for (let c = 0; c < channels; c++) {
      const hv = hists[c * 3],
        hw = hists[c * 3 + 1],
        hm = hists[c * 3 + 2];
      for (let x = 0; x < width; x++) {
        const at = x * channels + c;
        const v = cur[at],
          n = up[at],
          w = x > 0 ? cur[at - channels] : n,
          nw = x > 0 ? up[at - channels] : n;
        const lo = w < n ? w : n,
          hi = w < n ? n : w;
        const med = nw >= hi ? lo : nw <= lo ? hi : w + n - nw;
        hv[v]++;
        hw[(v - w) & 255]++;
        hm[(v - med) & 255]++;
      }
    }
    pixels += width;
  }
  let bits16 = 0;
  for (let c = 0; c < channels; c++) bits16 += Math.min(entropy16(hists[c * 3], pixels), entropy16(hists[c * 3 + 1], pixels), entropy16(hists[c * 3 + 2], pixels));
  // Scaled from the sampled pixels to the image: bytes = bits16 / 16 / 8 · (width · height / pixels).
  return Math.floor((bits16 * width * height) / (128 * pixels));
}

/**
 * Whether an image estimated at `estimate` bytes (estimateImageBytes, plus
 * any side data that goes with it) is stored without trying the coder: when
 * the estimate is at least 97 % of the input file (storing costs the input
 * and a few bytes) and at least 7/8 of its `rawBytes` (the image looks like
 * noise: an image whose samples merely look expensive next to a small,
 * repetitive PNG — screenshots, diagrams — is still coded, the coder's
 * copies winning where an order-0 bound cannot see them).
 */
export function storeEarly(estimate: number, inputBytes: number, rawBytes: number): boolean {
  return estimate * 100 >= inputBytes * 97 && estimate * 8 >= rawBytes * 7;
}

/**
 * Per mille of the sampled pixels (the rows of `estimateRows`, as for
 * estimateImageBytes) that equal their west or north neighbour in every
 * channel: what copy tiles feed on. Photos: under 450 (a scan with white
 * margins reaches ~400); screenshots, diagrams, charts and sprite sheets:
 * 800 and more. An image of one row counts as not repetitive (0).
 */
export function repeatedPerMille(width: number, height: number, channels: number, rowAt: (y: number) => Uint8Array): number {
  const rows = estimateRows(width, height);
  let same = 0,
    total = 0;
  for (const y of rows) {
    const cur = rowAt(y),
      up = rowAt(y - 1);
    for (let x = 0; x < width; x++) {
      let eqW = x > 0,
        eqN = true;
      for (let c = 0, at = x * channels; c < channels; c++, at++) {
        if (eqW && cur[at] !== cur[at - channels]) eqW = false;
        if (eqN && cur[at] !== up[at]) eqN = false;
      }
      if (eqW || eqN) same++;
    }
    total += width;
  }
  return total ? Math.floor((same * 1000) / total) : 0;
}
