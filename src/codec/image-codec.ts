/**
 * Codes the samples of an 8-bit image tile by tile. Every tile × plane group
 * (colour or gray, then alpha) is one piece: the flow's rANS stream, or —
 * when that is not smaller or the flow cannot take the tile — brotli of the
 * raw samples. Piece records: varint (length << 1 | isFallback), except the
 * last piece, which is one flag byte and then the rest of the body.
 */
import { brotliCompressSync, constants as zc } from 'node:zlib';
import { AnsError } from '../ans/index.js';
import { LatentRangeError } from '../flows/flow.js';
import type { Model } from '../flows/model.js';
import { flowLevels } from '../flows/spec.js';
import type { NetRunner } from '../quant/runner.js';
import { brotliDecodeExact } from './brotli.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { FlowzipError } from './errors.js';
import { decodeTile, encodeTile } from './tile-coder.js';
import { extractTile, insertTile, isEdgeReplicated, tileGrid, type TileRect } from './tiling.js';

/** Tile edge in pixels (format version 1). */
export const TILE_SIZE = 256;

/** A plane group with the model and runner that code it. */
export interface CodingPlane {
  first: number;
  count: 1 | 3;
  model: Model;
  runner: NetRunner;
}

/** Image geometry shared by the encoder and decoder. */
export interface ImageShape {
  width: number;
  height: number;
  /** Interleaved channels of the samples (1..4). */
  channels: number;
}

function tilesFor(shape: ImageShape, planes: CodingPlane[]): TileRect[] {
  const levels = Math.max(...planes.map((p) => flowLevels(p.model.flow)));
  return tileGrid(shape.width, shape.height, TILE_SIZE, levels);
}

/** Number of pieces (tiles × plane groups): the unit of progress. */
export function pieceCount(shape: ImageShape, planes: CodingPlane[]): number {
  return tilesFor(shape, planes).length * planes.length;
}

function rawTile(samples: Uint8Array, shape: ImageShape, p: CodingPlane, r: TileRect): Uint8Array {
  const out = new Uint8Array(r.w * r.h * p.count);
  let k = 0;
  for (let c = 0; c < p.count; c++) {
    for (let y = 0; y < r.h; y++) for (let x = 0; x < r.w; x++) out[k++] = samples[((r.y + y) * shape.width + r.x + x) * shape.channels + p.first + c];
  }
  return out;
}

function putRawTile(samples: Uint8Array, shape: ImageShape, p: CodingPlane, r: TileRect, raw: Uint8Array): void {
  let k = 0;
  for (let c = 0; c < p.count; c++) {
    for (let y = 0; y < r.h; y++) for (let x = 0; x < r.w; x++) samples[((r.y + y) * shape.width + r.x + x) * shape.channels + p.first + c] = raw[k++];
  }
}

function brotli(raw: Uint8Array): Uint8Array {
  return brotliCompressSync(raw, { params: { [zc.BROTLI_PARAM_QUALITY]: 9, [zc.BROTLI_PARAM_SIZE_HINT]: raw.length } });
}

/** Encodes all pieces of an 8-bit image into `w`. `onPiece` is called after each piece. */
export function encodeImagePieces(samples: Uint8Array, shape: ImageShape, planes: CodingPlane[], w: ByteWriter, onPiece?: () => void): void {
  const rects = tilesFor(shape, planes);
  const total = rects.length * planes.length;
  let done = 0;
  for (const r of rects) {
    for (const p of planes) {
      const raw = rawTile(samples, shape, p, r);
      let best: Uint8Array | null = null;
      try {
        best = encodeTile(p.model.flow, p.runner, extractTile(samples, shape.width, shape.channels, p.first, p.count, r), r.ph, r.pw);
      } catch (e) {
        if (!(e instanceof LatentRangeError)) throw e;
      }
      let fallback = 0;
      if (!best || best.length > raw.length / 2) {
        const b = brotli(raw);
        if (!best || b.length < best.length) { best = b; fallback = 1; }
      }
      done++;
      if (done === total) w.byte(fallback).bytes(best);
      else w.varint(best.length * 2 + fallback).bytes(best);
      onPiece?.();
    }
  }
}

/** Decodes all pieces from `r` into a new sample array. Typed errors on truncation or corruption. */
export function decodeImagePieces(r: ByteReader, shape: ImageShape, planes: CodingPlane[], onPiece?: () => void): Uint8Array {
  const rects = tilesFor(shape, planes);
  const total = rects.length * planes.length;
  // Every piece takes at least 2 bytes (record + data): a header declaring more pieces than the body
  // can hold is refused before the samples are allocated.
  if (r.remaining < 2 * total) throw new FlowzipError('E_TRUNCATED', `stream is truncated (${total} tiles need at least ${2 * total} bytes, ${r.remaining} left)`);
  const samples = new Uint8Array(shape.width * shape.height * shape.channels);
  let done = 0;
  for (const rect of rects) {
    for (const p of planes) {
      done++;
      let len: number, fallback: number;
      if (done === total) {
        fallback = r.byte();
        len = r.remaining;
        if (fallback > 1) throw new FlowzipError('E_CORRUPT', 'stream has a corrupt tile record');
      } else {
        const v = r.varint();
        len = Math.floor(v / 2);
        fallback = v % 2;
      }
      const piece = r.bytes(len);
      if (fallback) {
        const raw = brotliDecodeExact(piece, rect.w * rect.h * p.count);
        if (!raw) throw new FlowzipError('E_CORRUPT', 'stream has a corrupt fallback tile');
        putRawTile(samples, shape, p, rect, raw);
      } else {
        let tile: Int32Array[];
        try {
          tile = decodeTile(p.model.flow, p.runner, piece, rect.ph, rect.pw);
        } catch (e) {
          if (e instanceof AnsError) throw new FlowzipError(e.code, e.code === 'E_TRUNCATED' ? 'stream is truncated' : 'stream is corrupt (entropy-coded data is inconsistent)');
          throw e;
        }
        for (const plane of tile) for (let i = 0; i < plane.length; i++) if (plane[i] < 0 || plane[i] > 255) throw new FlowzipError('E_CORRUPT', 'stream is corrupt (decoded sample out of range)');
        if (!isEdgeReplicated(tile, rect)) throw new FlowzipError('E_CORRUPT', 'stream is corrupt (tile padding differs from its edge)');
        insertTile(samples, shape.width, shape.channels, p.first, tile, rect);
      }
      onPiece?.();
    }
  }
  if (r.remaining !== 0) throw new FlowzipError('E_CORRUPT', 'stream has trailing data');
  return samples;
}
