/**
 * The image header of method `image` (container.ts): what is needed to
 * rebuild the original file around the decoded samples.
 *
 *   byte kind (0 PNM, 1 PNG, 2 PNM gray, 3 PNM RGB), then
 *   PNM: byte flags (bit 0: header stored verbatim), byte channels (1|3),
 *        varint width, varint height, [varint length + header bytes if verbatim]
 *   PNM gray / RGB (written from format 4 on, for a PNM whose header is the
 *        canonical one, i.e. not verbatim): varint width, varint height — two
 *        bytes less, which is 0.02 bits per pixel on a 28×28 image
 *   PNG: byte colour type (0, 2, 4, 6; always 8-bit, non-interlaced),
 *        varint width, varint height, varint chunk count,
 *        per ancillary chunk: byte position, 4-byte type, varint length + data
 *   palette PNG (kind 4, format 6 on; colour type 3, non-interlaced): byte bit
 *        depth (1, 2, 4, 8), varint length + PLTE data, then as PNG from the
 *        width on; the samples are the palette indices, one channel coded
 *        like a gray image (PLTE and tRNS travel as they are)
 *   16-bit PNG (kind 5, format 6 on; non-interlaced): as PNG from the colour
 *        type on, then the residual section of deep-samples.ts; the coded
 *        samples are the high bytes
 *   then MODEL_ID_BYTES per plane group (colour/gray, then alpha if any).
 */
import { fromLatin1, latin1 } from '../platform/encoding.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { FlowzipError } from './errors.js';
import type { PngAncillaryChunk, PngChunkPosition } from './formats/png.js';
import { WRITTEN_FEATURES, type StreamFeatures } from './stream-features.js';
import { readResidualSection } from './deep-samples.js';

const POSITIONS: PngChunkPosition[] = ['beforePLTE', 'beforeIDAT', 'afterIDAT'];
/** Kind bytes of the compact PNM header (canonical header, gray or RGB). */
const KIND_PNM_GRAY = 2,
  KIND_PNM_RGB = 3,
  KIND_PALETTE = 4,
  KIND_PNG16 = 5;

/** A parsed image header: what rebuilds the file around the samples, and the model id of each plane group. */
export type ImageHeader =
  | { kind: 'pnm'; width: number; height: number; channels: 1 | 3; verbatim: Uint8Array | null; modelIds: Uint8Array[] }
  | { kind: 'png'; width: number; height: number; colourType: 0 | 2 | 4 | 6; chunks: PngAncillaryChunk[]; modelIds: Uint8Array[] }
  | { kind: 'palette'; width: number; height: number; bitDepth: 1 | 2 | 4 | 8; plte: Uint8Array; chunks: PngAncillaryChunk[]; modelIds: Uint8Array[] }
  | { kind: 'png16'; width: number; height: number; colourType: 0 | 2 | 4 | 6; chunks: PngAncillaryChunk[]; residuals: Uint8Array; modelIds: Uint8Array[] };

/** Interleaved channels of the image's samples. */
export function headerChannels(h: ImageHeader): 1 | 2 | 3 | 4 {
  if (h.kind === 'pnm') return h.channels;
  if (h.kind === 'palette') return 1;
  return ({ 0: 1, 2: 3, 4: 2, 6: 4 } as const)[h.colourType];
}

/** Plane groups coded by the flow: [first channel, count]; colour (or gray) first, then alpha. */
export function planeGroups(channels: 1 | 2 | 3 | 4): Array<{ first: number; count: 1 | 3 }> {
  switch (channels) {
    case 1:
      return [{ first: 0, count: 1 }];
    case 2:
      return [
        { first: 0, count: 1 },
        { first: 1, count: 1 },
      ];
    case 3:
      return [{ first: 0, count: 3 }];
    case 4:
      return [
        { first: 0, count: 3 },
        { first: 3, count: 1 },
      ];
  }
}

