/**
 * PNG: parse to a {@link Raster} plus everything else needed to rebuild an
 * equivalent file (IHDR fields, PLTE, ancillary chunks in place), and write it
 * back. A round trip keeps pixels, bit depth, colour type, palette and every
 * ancillary chunk exactly; the PNG bytes themselves may differ, because the
 * image data is re-filtered and re-deflated (always non-interlaced).
 */

import { concatBytes } from '../bytes.js';
import { FlowzipError } from '../errors.js';
import { DEFAULT_MAX_PIXELS, assertRaster, type Raster } from './image.js';
import { PngChunkReader, hasPngSignature, PNG_SIGNATURE, isCriticalChunk, writePngChunks, type PngChunk } from './png-chunks.js';
import { CHANNELS_OF, decodePngHeader, encodePngHeader, isValidColourAndDepth, type PngBitDepth, type PngColourType, type PngHeader } from './png-header.js';
import { decodeImageData, encodeImageData } from './png-image-data.js';

export type { PngChunk } from './png-chunks.js';
export type { PngBitDepth, PngColourType } from './png-header.js';

/**
 * Where an ancillary chunk sits relative to the critical chunks. When the
 * image has no PLTE, every chunk between IHDR and IDAT is `'beforeIDAT'`.
 */
export type PngChunkPosition = 'beforePLTE' | 'beforeIDAT' | 'afterIDAT';

/** An ancillary chunk, verbatim, tagged with its position. */
export type PngAncillaryChunk = PngChunk & { position: PngChunkPosition };

/** A parsed PNG: pixels plus what is needed to write an equivalent file. */
export interface PngImage {
  /**
   * Pixels. Channels follow the colour type (grey 1, RGB 3, palette 1, grey+alpha 2,
   * RGBA 4); bitDepth is 16 for PNG depth 16 and 8 otherwise. Samples are
   * unscaled: 1/2/4-bit samples and palette indices are stored one per byte.
   */
  raster: Raster;
  /** PNG colour type. */
  colourType: PngColourType;
  /** PNG bit depth as stored. */
  pngBitDepth: PngBitDepth;
  /** True if the file was Adam7-interlaced ({@link writePng} refuses these). */
  interlaced: boolean;
  /** PLTE data verbatim; always present for colour type 3, optional (suggested palette) for 2 and 6. */
  palette?: Uint8Array;
  /** Every chunk except IHDR, PLTE, IDAT, IEND, verbatim and in file order, tagged with its position. */
  ancillary: PngAncillaryChunk[];
}

/** Options for {@link parsePng}. */
export interface PngParseOptions {
  /** Largest accepted `width * height`; default {@link DEFAULT_MAX_PIXELS}. */
  maxPixels?: number;
}

/** Size of the IDAT chunks {@link writePng} emits (the last may be shorter). */
export const IDAT_CHUNK_SIZE = 1 << 20;

/** Order of positions within a file, for checking that ancillary chunks are in order. */
const POSITION_RANK: Readonly<Record<PngChunkPosition, number>> = { beforePLTE: 0, beforeIDAT: 1, afterIDAT: 2 };

/**
 * Parses a PNG.
 *
 * Returns null if `bytes` lack the PNG signature, or if bytes follow IEND
 * (not cleanly reproducible; the caller treats the file as raw bytes).
 *
 * Throws `FlowzipError('E_LIMIT')` if IHDR's `width * height` exceeds
 * `opts.maxPixels` (default 2^28); this is checked right after reading IHDR,
 * before any other chunk is read or any pixel decoded.
 *
 * Throws `FlowzipError('E_BAD_IMAGE')` (one-line message) if the file is
 * truncated, a CRC is wrong, a chunk type is not 4 letters, IHDR is missing,
 * repeated or invalid, PLTE is misplaced, repeated, missing (colour type 3),
 * forbidden (colour types 0 and 4) or not 1..256 RGB entries, IDAT is missing
 * or not contiguous, IEND carries data, an unknown critical chunk appears, or
 * the image data is corrupt or of the wrong length.
 *
 * The returned palette and ancillary data are copies; `bytes` is not retained.
 */
export function parsePng(bytes: Uint8Array, opts: PngParseOptions = {}): PngImage | null {
  const layout = readPngLayout(bytes, opts);
  if (!layout) return null;
  const raster = decodeImageData(concatBytes(layout.idat), layout.header);
  const image: PngImage = {
    raster,
    colourType: layout.header.colourType,
    pngBitDepth: layout.header.bitDepth,
    interlaced: layout.header.interlaced,
    ancillary: layout.ancillary,
  };
  if (layout.palette) image.palette = layout.palette;
  return image;
}

/** A PNG's chunks read and checked, its image data not yet inflated: what {@link parsePng} reads before the pixels. */
export interface PngLayout {
  header: PngHeader;
  /** PLTE data (a copy), when present. */
  palette?: Uint8Array;
  /** The IDAT payloads in order (views into the file's bytes). */
  idat: Uint8Array[];
  /** As {@link PngImage.ancillary}. */
  ancillary: PngAncillaryChunk[];
}

