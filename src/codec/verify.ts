/**
 * What "the same file" means for flowzip's round trip (DESIGN.md, invariant
 * 2): raw bytes and PNM come back byte for byte; a PNG comes back with the
 * same pixels and metadata, but its image data may be re-filtered and
 * re-deflated, so its bytes may differ.
 */
import { parsePng, type PngImage } from './formats/png.js';

/**
 * True when `decoded` is an acceptable round trip of `original`.
 *
 * - Identical bytes are always the same content.
 * - Otherwise both must be PNGs that parse, with identical raster samples,
 *   width, height, channel count and sample bit depth, PNG colour type, PNG
 *   bit depth, palette (PLTE), and ancillary chunks (type, data and position,
 *   in order). Interlacing and the IDAT encoding may differ.
 * - Anything else (different raw bytes, a PNG that does not parse) is not.
 *
 * Both inputs are only read. Neither PNG is subject to a pixel limit: this is
 * meant for checking data that was already decoded once.
 */
export function sameContent(original: Uint8Array, decoded: Uint8Array): boolean {
  if (bytesEqual(original, decoded)) return true;
  const a = tryParsePng(original);
  if (!a) return false;
  const b = tryParsePng(decoded);
  if (!b) return false;
  return samePngContent(a, b);
}

/** Parses a PNG with no pixel limit; null if it is not a (clean) PNG. */
function tryParsePng(bytes: Uint8Array): PngImage | null {
  try {
    return parsePng(bytes, { maxPixels: Number.POSITIVE_INFINITY });
  } catch {
    return null;
  }
}

/** Field-by-field comparison of two parsed PNGs (see {@link sameContent}). */
function samePngContent(a: PngImage, b: PngImage): boolean {
  const ra = a.raster,
    rb = b.raster;
  if (ra.width !== rb.width || ra.height !== rb.height || ra.channels !== rb.channels || ra.bitDepth !== rb.bitDepth) return false;
  if (a.colourType !== b.colourType || a.pngBitDepth !== b.pngBitDepth) return false;
  if (!sameSamples(ra.samples, rb.samples)) return false;
  if ((a.palette === undefined) !== (b.palette === undefined)) return false;
  if (a.palette && b.palette && !bytesEqual(a.palette, b.palette)) return false;
  if (a.ancillary.length !== b.ancillary.length) return false;
  return a.ancillary.every((ca, i) => {
    const cb = b.ancillary[i];
    return ca.type === cb.type && ca.position === cb.position && bytesEqual(ca.data, cb.data);
  });
}

function sameSamples(a: Uint8Array | Uint16Array, b: Uint8Array | Uint16Array): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
