/**
 * The causal neighbourhood of the autoregressive coupling: which already
 * decoded samples a sample's prediction sees, and the rules at tile borders.
 * Shared by the coder (causal-kernel.ts) and the encoder's fit
 * (causal-fit.ts), so both see exactly the same features.
 *
 * Samples are coded pixel by pixel in raster order within a tile, and
 * within a pixel plane 0, 1, 2 (Y, Co, Cg after YCoCg-R). Plane c of a pixel
 * sees, in its own plane, the 12 neighbours of NEIGHBOURS; in every earlier
 * plane p < c, the pixel itself and its W and N; and a constant.
 *
 * Border rule (a neighbour outside the decoded part of the tile): columns
 * are clamped to the tile; then a position above the tile stands for the
 * current pixel's W, and a position not yet decoded (same row, at or right
 * of the pixel) for the sample above it; with neither, the plane's `mid`
 * (held by a sentinel pixel one past the tile, so lookups never branch).
 */

/** Same-plane neighbour offsets (dx, dy), in feature order: W, N, NW, NE, WW, NN, NNW, NNE, NWW, NEE, NNWW, NNEE. */
export const NEIGHBOURS: ReadonlyArray<readonly [number, number]> = [
  [-1, 0],
  [0, -1],
  [-1, -1],
  [1, -1],
  [-2, 0],
  [0, -2],
  [-1, -2],
  [1, -2],
  [-2, -1],
  [2, -1],
  [-2, -2],
  [2, -2],
];
/** Same-plane neighbours per sample. */
export const SAME_PLANE = NEIGHBOURS.length;
/** Features taken from each earlier plane: the pixel itself, then its W and N. */
export const CROSS_PER_PLANE = 3;
/** Number of features of plane c (same plane, earlier planes, constant). */
export function featureCount(c: number): number {
  return SAME_PLANE + CROSS_PER_PLANE * c + 1;
}

/**
 * Offsets of NEIGHBOURS in the interleaved values of a w-wide, nch-plane
 * tile (pixel offset × nch; valid away from the borders).
 */
export function neighbourSteps(w: number, nch: number): Int32Array {
  return Int32Array.from(NEIGHBOURS, ([dx, dy]) => (dx + dy * w) * nch);
}

/**
 * Fills off[0..11] with where the NEIGHBOURS of pixel (x, y) of a w×h tile
 * of nch interleaved planes start in its values (pixel index × nch), under
 * the border rule; a neighbour with none (MID) is the sentinel pixel w·h,
 * one past the tile, which holds the planes' mids (see `withSentinel`).
 * `steps` is neighbourSteps(w, nch).
 */
export function neighbourOffsets(x: number, y: number, w: number, h: number, nch: number, steps: Int32Array, off: Int32Array): void {
  const at = (y * w + x) * nch;
  if (y >= 2 && x >= 2 && x + 2 < w) {
    for (let k = 0; k < SAME_PLANE; k++) off[k] = at + steps[k];
    return;
  }
  const sentinel = w * h;
  const west = x > 0 ? y * w + x - 1 : y > 0 ? (y - 1) * w + x : sentinel;
  for (let k = 0; k < SAME_PLANE; k++) {
    const yy = y + NEIGHBOURS[k][1];
    let xx = x + NEIGHBOURS[k][0];
    xx = xx < 0 ? 0 : xx >= w ? w - 1 : xx;
    let j: number;
    if (yy < 0) j = west;
    else if (yy === y && xx >= x) j = y > 0 ? (y - 1) * w + xx : sentinel;
    else j = yy * w + xx;
    off[k] = j * nch;
  }
}

/** The n·nch interleaved values followed by the sentinel pixel (its samples: `fill[p]` for plane p). */
export function withSentinel(values: Int32Array, n: number, nch: number, fill: ArrayLike<number>): Int32Array {
  const out = new Int32Array((n + 1) * nch);
  out.set(values.subarray(0, n * nch));
  for (let p = 0; p < nch; p++) out[n * nch + p] = fill[p];
  return out;
}

/**
 * Gathers the features of plane c at pixel i into f (featureCount(c) values)
 * from the interleaved decoded values of an nch-plane tile that ends with
 * its sentinel pixel (withSentinel, mids), given the pixel's neighbour
 * offsets (neighbourOffsets). Returns the class activity of the sample:
 * |W−NW| + |N−NW| + |NE−N| + |W−WW| + |N−NN| in its own plane.
 */
export function gatherFeatures(vals: Int32Array, nch: number, c: number, i: number, off: Int32Array, f: Int32Array): number {
  for (let k = 0; k < SAME_PLANE; k++) f[k] = vals[off[k] + c];
  let n = SAME_PLANE;
  const at = i * nch,
    oW = off[0],
    oN = off[1];
  for (let p = 0; p < c; p++) {
    f[n] = vals[at + p];
    f[n + 1] = vals[oW + p];
    f[n + 2] = vals[oN + p];
    n += CROSS_PER_PLANE;
  }
  f[n] = 1;
  return activityAt(vals, nch, c, off);
}

/**
 * The class activity of plane c at a pixel with neighbour offsets `off`
 * (neighbourOffsets) in interleaved values that end with the sentinel pixel:
 * |W−NW| + |N−NW| + |NE−N| + |W−WW| + |N−NN| in its own plane, what
 * gatherFeatures returns, without gathering the features.
 */
export function activityAt(vals: Int32Array, nch: number, c: number, off: Int32Array): number {
  const W = vals[off[0] + c],
    N = vals[off[1] + c],
    NW = vals[off[2] + c],
    NE = vals[off[3] + c],
    WW = vals[off[4] + c],
    NN = vals[off[5] + c];
  return Math.abs(W - NW) + Math.abs(N - NW) + Math.abs(NE - N) + Math.abs(W - WW) + Math.abs(N - NN);
}

/**
 * Σ_j w[o + j]·f[j] over the featureCount(c) features that gatherFeatures
 * would gather for plane c at pixel i (same arguments), read in place: the
 * coder's fitted prediction. Weights |w| ≤ 2^20 and features |f| < 2^9 keep
 * every partial sum an integer below 2^34, exact in binary64 in any order.
 */
export function fittedSum(vals: Int32Array, nch: number, c: number, i: number, off: Int32Array, w: Int32Array, o: number): number {
  let s =
    w[o] * vals[off[0] + c] +
    w[o + 1] * vals[off[1] + c] +
    w[o + 2] * vals[off[2] + c] +
    w[o + 3] * vals[off[3] + c] +
    w[o + 4] * vals[off[4] + c] +
    w[o + 5] * vals[off[5] + c] +
    w[o + 6] * vals[off[6] + c] +
    w[o + 7] * vals[off[7] + c] +
    w[o + 8] * vals[off[8] + c] +
    w[o + 9] * vals[off[9] + c] +
    w[o + 10] * vals[off[10] + c] +
    w[o + 11] * vals[off[11] + c];
  let j = o + SAME_PLANE;
  const at = i * nch,
    oW = off[0],
    oN = off[1];
  for (let p = 0; p < c; p++, j += CROSS_PER_PLANE) s += w[j] * vals[at + p] + w[j + 1] * vals[oW + p] + w[j + 2] * vals[oN + p];
  return s + w[j];
}