/**
 * Every check of {@link parsePng} that does not need the image data
 * inflated: null and the same errors for the same reasons, except those of
 * the image data itself (corrupt, short or long zlib stream, bad filter
 * type), which whoever inflates `idat` meets (png-rows.ts, or parsePng).
 */
export function readPngLayout(bytes: Uint8Array, opts: PngParseOptions = {}): PngLayout | null {
  if (!hasPngSignature(bytes)) return null;
  const reader = new PngChunkReader(bytes);
  const first = reader.next('IHDR');
  if (first.type !== 'IHDR') {
    throw new FlowzipError('E_BAD_IMAGE', `PNG: first chunk is ${first.type}, expected IHDR`);
  }
  const header = decodePngHeader(first.data);
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (header.width * header.height > maxPixels) {
    throw new FlowzipError('E_LIMIT', `PNG: ${header.width}x${header.height} exceeds the limit of ${maxPixels} pixels`);
  }
  const layout = readChunksAfterHeader(reader, header);
  if (reader.remaining > 0) return null;
  return { header, ...layout };
}

/**
 * IHDR of a PNG read without touching anything after it (no inflate), or
 * null when `bytes` does not start with a PNG signature and a well-formed
 * IHDR. Lets compress skip a PNG the flow cannot code (16-bit, palette,
 * interlaced) before its image data is inflated.
 */
export function peekPngHeader(bytes: Uint8Array): PngHeader | null {
  const start = PNG_SIGNATURE.length;
  if (!hasPngSignature(bytes) || bytes.length < start + 8 + 13) return null;
  if (Buffer.from(bytes.subarray(start + 4, start + 8)).toString('latin1') !== 'IHDR') return null;
  try {
    return decodePngHeader(bytes.subarray(start + 8, start + 8 + 13));
  } catch {
    return null;
  }
}

/**
 * Encodes `img` as a non-interlaced PNG: signature, IHDR (img's width,
 * height, bit depth and colour type; interlace 0), the `'beforePLTE'`
 * ancillary chunks, PLTE verbatim if present, the `'beforeIDAT'` chunks, the
 * image data in IDAT chunks of at most 1 MiB, the `'afterIDAT'` chunks, IEND.
 * Ancillary chunks keep their order. Output is deterministic for the same
 * input on the same Node version.
 *
 * Throws `FlowzipError('E_BAD_IMAGE')` if `img.interlaced` is true (callers
 * route interlaced PNGs elsewhere, since their bytes cannot be reproduced
 * this way), or if `img` is inconsistent: invalid colour type / bit depth,
 * raster channels or bit depth not matching them, a sample too large for the
 * bit depth, PLTE missing (colour type 3) or forbidden (0, 4) or malformed,
 * an ancillary chunk with a critical type, or ancillary positions out of
 * order (`'beforePLTE'` < `'beforeIDAT'` < `'afterIDAT'`).
 */
export function writePng(img: PngImage): Uint8Array {
  if (img.interlaced) {
    throw new FlowzipError('E_BAD_IMAGE', 'PNG: writing interlaced images is not supported');
  }
  const header: PngHeader = {
    width: img.raster.width,
    height: img.raster.height,
    bitDepth: img.pngBitDepth,
    colourType: img.colourType,
    interlaced: false,
  };
  checkImageConsistency(img, header);
  const { before, after } = chunksAroundImageData(img, header);
  const chunks = [...before];
  const imageData = encodeImageData(img.raster, header);
  for (let offset = 0; offset < imageData.length || offset === 0; offset += IDAT_CHUNK_SIZE) {
    chunks.push({ type: 'IDAT', data: imageData.subarray(offset, offset + IDAT_CHUNK_SIZE) });
  }
  chunks.push(...after);
  return writePngChunks(chunks);
}

/**
 * The chunks of the file {@link writePng} makes for `img` (its `header`),
 * before and after the IDAT chunks: IHDR, the `'beforePLTE'` chunks, PLTE,
 * the `'beforeIDAT'` chunks; then the `'afterIDAT'` chunks and IEND.
 */
export function chunksAroundImageData(img: Pick<PngImage, 'ancillary' | 'palette'>, header: PngHeader): { before: PngChunk[]; after: PngChunk[] } {
  const ancillaryAt = (position: PngChunkPosition): PngChunk[] => img.ancillary.filter((c) => c.position === position).map(({ type, data }) => ({ type, data }));
  const before: PngChunk[] = [{ type: 'IHDR', data: encodePngHeader(header) }, ...ancillaryAt('beforePLTE')];
  if (img.palette) before.push({ type: 'PLTE', data: img.palette });
  before.push(...ancillaryAt('beforeIDAT'));
  return { before, after: [...ancillaryAt('afterIDAT'), { type: 'IEND', data: new Uint8Array(0) }] };
}

/** What follows IHDR: the palette, the IDAT payloads and the ancillary chunks. */
interface ChunkLayout {
  palette?: Uint8Array;
  idat: Uint8Array[];
  ancillary: PngAncillaryChunk[];
}

