/**
 * Pure arithmetic and checks of the benchmark: bits per subpixel, throughput,
 * pixel-for-pixel comparison of a decoded image with its original, and the
 * decoding of the image files codecs write (PNM / PNG) into samples.
 */
import { parsePng } from '../src/codec/formats/png.js';
import { parsePnm } from '../src/codec/formats/pnm.js';

/** 8-bit interleaved samples. */
export interface Samples {
  width: number;
  height: number;
  channels: number;
  samples: Uint8Array;
}

/** Bits per subpixel: compressed bytes × 8 / subpixels (whole files, headers included). */
export function bpsp(totalBytes: number, totalSubpixels: number): number {
  if (totalSubpixels <= 0) return NaN;
  return (totalBytes * 8) / totalSubpixels;
}

/** Subpixels of an image: width × height × channels. */
export function subpixels(img: Pick<Samples, 'width' | 'height' | 'channels'>): number {
  return img.width * img.height * img.channels;
}

/** Megapixels per second (pixels, not subpixels); NaN when no time was measured. */
export function mpPerSecond(pixels: number, seconds: number): number {
  if (!(seconds > 0)) return NaN;
  return pixels / 1e6 / seconds;
}

/**
 * Compares a decoded image with the original, sample for sample. Returns null
 * when they are identical, else a one-line description of the first
 * difference. A decoder may widen gray to RGB (each channel must then equal
 * the gray sample: dwebp always writes RGB) or add an opaque alpha channel;
 * anything else with a different shape is a mismatch.
 */
export function compareSamples(original: Samples, decoded: Samples): string | null {
  if (original.width !== decoded.width || original.height !== decoded.height) {
    return `size mismatch: decoded ${decoded.width}×${decoded.height}, original ${original.width}×${original.height}`;
  }
  const oc = original.channels,
    dc = decoded.channels;
  const widenGray = oc === 1 && dc === 3;
  const addAlpha = dc === oc + 1 && (oc === 1 || oc === 3);
  if (oc !== dc && !widenGray && !addAlpha) return `channel mismatch: decoded ${dc} channels, original ${oc}`;
  if (decoded.samples.length !== decoded.width * decoded.height * dc) return `size mismatch: decoded image has ${decoded.samples.length} samples, expected ${decoded.width * decoded.height * dc}`;
  const n = original.width * original.height;
  const at = (i: number) => `(x=${i % original.width}, y=${Math.floor(i / original.width)})`;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dc; c++) {
      const d = decoded.samples[i * dc + c];
      let want: number;
      if (widenGray) want = original.samples[i];
      else if (c < oc) want = original.samples[i * oc + c];
      else want = 255; // added alpha must be opaque
      if (d !== want) return `sample mismatch at ${at(i)} channel ${c}: decoded ${d}, original ${want}`;
    }
  }
  return null;
}

/** Samples of a PNM (P5/P6, 8-bit) or 8-bit PNG file; throws on anything else. */
export function decodeImageFile(bytes: Uint8Array): Samples {
  const pnm = parsePnm(bytes);
  if (pnm) {
    if (pnm.raster.bitDepth !== 8) throw new Error(`decoded PNM has maxval ${pnm.maxval}, expected 255`);
    return { width: pnm.raster.width, height: pnm.raster.height, channels: pnm.raster.channels, samples: pnm.raster.samples as Uint8Array };
  }
  const png = parsePng(bytes);
  if (png) {
    if (png.raster.bitDepth !== 8 || png.colourType === 3 || png.pngBitDepth !== 8) throw new Error(`decoded PNG is not 8-bit gray/RGB(A) (colour type ${png.colourType}, depth ${png.pngBitDepth})`);
    return { width: png.raster.width, height: png.raster.height, channels: png.raster.channels, samples: png.raster.samples as Uint8Array };
  }
  throw new Error('decoded file is neither PNM nor PNG');
}

/** Verifies decoded file bytes against the original: null if identical, else why not. */
export function verifyDecodedFile(original: Samples, decodedBytes: Uint8Array): string | null {
  let d: Samples;
  try {
    d = decodeImageFile(decodedBytes);
  } catch (e) {
    return `unreadable decoded file: ${(e as Error).message}`;
  }
  return compareSamples(original, d);
}
