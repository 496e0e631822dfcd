/**
 * Where each pass of a PNG image's scanline data lands in the image: the
 * seven Adam7 passes for interlaced images, one pass covering everything
 * otherwise.
 *
 * Written here rather than taken from fast-png: fast-png's Adam7 decoder
 * computes pass row lengths in whole bytes per pixel, which is wrong for bit
 * depths 1, 2 and 4.
 */

/** One pass: the sub-image of pixels (x0 + i*dx, y0 + j*dy), `width` x `height` of them. */
export interface PngPass {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  width: number;
  height: number;
}

/** Adam7 pass origins and steps, in pass order (ISO/IEC 15948, 8.2). */
const ADAM7: ReadonlyArray<Omit<PngPass, 'width' | 'height'>> = [
  { x0: 0, y0: 0, dx: 8, dy: 8 },
  { x0: 4, y0: 0, dx: 8, dy: 8 },
  { x0: 0, y0: 4, dx: 4, dy: 8 },
  { x0: 2, y0: 0, dx: 4, dy: 4 },
  { x0: 0, y0: 2, dx: 2, dy: 4 },
  { x0: 1, y0: 0, dx: 2, dy: 2 },
  { x0: 0, y0: 1, dx: 1, dy: 2 },
];

/**
 * The passes whose scanlines appear, in order, in the image data of a
 * `width` x `height` PNG. Empty Adam7 passes (no pixels) are omitted, as they
 * contribute no bytes to the data stream.
 */
export function pngPasses(width: number, height: number, interlaced: boolean): PngPass[] {
  if (!interlaced) return [{ x0: 0, y0: 0, dx: 1, dy: 1, width, height }];
  const passes: PngPass[] = [];
  for (const p of ADAM7) {
    const w = Math.ceil((width - p.x0) / p.dx);
    const h = Math.ceil((height - p.y0) / p.dy);
    if (w > 0 && h > 0) passes.push({ ...p, width: w, height: h });
  }
  return passes;
}
