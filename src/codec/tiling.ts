/**
 * Tiling: a large image is cut into fixed-size tiles, each coded on its own
 * (bounded memory, parallel work). Each tile is padded by edge replication to
 * a multiple of 2^levels so the flow's squeezes divide it.
 */

/** A tile's place in the image and its padded size. */
export interface TileRect {
  x: number;
  y: number;
  /** Pixels of the image inside the tile. */
  w: number;
  h: number;
  /** Padded size (multiples of 2^levels). */
  pw: number;
  ph: number;
}

/** Tiles covering width×height in raster order, size ≤ tileSize, padded to multiples of 2^levels. */
export function tileGrid(width: number, height: number, tileSize: number, levels: number): TileRect[] {
  const m = 1 << levels;
  const up = (v: number) => Math.ceil(v / m) * m;
  const rects: TileRect[] = [];
  for (let y = 0; y < height; y += tileSize) {
    for (let x = 0; x < width; x += tileSize) {
      const w = Math.min(tileSize, width - x),
        h = Math.min(tileSize, height - y);
      rects.push({ x, y, w, h, pw: up(w), ph: up(h) });
    }
  }
  return rects;
}

/** How a tile is padded out to its padded size: edge replication, or zeros (pixel-exact flows, flows/padding.ts). */
export type TilePadding = 'edge' | 'zero';

/**
 * Planar Int32 channels of one tile from interleaved samples (`stride`
 * samples per pixel), taking channels `first .. first+count-1`, padded out to
 * the padded size by edge replication (default) or with zeros.
 */
export function extractTile(samples: ArrayLike<number>, width: number, stride: number, first: number, count: number, r: TileRect, pad: TilePadding = 'edge'): Int32Array[] {
  const planes: Int32Array[] = [];
  for (let c = 0; c < count; c++) {
    const p = new Int32Array(r.pw * r.ph);
    for (let y = 0; y < r.ph; y++) {
      if (pad === 'zero' && y >= r.h) break;
      const sy = r.y + Math.min(y, r.h - 1);
      for (let x = 0; x < (pad === 'zero' ? r.w : r.pw); x++) {
        const sx = r.x + Math.min(x, r.w - 1);
        p[y * r.pw + x] = samples[(sy * width + sx) * stride + first + c];
      }
    }
    planes.push(p);
  }
  return planes;
}

/**
 * True when the padding of planar tile channels (outside the image's w×h)
 * is what {@link extractTile} made with `pad`. A decoder checks this: the
 * padding is not part of the output, so a corrupt stream that changed only
 * the padding would otherwise go unnoticed.
 */
export function isPadded(planes: Int32Array[], r: TileRect, pad: TilePadding): boolean {
  for (const p of planes) {
    for (let y = 0; y < r.ph; y++) {
      const row = Math.min(y, r.h - 1) * r.pw;
      const x0 = y < r.h ? r.w : 0;
      for (let x = x0; x < r.pw; x++) if (p[y * r.pw + x] !== (pad === 'zero' ? 0 : p[row + Math.min(x, r.w - 1)])) return false;
    }
  }
  return true;
}
