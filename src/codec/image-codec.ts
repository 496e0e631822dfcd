/**
 * Codes the samples of an 8-bit image tile by tile. Every tile × plane group
 * (colour or gray, then alpha) is one piece: the flow's rANS stream, or —
 * when that is not smaller or the flow cannot take the tile — brotli of the
 * raw samples. Piece records: varint (length << 1 | isFallback), except the
 * last piece, which is one flag byte and then the rest of the body.
 */
import { brotliCompressSync, constants as zc } from '../platform/zlib.js';
import { LatentRangeError } from '../flows/flow.js';
import type { Model } from '../flows/model.js';
import { isPixelExact } from '../flows/padding.js';
import { flowLevels, type FlowSpec } from '../flows/spec.js';
import type { NetRunner } from '../quant/runner.js';
import type { CausalParams } from '../flows/causal-kernel.js';
import { brotliDecodeExact } from './brotli.js';
import { accumulateImageTile, decodeCausalTile, encodeCausalTile, planTilesFit, readCausalParams, subImage as tileSamples, sumParts, writeCausalParams, writeFitPlan } from './causal-coder.js';
import { chooseChannelValues } from './channel-palette.js';
import { BandAssembler, BandLoader, bandCount, inBand } from './image-bands.js';
import { fitTileSamples, streamedChannelValues, type ImageSurvey } from './image-survey.js';
import type { SampleSource } from './sample-source.js';
import { fitRowMask, fitRowSteps, solveFit } from '../flows/causal-fit.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { decodeCountTile, encodeCountTile } from './count-coder.js';
import { countCdfs } from './count-models.js';
import { FlowzipError, SAMPLE_OUT_OF_RANGE, tileStreamError } from './errors.js';
import { runPieces, type PieceTask } from './pool.js';
import { decodeTile, encodeTile } from './tile-coder.js';
import { copyWorthTrying, decodeCopyTile, encodeCopyTile } from './copy-causal-coder.js';
import { WRITTEN_FEATURES, type StreamFeatures } from './stream-features.js';
import { extractTile, isPadded, tileGrid, type TileRect, type TilePadding } from './tiling.js';
import { threadScratch } from '../flows/tile-scratch.js';

/** Tile edge in pixels (every format version: docs/FORMAT.md §3). */
export const TILE_SIZE = 256;

/** A plane group with the model and runner that code it. */
export interface CodingPlane {
  first: number;
  count: 1 | 3;
  model: Model;
  runner: NetRunner;
  /** A causal model's parameters for this image (fitted by the encoder, read from the stream by the decoder). */
  params?: CausalParams;
}

/** Image geometry shared by the encoder and decoder. */
export interface ImageShape {
  width: number;
  height: number;
  /** Interleaved channels of the samples (1..4). */
  channels: number;
}

function tilesFor(shape: ImageShape, planes: ReadonlyArray<Pick<CodingPlane, 'model'>>): TileRect[] {
  const levels = Math.max(...planes.map((p) => flowLevels(p.model.flow)));
  return tileGrid(shape.width, shape.height, TILE_SIZE, levels);
}

/** Number of pieces (tiles × plane groups): the unit of progress. */
export function pieceCount(shape: ImageShape, planes: ReadonlyArray<Pick<CodingPlane, 'model'>>): number {
  return tilesFor(shape, planes).length * planes.length;
}