/** Reads every chunk after IHDR up to and including IEND, enforcing chunk order. */
function readChunksAfterHeader(reader: PngChunkReader, header: PngHeader): ChunkLayout {
  const layout: ChunkLayout = { idat: [], ancillary: [] };
  // Where we are: before PLTE, between PLTE and IDAT, inside the IDAT run, after it.
  let stage: 'beforePLTE' | 'beforeIDAT' | 'inIDAT' | 'afterIDAT' = 'beforePLTE';
  for (;;) {
    const chunk = reader.next(stage === 'inIDAT' || stage === 'afterIDAT' ? 'IEND' : 'IDAT');
    switch (chunk.type) {
      case 'IHDR':
        throw new FlowzipError('E_BAD_IMAGE', 'PNG: duplicate IHDR');
      case 'PLTE':
        if (stage !== 'beforePLTE') {
          throw new FlowzipError('E_BAD_IMAGE', `PNG: ${layout.palette ? 'duplicate PLTE' : 'PLTE after IDAT'}`);
        }
        checkPalette(chunk.data, header.colourType);
        layout.palette = chunk.data.slice();
        stage = 'beforeIDAT';
        break;
      case 'IDAT':
        if (stage === 'afterIDAT') throw new FlowzipError('E_BAD_IMAGE', 'PNG: IDAT chunks are not consecutive');
        if (header.colourType === 3 && !layout.palette) {
          throw new FlowzipError('E_BAD_IMAGE', 'PNG: palette image has no PLTE before IDAT');
        }
        layout.idat.push(chunk.data);
        stage = 'inIDAT';
        break;
      case 'IEND':
        if (stage !== 'inIDAT' && stage !== 'afterIDAT') throw new FlowzipError('E_BAD_IMAGE', 'PNG: no IDAT chunk');
        if (chunk.data.length !== 0) throw new FlowzipError('E_BAD_IMAGE', 'PNG: IEND carries data');
        if (!layout.palette) {
          // Without PLTE the two "before" positions are the same place.
          for (const c of layout.ancillary) if (c.position === 'beforePLTE') c.position = 'beforeIDAT';
        }
        return layout;
      default:
        if (isCriticalChunk(chunk.type)) {
          throw new FlowzipError('E_BAD_IMAGE', `PNG: unsupported critical chunk ${chunk.type}`);
        }
        if (stage === 'inIDAT') stage = 'afterIDAT';
        layout.ancillary.push({ type: chunk.type, data: chunk.data.slice(), position: stage });
    }
  }
}

/** PLTE must hold 1..256 RGB triples and is forbidden for grey images. */
function checkPalette(palette: Uint8Array, colourType: PngColourType): void {
  if (colourType === 0 || colourType === 4) {
    throw new FlowzipError('E_BAD_IMAGE', `PNG: PLTE is not allowed for colour type ${colourType}`);
  }
  if (palette.length === 0 || palette.length > 768 || palette.length % 3 !== 0) {
    throw new FlowzipError('E_BAD_IMAGE', `PNG: PLTE has invalid length ${palette.length}`);
  }
}

/** The checks {@link writePng} documents, except sample ranges (checked while packing). */
function checkImageConsistency(img: PngImage, header: PngHeader): void {
  if (!isValidColourAndDepth(img.colourType, img.pngBitDepth)) {
    throw new FlowzipError('E_BAD_IMAGE', `PNG: colour type ${img.colourType} with bit depth ${img.pngBitDepth} is invalid`);
  }
  assertRaster(img.raster, 'PNG');
  const channels = CHANNELS_OF[img.colourType];
  if (img.raster.channels !== channels) {
    throw new FlowzipError('E_BAD_IMAGE', `PNG: colour type ${img.colourType} needs ${channels} channels`);
  }
  if (img.raster.bitDepth !== (header.bitDepth === 16 ? 16 : 8)) {
    throw new FlowzipError('E_BAD_IMAGE', `PNG: raster bit depth does not match PNG bit depth ${header.bitDepth}`);
  }
  if (img.palette) checkPalette(img.palette, img.colourType);
  else if (img.colourType === 3) throw new FlowzipError('E_BAD_IMAGE', 'PNG: palette image has no palette');
  checkAncillaryChunks(img.ancillary);
}

/** E_BAD_IMAGE when an ancillary list holds a critical chunk type or has its positions out of order (what writePng refuses). */
export function checkAncillaryChunks(ancillary: readonly PngAncillaryChunk[]): void {
  let rank = 0;
  for (const chunk of ancillary) {
    if (isCriticalChunk(chunk.type)) {
      throw new FlowzipError('E_BAD_IMAGE', `PNG: ancillary list holds critical chunk ${chunk.type}`);
    }
    const r = POSITION_RANK[chunk.position];
    if (r === undefined || r < rank) {
      throw new FlowzipError('E_BAD_IMAGE', `PNG: ancillary chunk ${chunk.type} is out of position order`);
    }
    rank = r;
  }
}