/** Serialises the header (model ids must be MODEL_ID_BYTES each) as format `features` lays it out (default: the version written). */
export function writeImageHeader(h: ImageHeader, w: ByteWriter, features: StreamFeatures = WRITTEN_FEATURES): void {
  if (h.kind === 'pnm' && !h.verbatim && features.compactPnm) {
    w.byte(h.channels === 1 ? KIND_PNM_GRAY : KIND_PNM_RGB)
      .varint(h.width)
      .varint(h.height);
  } else if (h.kind === 'pnm') {
    w.byte(0)
      .byte(h.verbatim ? 1 : 0)
      .byte(h.channels)
      .varint(h.width)
      .varint(h.height);
    if (h.verbatim) w.lengthPrefixed(h.verbatim);
  } else {
    if (h.kind === 'palette') {
      if (!features.palettePng) throw new Error(`format ${features.version} cannot hold a palette image`);
      w.byte(KIND_PALETTE).byte(h.bitDepth).lengthPrefixed(h.plte);
    } else if (h.kind === 'png16') {
      if (!features.deepPng) throw new Error(`format ${features.version} cannot hold a 16-bit image`);
      w.byte(KIND_PNG16).byte(h.colourType);
    } else w.byte(1).byte(h.colourType);
    w.varint(h.width).varint(h.height).varint(h.chunks.length);
    for (const c of h.chunks) w.byte(POSITIONS.indexOf(c.position)).bytes(fromLatin1(c.type)).lengthPrefixed(c.data);
    if (h.kind === 'png16') w.bytes(h.residuals);
  }
  for (const id of h.modelIds) w.bytes(id);
}

/** Reads a PNG header's ancillary chunk records. */
function readChunks(r: ByteReader, n: number): PngAncillaryChunk[] {
  if (n > r.remaining) throw new FlowzipError('E_CORRUPT', 'stream has a corrupt image header');
  const chunks: PngAncillaryChunk[] = [];
  for (let i = 0; i < n; i++) {
    const pos = r.byte();
    const type = latin1(r.bytes(4));
    if (pos > 2 || !/^[A-Za-z]{4}$/.test(type)) throw new FlowzipError('E_CORRUPT', 'stream has a corrupt PNG chunk record');
    chunks.push({ position: POSITIONS[pos], type, data: r.lengthPrefixed().slice() });
  }
  return chunks;
}

/**
 * Parses and validates the header; `maxPixels` bounds width × height before anything is allocated.
 * `features` (default: the version written) says which kinds the stream's version may hold.
 */
export function readImageHeader(r: ByteReader, idBytes: number, maxPixels: number, features: StreamFeatures = WRITTEN_FEATURES): ImageHeader {
  const kind = r.byte();
  let h: ImageHeader;
  if (kind === 0) {
    const flags = r.byte(),
      channels = r.byte(),
      width = r.varint(),
      height = r.varint();
    if ((channels !== 1 && channels !== 3) || flags > 1) throw new FlowzipError('E_CORRUPT', 'stream has a corrupt image header');
    h = { kind: 'pnm', width, height, channels, verbatim: flags & 1 ? r.lengthPrefixed().slice() : null, modelIds: [] };
  } else if (kind === KIND_PNM_GRAY || kind === KIND_PNM_RGB) {
    const width = r.varint(),
      height = r.varint();
    h = { kind: 'pnm', width, height, channels: kind === KIND_PNM_GRAY ? 1 : 3, verbatim: null, modelIds: [] };
  } else if (kind === 1 || (kind === KIND_PNG16 && features.deepPng)) {
    const colourType = r.byte(),
      width = r.varint(),
      height = r.varint(),
      n = r.varint();
    if (![0, 2, 4, 6].includes(colourType)) throw new FlowzipError('E_CORRUPT', 'stream has a corrupt image header');
    const chunks = readChunks(r, n);
    h =
      kind === 1
        ? { kind: 'png', width, height, colourType: colourType as 0 | 2 | 4 | 6, chunks, modelIds: [] }
        : { kind: 'png16', width, height, colourType: colourType as 0 | 2 | 4 | 6, chunks, residuals: readResidualSection(r, features), modelIds: [] };
  } else if (kind === KIND_PALETTE && features.palettePng) {
    const bitDepth = r.byte();
    const plte = r.lengthPrefixed().slice();
    const width = r.varint(),
      height = r.varint(),
      n = r.varint();
    if (![1, 2, 4, 8].includes(bitDepth) || plte.length % 3 !== 0 || plte.length === 0 || plte.length > 768) throw new FlowzipError('E_CORRUPT', 'stream has a corrupt image header');
    h = { kind: 'palette', width, height, bitDepth: bitDepth as 1 | 2 | 4 | 8, plte, chunks: readChunks(r, n), modelIds: [] };
  } else {
    throw new FlowzipError('E_CORRUPT', 'stream has an unknown image kind');
  }
  if (h.width < 1 || h.height < 1) throw new FlowzipError('E_CORRUPT', 'stream has a corrupt image size');
  if (h.width * h.height > maxPixels) throw new FlowzipError('E_LIMIT', `image is ${h.width}×${h.height}, over the limit of ${maxPixels} pixels (raise it with maxPixels / --max-pixels)`);
  for (const _ of planeGroups(headerChannels(h))) h.modelIds.push(r.bytes(idBytes).slice());
  return h;
}