/** Raw samples of one piece, planar (channel, row, column) over the tile's w×h. */
export function rawTile(samples: Uint8Array, shape: ImageShape, p: CodingPlane, r: TileRect): Uint8Array {
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

/** How tiles of `flow` are padded in a stream with `features`: zeros for a pixel-exact flow where padding is skipped (its padded latents are not coded), else edge replication. */
export function tilePadding(flow: FlowSpec, features: StreamFeatures): TilePadding {
  return features.skipPadding && isPixelExact(flow) ? 'zero' : 'edge';
}

/** Planar channels of tile `r` padded as the encoder gives it to `flow` (extractTile with tilePadding; interleaved `samples`, `stride` per pixel). */
export function flowTile(samples: ArrayLike<number>, width: number, stride: number, first: number, count: number, r: TileRect, flow: FlowSpec): Int32Array[] {
  return extractTile(samples, width, stride, first, count, r, tilePadding(flow, WRITTEN_FEATURES));
}

/** The fallback coding of a piece: brotli (quality 9) of its raw planar samples. */
export function brotliTile(raw: Uint8Array): Uint8Array {
  return brotliCompressSync(raw, { params: { [zc.BROTLI_PARAM_QUALITY]: 9, [zc.BROTLI_PARAM_SIZE_HINT]: raw.length } });
}

/** How much larger than the model's stream a piece's quality-1 brotli may be for quality 9 to be tried (encodePiece). */
const QUICK_BROTLI_MARGIN = 1.5;

/** Length of a quick brotli (quality 1) of a piece's raw samples: the probe before brotliTile. */
function brotliQuickLength(raw: Uint8Array): number {
  return brotliCompressSync(raw, { params: { [zc.BROTLI_PARAM_QUALITY]: 1, [zc.BROTLI_PARAM_SIZE_HINT]: raw.length } }).length;
}

/**
 * Bits per sample over which a model's stream is deemed poor, so that the
 * brotli fallbacks (of a piece, and of the whole file) are tried: 4, and 6
 * for a count-context model — learned for small images, where brotli of a
 * few hundred samples almost never wins and costs most of the coding time.
 */
export function poorBitsPerSample(model: Pick<Model, 'counts'>): number {
  return model.counts ? 6 : 4;
}

/** The encoder's rule: the fallback is tried when the flow cannot code the piece, or its stream is over `poorBits` (poorBitsPerSample) per raw byte. */
export function fallbackWorthTrying(flowBytes: number | null, rawBytes: number, poorBits = 4): boolean {
  return flowBytes === null || flowBytes * 8 > rawBytes * poorBits;
}

/**
 * Kind of a coded piece (its record's low bits): the model's stream (flow or causal), the brotli
 * fallback, or (format 6 on, causal models) a copy tile stream (copy-causal-coder.ts).
 */
export const enum PieceKind {
  Model = 0,
  Fallback = 1,
  Copy = 2,
}

/** One coded piece: its bytes and their kind. */
export interface CodedPiece {
  bytes: Uint8Array;
  fallback: PieceKind;
}

/**
 * Codes one piece (tile `r`, plane group `p`): the flow's rANS stream, or —
 * when that is not smaller than half the raw samples and brotli beats it, or
 * the flow cannot take the tile — brotli of the raw samples.
 */
export function encodePiece(samples: Uint8Array, shape: ImageShape, p: CodingPlane, r: TileRect): CodedPiece {
  let best: Uint8Array | null = null;
  let kind = PieceKind.Model;
  // A worker's samples are the piece itself: no copy then.
  const whole = r.x === 0 && r.y === 0 && r.w === shape.width && r.h === shape.height && p.first === 0 && p.count === shape.channels;
  if (p.model.counts) {
    best = encodeCountTile(whole ? samples : subImage(samples, shape, p, r), r.w, r.h, countCdfs(p.model));
  } else if (p.model.causal) {
    const sub = whole ? samples : subImage(samples, shape, p, r);
    if (WRITTEN_FEATURES.copyPieces && copyWorthTrying(sub, r.w, r.h, p.count)) {
      best = encodeCopyTile(sub, r.w, r.h, p.count, causalParamsOf(p), p.model.causal.stack, WRITTEN_FEATURES, threadScratch);
      kind = PieceKind.Copy;
    } else best = encodeCausalTile(sub, r.w, r.h, p.count, causalParamsOf(p), p.model.causal.stack, undefined, threadScratch);
  } else {
    try {
      best = encodeTile(p.model.flow, p.runner, flowTile(samples, shape.width, shape.channels, p.first, p.count, r, p.model.flow), r.ph, r.pw, r);
    } catch (e) {
      if (!(e instanceof LatentRangeError)) throw e;
    }
  }
  // The raw planar samples only when the fallback is tried: most pieces never need them.
  if (fallbackWorthTrying(best ? best.length : null, r.w * r.h * p.count, poorBitsPerSample(p.model))) {
    const raw = rawTile(samples, shape, p, r);
    // Quality 9 only when a quick quality 1 comes within QUICK_BROTLI_MARGIN of the model's stream: on photo
    // tiles it is ~1.7 times as large, and quality 9 (~40 ms a 256×256 colour tile) never won there.
    if (!best || brotliQuickLength(raw) < best.length * QUICK_BROTLI_MARGIN) {
      const b = brotliTile(raw);
      if (!best || b.length < best.length) {
        best = b;
        kind = PieceKind.Fallback;
      }
    }
  }
  return { bytes: best!, fallback: kind }; // non-null: with no flow stream the fallback is always taken
}

/**
 * Decodes one piece to its raw samples: planar (channel, row, column) over
 * the tile's w×h, the layout of fallback tiles. Typed errors on corruption.
 */
export function decodePiece(piece: Uint8Array, fallback: number, rect: TileRect, p: Pick<CodingPlane, 'count' | 'model' | 'runner' | 'params'>, features: StreamFeatures): Uint8Array {
  if (fallback === PieceKind.Copy) {
    if (!p.model.causal) throw new FlowzipError('E_CORRUPT', 'stream has a copy tile for a model that is not causal');
    return planar(decodeCopyTile(piece, rect.w, rect.h, p.count, causalParamsOf(p), p.model.causal.stack, features, threadScratch), rect, p.count);
  }
  if (fallback) {
    const raw = brotliDecodeExact(piece, rect.w * rect.h * p.count);
    if (!raw) throw new FlowzipError('E_CORRUPT', 'stream has a corrupt fallback tile');
    return raw;
  }
  if (p.model.counts) return decodeCountTile(piece, rect.w, rect.h, countCdfs(p.model));
  if (p.model.causal) {
    // Interleaved samples, converted to the planar layout of every piece.
    return planar(decodeCausalTile(piece, rect.w, rect.h, p.count, causalParamsOf(p), p.model.causal.stack, undefined, threadScratch), rect, p.count);
  }
  let tile: Int32Array[];
  try {
    tile = decodeTile(p.model.flow, p.runner, piece, rect.ph, rect.pw, features, rect);
  } catch (e) {
    throw tileStreamError(e);
  }
  for (const plane of tile) for (let i = 0; i < plane.length; i++) if (plane[i] < 0 || plane[i] > 255) throw new FlowzipError('E_CORRUPT', SAMPLE_OUT_OF_RANGE);
  if (!isPadded(tile, rect, tilePadding(p.model.flow, features))) throw new FlowzipError('E_CORRUPT', 'stream is corrupt (tile padding is not what the encoder made)');
  const raw = new Uint8Array(rect.w * rect.h * p.count);
  let k = 0;
  for (const plane of tile) {
    for (let y = 0; y < rect.h; y++) for (let x = 0; x < rect.w; x++) raw[k++] = plane[y * rect.pw + x];
  }
  return raw;
}

/** Interleaved samples of a tile (`count` channels) in the planar layout of every piece. */
function planar(inter: Uint8Array, rect: TileRect, count: number): Uint8Array {
  if (count === 1) return inter;
  const raw = new Uint8Array(inter.length);
  const n = rect.w * rect.h;
  for (let i = 0; i < n; i++) for (let c = 0; c < count; c++) raw[c * n + i] = inter[i * count + c];
  return raw;
}

/** The parameters of a causal plane group (set by encodeImagePieces / decodeImagePieces). */
function causalParamsOf(p: Pick<CodingPlane, 'params' | 'model'>): CausalParams {
  if (!p.params) throw new Error(`causal model ${p.model.name} used without parameters`);
  return p.params;
}

/** Serialised causal parameters of a plane group (what a pool worker is sent). */
function paramsBytes(p: CodingPlane): Uint8Array | undefined {
  if (!p.params) return undefined;
  const w = new ByteWriter();
  writeCausalParams(p.params, w);
  return w.finish();
}

/** The models of the plane groups with their backends (what pool workers load up front). */
function planeModels(planes: CodingPlane[]): Array<{ model: Model; backend: NetRunner['name'] }> {
  return planes.map((p) => ({ model: p.model, backend: p.runner.name }));
}

/** The samples of tile `r`, plane group `p` as a small interleaved image of p.count channels (what a worker codes). */
function subImage(samples: Uint8Array, shape: ImageShape, p: Pick<CodingPlane, 'first' | 'count'>, r: TileRect): Uint8Array<ArrayBuffer> {
  return tileSamples(samples, shape.width, shape.channels, p.first, p.count, r);
}

/** The samples of tile `r`, plane group `p` as subImage gives them, in the rows the fit reads with row `steps` only (zeros elsewhere: never read). */
function fitRowsOf(samples: Uint8Array, width: number, channels: number, p: Pick<CodingPlane, 'first' | 'count'>, r: TileRect, steps: readonly number[]): Uint8Array<ArrayBuffer> {
  const mask = fitRowMask(r.h, steps),
    count = p.count;
  const out = new Uint8Array(r.w * r.h * count);
  for (let y = 0; y < r.h; y++) {
    if (!mask[y]) continue;
    let k = y * r.w * count;
    for (let x = 0; x < r.w; x++) {
      const at = ((r.y + y) * width + r.x + x) * channels + p.first;
      for (let c = 0; c < count; c++) out[k++] = samples[at + c];
    }
  }
  return out;
}

/** How an image is coded in bands (image-bands.ts): bands of `bandTiles` tile rows. The bytes do not depend on it. */
export interface Banding {
  bandTiles: number;
}

/** The default banding: one tile row a band. */
export const DEFAULT_BANDING: Banding = { bandTiles: 1 };

/** The encoder's fit of causal plane group `p` of an image cut into `rects` (nothing written): its channel palettes, plan and least squares, the tiles on the pool; the same parameters whether `source` is held or read in passes with its `survey`. */
export async function fitCausalGroup(source: SampleSource, survey: ImageSurvey | null, p: CodingPlane, planes: CodingPlane[], rects: TileRect[], threads: number): Promise<CausalParams> {
  const { width, channels, whole } = source;
  const causal = p.model.causal!;
  // Tile j's samples as the fit reads them: from the image when it is held, else rebuilt from the surveyed rows.
  const steps = fitRowSteps(width * source.height);
  const tileSamples = (j: number) => (whole ? fitRowsOf(whole, width, channels, p, rects[j], steps) : fitTileSamples(survey!, channels, p.first, p.count, rects[j]));
  const values = whole ? chooseChannelValues(whole, width, channels, p.first, p.count) : await streamedChannelValues(source, survey!.used, p.first, p.count, TILE_SIZE);
  const plan = planTilesFit(rects, p.count, values, causal.maxClasses, tileSamples);
  const planBytes = writeFitPlan(plan);
  const parts = new Array<Float64Array>(rects.length);
  const fitTasks = rects.map((r, j): PieceTask<Float64Array> => ({
    local: () => accumulateImageTile(tileSamples(j), r.w, r.h, p.count, plan),
    job: () => {
      const sub = tileSamples(j);
      return {
        job: { kind: 'fit', model: p.model, backend: p.runner.name, count: p.count, rect: { x: 0, y: 0, w: r.w, h: r.h, pw: r.pw, ph: r.ph }, data: sub, params: planBytes },
        transfer: [sub.buffer as ArrayBuffer],
      };
    },
    result: (reply) => new Float64Array(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength / 8),
  }));
  await runPieces(
    fitTasks,
    threads,
    (i, part) => {
      parts[i] = part;
    },
    planeModels(planes),
  );
  return solveFit(sumParts(parts), plan);
}

/**
 * Encodes all pieces of an 8-bit image read from `source`: returns the body
 * after the image header (the causal parameters, then the piece records) as
 * parts, and the CRC-32 of the samples continuing `crc` (the header's).
 * `survey` is the first pass (image-survey.ts) of a source not held whole.
 * Bands are read as the pieces come up (a band of tile rows, and the next);
 * `onPiece` is called after each piece. With `threads` > 1 pieces are coded
 * in parallel on a worker pool (pool.ts); the bytes are the same whatever
 * the number of threads and the banding.
 */
export async function encodeImagePieces(
  source: SampleSource,
  survey: ImageSurvey | null,
  planes: CodingPlane[],
  crc: number,
  onPiece?: () => void,
  threads = 1,
  banding: Banding = DEFAULT_BANDING,
): Promise<{ body: Uint8Array[]; crc: number }> {
  const shape = { width: source.width, height: source.height, channels: source.channels };
  const rects = tilesFor(shape, planes);
  const body: Uint8Array[] = [];
  // Causal plane groups: fit the image's parameters and write them before the tiles.
  for (const p of planes) {
    if (!p.model.causal) continue;
    p.params = await fitCausalGroup(source, survey, p, planes, rects, threads);
    const w = new ByteWriter();
    writeCausalParams(p.params, w);
    body.push(w.finish());
  }
  const wire = planes.map(paramsBytes);
  const bandRows = TILE_SIZE * banding.bandTiles;
  const bands = new BandLoader(source, bandRows, crc);
  const bandOf = (r: TileRect) => Math.floor(r.y / bandRows);
  const tasks: Array<PieceTask<CodedPiece>> = [];
  for (const r of rects) {
    const b = bandOf(r);
    const local = inBand(r, b * bandRows);
    for (const [pi, p] of planes.entries()) {
      const rect = { x: 0, y: 0, w: r.w, h: r.h, pw: r.pw, ph: r.ph };
      // A piece sent to a worker keeps its samples until the reply, in case the worker is lost and it runs here instead.
      let sent: Uint8Array | null = null;
      tasks.push({
        local: () => (sent ? encodePiece(sent, { width: r.w, height: r.h, channels: p.count }, { ...p, first: 0 }, rect) : encodePiece(bands.band(b), shape, p, local)),
        job: () => {
          sent = subImage(bands.band(b), shape, p, local);
          const data = sent.slice();
          return { job: { kind: 'encode', model: p.model, backend: p.runner.name, count: p.count, rect, data, params: wire[pi] }, transfer: [data.buffer] };
        },
        result: (reply) => {
          sent = null;
          return { bytes: reply.data, fallback: (reply.fallback ?? 0) as PieceKind };
        },
      });
    }
  }
  const coded = new Array<CodedPiece>(tasks.length);
  try {
    await runPieces(
      tasks,
      threads,
      (i, piece) => {
        coded[i] = piece;
        onPiece?.();
      },
      planeModels(planes),
      async (from, to) => {
        await bands.load(bandOf(rects[Math.floor((to - 1) / planes.length)]));
        bands.dropBefore(bandOf(rects[Math.floor(from / planes.length)]));
      },
    );
    crc = await bands.end();
  } finally {
    bands.close();
  }
  // Records: the kind in 1 bit (fallback or not) up to format 5, in 2 bits from format 6 (copyPieces).
  const kinds = WRITTEN_FEATURES.copyPieces ? 4 : 2;
  coded.forEach(({ bytes, fallback }, i) => {
    const record = new ByteWriter();
    if (i === coded.length - 1) record.byte(fallback);
    else record.varint(bytes.length * kinds + fallback);
    body.push(record.finish(), bytes);
  });
  return { body, crc };
}

/**
 * Decodes all pieces from `r`, handing the samples on band by band, top to
 * bottom: `onRows` gets each band's interleaved samples as soon as all its
 * pieces are decoded (so the whole image is never held here). Typed errors
 * on truncation or corruption: the same error a sequential decode would
 * meet first, whatever the number of threads (bands before it may have been
 * handed on). `features` are those of the stream's format version
 * (stream-features.ts). `settled`, when given, is awaited before further
 * pieces start, so that a consumer of the rows working asynchronously (a
 * deflate stream) keeps up.
 */
export async function decodeImagePieces(
  r: ByteReader,
  shape: ImageShape,
  planes: CodingPlane[],
  features: StreamFeatures,
  onRows: (rows: Uint8Array) => void,
  onPiece?: () => void,
  threads = 1,
  banding: Banding = DEFAULT_BANDING,
  settled?: () => Promise<void>,
): Promise<void> {
  const rects = tilesFor(shape, planes);
  const total = rects.length * planes.length;
  // Every piece takes at least 2 bytes (record + data): a header declaring more pieces than the body
  // can hold is refused before anything is allocated.
  if (r.remaining < 2 * total) throw new FlowzipError('E_TRUNCATED', `stream is truncated (${total} tiles need at least ${2 * total} bytes, ${r.remaining} left)`);
  for (const p of planes) {
    if (!p.model.causal) continue;
    if (!features.causalModels) throw new FlowzipError('E_CORRUPT', `stream names causal model ${p.model.name}, which format version ${features.version} cannot hold`);
    p.params = readCausalParams(r, p.count);
  }
  const wire = planes.map(paramsBytes);
  // Read the piece records first; a malformed record ends the list, and its error is
  // thrown after the pieces before it are decoded (as a sequential decoder would meet them).
  const pieces: Array<{ rect: TileRect; p: CodingPlane; data: Uint8Array; fallback: number }> = [];
  const kinds = features.copyPieces ? 4 : 2;
  let recordError: unknown = null;
  try {
    for (const rect of rects) {
      for (const p of planes) {
        let len: number, fallback: number;
        if (pieces.length === total - 1) {
          fallback = r.byte();
          len = r.remaining;
        } else {
          const v = r.varint();
          len = Math.floor(v / kinds);
          fallback = v % kinds;
        }
        if (fallback > (features.copyPieces ? PieceKind.Copy : PieceKind.Fallback)) throw new FlowzipError('E_CORRUPT', 'stream has a corrupt tile record');
        pieces.push({ rect, p, data: r.bytes(len), fallback });
      }
    }
  } catch (e) {
    recordError = e;
  }
  const bandRows = TILE_SIZE * banding.bandTiles;
  const bandOf = (rect: TileRect) => Math.floor(rect.y / bandRows);
  const perBand = new Array<number>(bandCount(shape.height, bandRows)).fill(0);
  for (const rect of rects) perBand[bandOf(rect)] += planes.length;
  const bands = new BandAssembler(shape.width, shape.height, shape.channels, bandRows, (b) => perBand[b], onRows);
  const tasks = pieces.map(({ rect, p, data, fallback }): PieceTask<Uint8Array> => ({
    local: () => decodePiece(data, fallback, rect, p, features),
    job: () => {
      const copy = data.slice();
      return {
        job: {
          kind: 'decode',
          model: p.model,
          backend: p.runner.name,
          count: p.count,
          rect: { x: 0, y: 0, w: rect.w, h: rect.h, pw: rect.pw, ph: rect.ph },
          data: copy,
          fallback,
          features,
          params: wire[planes.indexOf(p)],
        },
        transfer: [copy.buffer],
      };
    },
    result: (reply) => reply.data,
  }));
  await runPieces(
    tasks,
    threads,
    (i, raw) => {
      const { p, rect } = pieces[i];
      const b = bandOf(rect);
      putRawTile(bands.band(b), shape, p, inBand(rect, b * bandRows), raw);
      bands.done(b);
      onPiece?.();
    },
    planeModels(planes),
    settled,
  );
  if (recordError) throw recordError;
  if (r.remaining !== 0) throw new FlowzipError('E_CORRUPT', 'stream has trailing data');
  if (!bands.complete) throw new Error('decodeImagePieces: bands left incomplete');
}
