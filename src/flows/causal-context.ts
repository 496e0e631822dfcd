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
 * of the pixel) for the sample above it; with neither, the plane's `mid`.
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
/** Where a neighbour index says "no decoded sample": use the plane's mid value. */
export const MID = -1;

/** Number of features of plane c (same plane, earlier planes, constant). */
export function featureCount(c: number): number {
  return SAME_PLANE + CROSS_PER_PLANE * c + 1;
}

/** Index offsets of NEIGHBOURS in a w-wide tile (valid away from the borders). */
export function neighbourDeltas(w: number): Int32Array {
  return Int32Array.from(NEIGHBOURS, ([dx, dy]) => dx + dy * w);
}

/**
 * Fills idx[0..11] with the pixel indices of NEIGHBOURS of pixel (x, y) in a
 * w-wide tile, under the border rule (MID where none applies); `deltas` is
 * neighbourDeltas(w).
 */
export function neighbourIndices(x: number, y: number, w: number, deltas: Int32Array, idx: Int32Array): void {
  const i = y * w + x;
  if (y >= 2 && x >= 2 && x + 2 < w) {
    for (let k = 0; k < SAME_PLANE; k++) idx[k] = i + deltas[k];
    return;
  }
  const west = x > 0 ? i - 1 : y > 0 ? i - w : MID;
  for (let k = 0; k < SAME_PLANE; k++) {
    const yy = y + NEIGHBOURS[k][1];
    let xx = x + NEIGHBOURS[k][0];
    xx = xx < 0 ? 0 : xx >= w ? w - 1 : xx;
    if (yy < 0) idx[k] = west;
    else if (yy === y && xx >= x) idx[k] = y > 0 ? (y - 1) * w + xx : MID;
    else idx[k] = yy * w + xx;
  }
}

/**
 * Gathers the features of plane c at pixel i into f (featureCount(c) values)
 * from the interleaved decoded values of an nch-plane tile, given the pixel's
 * neighbour indices; mids[p] is plane p's value for MID. Returns the class
 * activity of the sample: |W−NW| + |N−NW| + |NE−N| + |W−WW| + |N−NN| in its
 * own plane.
 */
export function gatherFeatures(vals: Int32Array, nch: number, mids: Int32Array, c: number, i: number, idx: Int32Array, f: Int32Array): number {
  const mid = mids[c];
  for (let k = 0; k < SAME_PLANE; k++) {
    const j = idx[k];
    f[k] = j === MID ? mid : vals[j * nch + c];
  }
  let n = SAME_PLANE;
  for (let p = 0; p < c; p++) {
    const m = mids[p];
    f[n++] = vals[i * nch + p];
    for (let k = 0; k < CROSS_PER_PLANE - 1; k++) {
      const j = idx[k];
      f[n++] = j === MID ? m : vals[j * nch + p];
    }
  }
  f[n] = 1;
  const W = f[0],
    N = f[1],
    NW = f[2],
    NE = f[3],
    WW = f[4],
    NN = f[5];
  return Math.abs(W - NW) + Math.abs(N - NW) + Math.abs(NE - N) + Math.abs(W - WW) + Math.abs(N - NN);
}
