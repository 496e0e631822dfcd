/**
 * Compact small-image streams (format 7, method 4 `small`): the same image
 * stream as method `image` with its framing cut from 15 bytes to 7 on a
 * 28×28 file (issue 16). Only the framing changes: the compact body expands
 * to exactly the `image` body it stands for, which then decodes as before.
 *
 *   'F' 'Z' | byte (7 << 4 | 4) | byte m | [4 bytes model id] | varint width |
 *   [varint height] | rest | check (2 bytes, LE)
 *
 * byte m:
 * - bits 0–3: the model's number in {@link SMALL_MODEL_IDS} (0–14); 15: the
 *   model's 4-byte id prefix follows m;
 * - bit 4: square (height = width, not written);
 * - bit 5: RGB (3 channels) rather than gray (1 channel);
 * - bit 6: an 8-bit, non-interlaced PNG without ancillary chunks, rather
 *   than a PNM with the canonical header;
 * - bit 7: bare piece: the image's single piece is a tile stream (kind 0)
 *   that follows the header directly, and its record byte (0) is left out.
 *
 * `rest` is the `image` body after its header (without that record byte
 * when bare). The check is the low 16 bits of the CRC-32 an `image` stream
 * would carry (over the expanded header bytes and the decoded samples); the
 * tile stream's own end check (the rANS state back at its start, every byte
 * read) comes on top of it.
 */
import { fromHex, toHex } from '../platform/encoding.js';
import { ByteReader, ByteWriter, concatBytes } from './bytes.js';
import { FlowzipError } from './errors.js';
import type { ImageHeader } from './image-header.js';

/**
 * Shipped models by number in compact streams: the first 4 bytes (hex) of
 * each id. Append only: a number, once written, names that model forever; a
 * model without a number is named by its id (m = 15).
 */
export const SMALL_MODEL_IDS: readonly string[] = [
  '0a4bec5f', // 0 fmnist-ctx
  'd443bb15', // 1 fmnist
  'a474acba', // 2 gray
  '130a2aed', // 3 zero-gray
  '74a0ffa1', // 4 causal-gray
  'efa3bb99', // 5 causal-gray-fast
  '0cf9ee7f', // 6 causal-gray-strong
  '663c6a6e', // 7 photo
  'b11da7ee', // 8 zero-rgb
  'f49e485c', // 9 causal-rgb
  '9766ea0a', // 10 causal-rgb-fast
  'd20b84bf', // 11 causal-rgb-strong
];

/**
 * Most pixels of an image in a compact stream: small images, where the 8
 * bytes saved matter (0.08 bits per pixel at 28×28) and a 16-bit check,
 * with the tile stream's own end check, guards few samples; a larger image
 * keeps the `image` method and its CRC-32. A compact stream declaring more is corrupt.
 */
export const SMALL_MAX_PIXELS = 1 << 14;

/** The model number that says "a 4-byte id follows". */
export const SMALL_ID_FOLLOWS = 15;
/** Bytes of the check that ends a compact stream. */
export const SMALL_CHECK_BYTES = 2;
/** The mask that keeps the compared part of a CRC-32 in a compact stream. */
export const SMALL_CHECK_MASK = 0xffff;

const SQUARE = 1 << 4,
  RGB = 1 << 5,
  PNG = 1 << 6,
  BARE = 1 << 7;

/** What a compact header says: the parts of an `image` header it may stand for, and whether the piece record byte is left out. */
export interface SmallHeader {
  width: number;
  height: number;
  channels: 1 | 3;
  png: boolean;
  /** The 4-byte model id prefix. */
  modelId: Uint8Array;
  bare: boolean;
}

