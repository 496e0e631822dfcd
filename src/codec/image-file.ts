/**
 * The original file of a decoded image, rebuilt whole from its image header
 * and samples: a PNM, an 8-bit PNG, a palette PNG (format 6: the samples
 * are palette indices) or a 16-bit PNG (format 6: 16-bit samples). What
 * `decompress` writes band by band for 8-bit PNGs and PNMs, it writes whole
 * here; the browser's decode entry point rebuilds every file this way.
 */
import { FlowzipError } from './errors.js';
import { writePng } from './formats/png.js';
import { canonicalPnmHeader, writePnm } from './formats/pnm.js';
import { headerChannels, type ImageHeader } from './image-header.js';

/**
 * The file bytes of image `h` with its interleaved samples (width × height ×
 * channels; 16-bit for a `png16` header, 8-bit otherwise). E_CORRUPT when a
 * palette index lies past the palette's end (only a corrupt stream decodes to one).
 */
export function imageFileBytes(h: ImageHeader, samples: Uint8Array | Uint16Array): Uint8Array {
  const channels = headerChannels(h);
  if (h.kind === 'png16') {
    const raster = { width: h.width, height: h.height, channels, bitDepth: 16 as const, samples };
    return writePng({ raster, colourType: h.colourType, pngBitDepth: 16, interlaced: false, ancillary: h.chunks });
  }
  const raster = { width: h.width, height: h.height, channels, bitDepth: 8 as const, samples };
  if (h.kind === 'pnm') return writePnm(h.verbatim ?? canonicalPnmHeader(raster, 255), raster);
  if (h.kind === 'palette') {
    const entries = h.plte.length / 3;
    if (samples.some((k) => k >= entries || k >> h.bitDepth !== 0)) throw new FlowzipError('E_CORRUPT', 'stream is corrupt (palette index out of range)');
    return writePng({ raster, colourType: 3, pngBitDepth: h.bitDepth, interlaced: false, palette: h.plte, ancillary: h.chunks });
  }
  return writePng({ raster, colourType: h.colourType, pngBitDepth: 8, interlaced: false, ancillary: h.chunks });
}