/** The `image` header bytes a compact header stands for (image-header.ts's compact PNM kinds 2 and 3, or a PNG of kind 1 with no chunks), model id included. */
export function expandedHeaderBytes(h: SmallHeader): Uint8Array {
  const w = new ByteWriter();
  if (h.png)
    w.byte(1)
      .byte(h.channels === 1 ? 0 : 2)
      .varint(h.width)
      .varint(h.height)
      .varint(0);
  else
    w.byte(h.channels === 1 ? 2 : 3)
      .varint(h.width)
      .varint(h.height);
  return w.bytes(h.modelId).finish();
}

/** The compact header's bytes (m, the id if it has no number, the size). */
export function writeSmallHeader(h: SmallHeader): Uint8Array {
  const number = SMALL_MODEL_IDS.indexOf(toHex(h.modelId));
  const square = h.width === h.height;
  const m = (number < 0 ? SMALL_ID_FOLLOWS : number) | (square ? SQUARE : 0) | (h.channels === 3 ? RGB : 0) | (h.png ? PNG : 0) | (h.bare ? BARE : 0);
  const w = new ByteWriter().byte(m);
  if (number < 0) w.bytes(h.modelId);
  w.varint(h.width);
  if (!square) w.varint(h.height);
  return w.finish();
}

/** Reads a compact header; E_CORRUPT / E_TRUNCATED on bad bytes. */
export function readSmallHeader(r: ByteReader): SmallHeader {
  const m = r.byte();
  const number = m & 15;
  if (number !== SMALL_ID_FOLLOWS && number >= SMALL_MODEL_IDS.length) throw new FlowzipError('E_CORRUPT', 'stream names an unknown model number');
  const modelId = number === SMALL_ID_FOLLOWS ? r.bytes(4).slice() : fromHex(SMALL_MODEL_IDS[number]);
  const width = r.varint();
  const height = m & SQUARE ? width : r.varint();
  if (width < 1 || height < 1 || width * height > SMALL_MAX_PIXELS) throw new FlowzipError('E_CORRUPT', 'stream has a corrupt image size');
  return { width, height, channels: m & RGB ? 3 : 1, png: (m & PNG) !== 0, modelId, bare: (m & BARE) !== 0 };
}

/** The `image` body a compact body stands for: the expanded header, the piece record byte 0 when bare, the rest as it is. */
export function expandSmallBody(body: Uint8Array): Uint8Array {
  const r = new ByteReader(body);
  const h = readSmallHeader(r);
  const rest = body.subarray(r.pos);
  return concatBytes([expandedHeaderBytes(h), ...(h.bare ? [Uint8Array.of(0)] : []), rest]);
}

/**
 * The compact body (small-stream's layout, without the frame) of an image
 * stream with this header, body after the header (`rest`, as
 * encodeImagePieces gives it), models and piece count; null when the image
 * has no compact form: over {@link SMALL_MAX_PIXELS}, more than one piece or plane group, a PNM with a
 * header kept verbatim, a PNG with ancillary chunks, a palette or 16-bit PNG.
 */
export function compactSmallParts(header: ImageHeader, rest: readonly Uint8Array[], models: ReadonlyArray<{ causal?: unknown }>, pieces: number): Uint8Array[] | null {
  if (pieces !== 1 || header.modelIds.length !== 1 || header.width * header.height > SMALL_MAX_PIXELS) return null;
  let channels: 1 | 3, png: boolean;
  if (header.kind === 'pnm' && !header.verbatim) [channels, png] = [header.channels, false];
  else if (header.kind === 'png' && header.chunks.length === 0 && (header.colourType === 0 || header.colourType === 2)) [channels, png] = [header.colourType === 0 ? 1 : 3, true];
  else return null;
  // Bare: no causal parameters before the piece, whose record byte (kind 0, a tile stream) comes first.
  const first = rest.find((p) => p.length > 0);
  const bare = !models.some((m) => m.causal) && first !== undefined && first[0] === 0;
  const small = writeSmallHeader({ width: header.width, height: header.height, channels, png, modelId: header.modelIds[0], bare });
  if (!bare) return [small, ...rest];
  const all = concatBytes(rest);
  return [small, all.subarray(1)];
}
