/**
 * The public API: `compress(bytes) → .fz bytes` and `decompress(.fz) → bytes`.
 * Any input is accepted: gray/RGB(A) PNG (8-bit, and from format 6 16-bit
 * and palette PNGs) and PGM/PPM go through the flow; everything else
 * (interlaced PNG, non-images) through brotli or stored — whichever is smallest, so output ≤ input + FRAME_BYTES
 * (+ a few bytes of length field for brotli).
 */
import { brotliCompressSync, constants as zc } from 'node:zlib';
import { brotliDecodeExact } from './brotli.js';
import type { Model } from '../flows/model.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { decodeChunked } from './chunked.js';
import { crcOf, frame, FRAME_BYTES, Method, unframe } from './container.js';
import { FlowzipError } from './errors.js';
import { DEFAULT_COMPRESS_MAX_PIXELS, DEFAULT_MAX_PIXELS } from './formats/image.js';
import { parsePng, peekPngHeader, writePng, type PngImage } from './formats/png.js';
import { canonicalPnmHeader, parsePnm, writePnm } from './formats/pnm.js';
import { decodeImagePieces, encodeImagePieces, pieceCount, type CodingPlane } from './image-codec.js';
import { streamFeatures, WRITTEN_FEATURES } from './stream-features.js';
import { highBytes, joinSamples, residualSection } from './deep-samples.js';
import { defaultThreads } from './pool.js';
import { rawBrotliQuality } from './raw-quality.js';
import { checkCompressArgs, checkDecompressArgs } from './validate.js';
import { headerChannels, planeGroups, readImageHeader, writeImageHeader, type ImageHeader } from './image-header.js';
import { checkEffort, modelForStream, modelIdBytes, MODEL_ID_BYTES, runnerFor, shippedModels, type BackendChoice } from './models.js';
import { planeModels, type ModelChoice } from './model-choice.js';

/** Options of {@link compress}. */
export interface CompressOptions extends ModelChoice {
  /**
   * Model for the planes whose channel count it matches (RGB, or gray and
   * alpha): a shipped model name (`photo`, `gray`, `zero-rgb`, `zero-gray`,
   * …), a model id (≥ 8 hex digits), a `.json` path, or a loaded Model.
   * Default: the best shipped model for each channel count. A model that
   * codes no plane of the image is E_USAGE (model-choice.ts).
   */
  model?: string | Model;
  /** Model for gray and alpha planes, whatever `model` is (default: `model` if it is gray, else the shipped gray default). */
  grayModel?: string | Model;
  /** Compute backend (default `auto`); every backend gives identical bytes. */
  backend?: BackendChoice;
  /** `auto` (default) keeps the smallest; `flow` / `brotli` / `stored` force a method where possible. */
  method?: 'auto' | 'flow' | 'brotli' | 'stored';
  /**
   * Largest image (width × height) coded as an image (default 2^26); a larger
   * one is stored as raw bytes, with a warning, never refused.
   */
  maxPixels?: number;
  /** Called as tiles complete: (done, total). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Threads that code tiles: the calling thread plus `workers − 1` pool
   * workers (worker_threads). Default min(2, available cores); 0 or 1 codes
   * in-process. The output is identical whatever the number.
   */
  workers?: number;
  /**
   * Called with a one-line message when the input starts like a PNG or PNM
   * but cannot be parsed (truncated, bad CRC, …), so it is coded as raw bytes
   * instead — e.g. `not a valid PNG (bad CRC in chunk IDAT); stored as raw bytes`.
   */
  onWarning?: (message: string) => void;
}

/** Options of {@link decompress}. */
export interface DecompressOptions {
  /** Extra models (besides the shipped ones) a stream may name. */
  models?: Model[];
  backend?: BackendChoice;
  /** Largest image (width × height) a stream may declare (default 2^28). */
  maxPixels?: number;
  /**
   * Largest output in bytes (default 2^32): the length a brotli or stored
   * stream declares, or the decoded samples (width × height × channels) of an
   * image stream; checked before anything is allocated (E_LIMIT).
   */
  maxOutputBytes?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * Threads that code tiles: the calling thread plus `workers − 1` pool
   * workers (worker_threads). Default min(2, available cores); 0 or 1 codes
   * in-process. The output is identical whatever the number.
   */
  workers?: number;
}

/** Coding threads for a `workers` option: the default when undefined, E_USAGE when not a non-negative integer. */
function threadsOf(workers: number | undefined): number {
  if (workers === undefined) return defaultThreads();
  if (!Number.isInteger(workers) || workers < 0) throw new FlowzipError('E_USAGE', `workers must be a non-negative integer, got ${workers}`);
  return Math.max(1, workers);
}

/** An 8-bit image the flow can code, with what rebuilds its file. */
interface FlowImage {
  header: ImageHeader;
  samples: Uint8Array;
}

/**
 * Largest 16-bit PNG (width × height) coded as an image: 2^24 pixels (128 MiB of 16-bit RGBA samples);
 * a larger one is raw bytes, never inflated, whatever maxPixels is (a 16-bit bomb stays cheap).
 */
export const DEEP_MAX_PIXELS = 2 ** 24;

/**
 * Recognises flow-codable images: 8-bit gray/GA/RGB/RGBA non-interlaced PNG, P5/P6 with maxval 255, and
 * (format 6 on) non-interlaced palette PNGs, whose index plane is coded, and 16-bit PNGs, whose high bytes are.
 */
function asFlowImage(input: Uint8Array, maxPixels: number, onWarning?: (message: string) => void): FlowImage | null {
  // A PNG the flow cannot code (interlaced; 16-bit or palette before format 6) is raw bytes: its image data is never inflated.
  const ihdr = peekPngHeader(input);
  const palette = ihdr?.colourType === 3 && WRITTEN_FEATURES.palettePng;
  const deep = ihdr?.bitDepth === 16 && WRITTEN_FEATURES.deepPng && ihdr.width * ihdr.height <= DEEP_MAX_PIXELS;
  if (ihdr && ((ihdr.bitDepth !== 8 && !palette && !deep) || (ihdr.colourType === 3 && !palette) || ihdr.interlaced)) return null;
  let pnm, png: PngImage | null;
  let format = 'PNM';
  try {
    pnm = parsePnm(input, { maxPixels });
    format = 'PNG';
    png = pnm ? null : parsePng(input, { maxPixels });
  } catch (e) {
    if (e instanceof FlowzipError && e.code === 'E_BAD_IMAGE') {
      // Looks like an image but is not a clean one: coded as raw bytes, and the caller is told why.
      onWarning?.(`not a valid ${format} (${e.message.replace(/^PN[GM]: /, '')}); stored as raw bytes`);
      return null;
    }
    if (e instanceof FlowzipError && e.code === 'E_LIMIT') {
      // Over the pixel limit (maybe a decompression bomb): stored, not refused, so compress accepts every file.
      onWarning?.(`image too large to code as an image (${e.message.replace(/^PN[GM]: /, '')}; raise it with --max-pixels); stored as raw bytes`);
      return null;
    }
    throw e;
  }
  if (pnm) {
    const r = pnm.raster;
    if (pnm.maxval !== 255 || r.bitDepth !== 8 || (r.channels !== 1 && r.channels !== 3)) return null;
    const canonical = Buffer.from(canonicalPnmHeader(r, 255)).equals(Buffer.from(pnm.header));
    return { header: { kind: 'pnm', width: r.width, height: r.height, channels: r.channels, verbatim: canonical ? null : pnm.header, modelIds: [] }, samples: r.samples as Uint8Array };
  }
  if (png) {
    const r = png.raster;
    if (png.colourType === 3 && png.palette && !png.interlaced && WRITTEN_FEATURES.palettePng) {
      // The index plane, coded like a gray image (on eval-S, 10–30 % smaller than the colours it stands for).
      const header = { kind: 'palette' as const, width: r.width, height: r.height, bitDepth: png.pngBitDepth as 1 | 2 | 4 | 8, plte: png.palette, chunks: png.ancillary, modelIds: [] };
      return { header, samples: r.samples as Uint8Array };
    }
    if (png.pngBitDepth === 16 && deep && !png.interlaced && !png.palette) {
      // High bytes coded as an 8-bit image, low-byte residuals in the header (deep-samples.ts).
      const deepSamples = r.samples as Uint16Array;
      const colourType = png.colourType as 0 | 2 | 4 | 6;
      return {
        header: { kind: 'png16', width: r.width, height: r.height, colourType, chunks: png.ancillary, residuals: residualSection(deepSamples, r.channels), modelIds: [] },
        samples: highBytes(deepSamples),
      };
    }
    if (png.interlaced || png.pngBitDepth !== 8 || png.colourType === 3 || png.palette) return null;
    return { header: { kind: 'png', width: r.width, height: r.height, colourType: png.colourType as 0 | 2 | 4 | 6, chunks: png.ancillary, modelIds: [] }, samples: r.samples as Uint8Array };
  }
  return null;
}

/** Rebuilds the file bytes of a decoded image. */
function imageFile(h: ImageHeader, samples: Uint8Array): Uint8Array {
  const channels = headerChannels(h);
  const raster = { width: h.width, height: h.height, channels, bitDepth: 8 as const, samples };
  if (h.kind === 'pnm') return writePnm(h.verbatim ?? canonicalPnmHeader(raster, 255), raster);
  if (h.kind === 'palette') {
    // Indices past the palette's end would make an invalid PNG: only a corrupt stream decodes to them.
    const entries = h.plte.length / 3;
    if (samples.some((k) => k >= entries || k >> h.bitDepth !== 0)) throw new FlowzipError('E_CORRUPT', 'stream is corrupt (palette index out of range)');
    return writePng({ raster, colourType: 3, pngBitDepth: h.bitDepth, interlaced: false, palette: h.plte, ancillary: h.chunks });
  }
  if (h.kind === 'png16') {
    const deep = { ...raster, bitDepth: 16 as const, samples: joinSamples(samples, h.residuals, channels) };
    return writePng({ raster: deep, colourType: h.colourType, pngBitDepth: 16, interlaced: false, ancillary: h.chunks });
  }
  return writePng({ raster, colourType: h.colourType, pngBitDepth: 8, interlaced: false, ancillary: h.chunks });
}

async function codingPlanes(channels: 1 | 2 | 3 | 4, models: Model[], backend: BackendChoice | undefined): Promise<CodingPlane[]> {
  return Promise.all(planeGroups(channels).map(async (g, i) => ({ ...g, model: models[i], runner: await runnerFor(models[i], backend) })));
}

/** The `brotli` method's body for a whole file at `quality` (raw-quality.ts picks it). */
function brotliFile(input: Uint8Array, quality: number): Uint8Array {
  const params = { [zc.BROTLI_PARAM_QUALITY]: quality, [zc.BROTLI_PARAM_SIZE_HINT]: input.length };
  return new ByteWriter().varint(input.length).bytes(brotliCompressSync(input, { params })).finish();
}

/**
 * Brotli quality cap for the whole-file candidate of a PNG whose flow did
 * poorly: its IDAT is already deflated, so quality 11 spent seconds for
 * nothing on eval-A (4,382,605 vs 4,382,560 input bytes, the same at
 * quality 5, 3.1 s vs 21 ms); quality 5 still packs a stored-deflate PNG.
 */
const PNG_BROTLI_QUALITY = 5;

/** Images of at most this many pixels try every shipped model that fits (the smallest stream wins) when no model, gray model or effort is given. */
export const AUTO_MODEL_PIXELS = 1 << 14;

/**
 * The model sets `compress` codes an image with: the one planeModels gives,
 * and for a small image (≤ AUTO_MODEL_PIXELS) with no model, gray model or
 * effort asked for, also each other shipped model for its main plane group
 * (colour, or gray), in name order. The stream names the models that won.
 */
function modelSets(channels: 1 | 2 | 3 | 4, pixels: number, options: CompressOptions): Model[][] {
  const first = planeModels(channels, options);
  if (pixels > AUTO_MODEL_PIXELS || options.model !== undefined || options.grayModel !== undefined || options.effort !== undefined) return [first];
  const main = planeGroups(channels)[0].count;
  const others = shippedModels()
    .filter((m) => m.flow.channels === main && m !== first[0])
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return [first, ...others.map((m) => planeModels(channels, { model: m }))];
}

/**
 * Compresses any bytes to a .fz stream. Never larger than the input plus a
 * few bytes. Throws FlowzipError (E_USAGE for bad options, E_UNKNOWN_MODEL,
 * E_BAD_MODEL, E_BACKEND, E_LIMIT).
 */
export async function compress(input: Uint8Array, options: CompressOptions = {}): Promise<Uint8Array> {
  checkCompressArgs(input, options);
  const method = options.method ?? 'auto';
  if (!['auto', 'flow', 'brotli', 'stored'].includes(method)) throw new FlowzipError('E_USAGE', `unknown method "${method}"`);
  if (options.effort !== undefined) checkEffort(options.effort);
  const candidates: Uint8Array[] = [];
  const img = method === 'auto' || method === 'flow' ? asFlowImage(input, options.maxPixels ?? DEFAULT_COMPRESS_MAX_PIXELS, options.onWarning) : null;
  if (img) {
    const channels = headerChannels(img.header);
    const shape = { width: img.header.width, height: img.header.height, channels };
    const sets = modelSets(channels, shape.width * shape.height, options);
    const coded: Array<{ models: Model[]; planes: CodingPlane[] }> = [];
    for (const models of sets) coded.push({ models, planes: await codingPlanes(channels, models, options.backend) });
    const total = coded.reduce((n, c) => n + pieceCount(shape, c.planes), 0);
    let done = 0;
    let smallest: Uint8Array | null = null;
    for (const { models, planes } of coded) {
      const header: ImageHeader = { ...img.header, modelIds: models.map(modelIdBytes) };
      const w = new ByteWriter();
      writeImageHeader(header, w);
      const headerBytes = w.finish();
      await encodeImagePieces(img.samples, shape, planes, w, () => options.onProgress?.(++done, total), threadsOf(options.workers));
      const stream = frame(Method.Image, w.finish(), crcOf(headerBytes, img.samples));
      if (!smallest || stream.length < smallest.length) smallest = stream; // ties keep the earlier (the default)
    }
    candidates.push(smallest!);
    if (method === 'flow') return candidates[0];
  }
  const crc = crcOf(input);
  if (method === 'stored') return frame(Method.Stored, input, crc);
  // Candidates in order image, stored, brotli; the smallest wins, the earlier on a tie. The stored one
  // is framed only if it wins (its size is known, so a large input is not copied for nothing).
  const image = candidates[0] ?? null;
  const storedSize = input.length + FRAME_BYTES;
  const withStored = method === 'auto' || (method === 'flow' && !img);
  // Brotli when asked, when the flow did not apply, or when the flow did poorly: over 4 bits per
  // sample (synthetic images, where a dictionary coder can win); a PNG's candidate is capped at
  // PNG_BROTLI_QUALITY, so noisy photos pay milliseconds for it.
  const poorFlow = img !== null && image !== null && Math.min(image.length, withStored ? storedSize : Infinity) > img.samples.length / 2;
  const cap = method !== 'brotli' && img && img.header.kind !== 'pnm' ? PNG_BROTLI_QUALITY : undefined;
  let brotli: Uint8Array | null = null;
  if (method === 'brotli' || !img || poorFlow) {
    // Quality by size; none at all when samples show the data is incompressible (stored: the fast path).
    const quality = rawBrotliQuality(input, cap, method !== 'brotli');
    if (quality !== null) brotli = frame(Method.Brotli, brotliFile(input, quality), crc);
  }
  if (method === 'brotli') return brotli!; // a forced brotli always has a quality
  let bestSize = image ? image.length : Infinity;
  let best: Uint8Array | 'stored' | null = image;
  if (withStored && storedSize < bestSize) [best, bestSize] = ['stored', storedSize];
  if (brotli && brotli.length < bestSize) best = brotli;
  return best === 'stored' || best === null ? frame(Method.Stored, input, crc) : best;
}

/** Default of {@link DecompressOptions.maxOutputBytes}. */
export const DEFAULT_MAX_OUTPUT_BYTES = 2 ** 32;

/** E_LIMIT when a stream declares more output than `maxOutputBytes`. */
function checkOutputLimit(bytes: number, options: DecompressOptions): void {
  const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  if (bytes > limit) throw new FlowzipError('E_LIMIT', `stream declares ${bytes} bytes of output, over the limit of ${limit} (raise it with maxOutputBytes / --max-output)`);
}

/**
 * Decompresses a .fz stream to the original bytes (PNG: same pixels, colour
 * type, bit depth and ancillary chunks). Verifies the checksum. Throws
 * FlowzipError: E_CORRUPT, E_TRUNCATED, E_CHECKSUM, E_VERSION,
 * E_UNKNOWN_MODEL, E_LIMIT, E_BACKEND.
 */
export async function decompress(input: Uint8Array, options: DecompressOptions = {}): Promise<Uint8Array> {
  checkDecompressArgs(input, options);
  // A plain Uint8Array view of the caller's bytes (no copy): on a Node Buffer, `.slice()` is a view,
  // not a copy, and a copy that is really a view of the whole input would be aliased or, when
  // transferred to a worker, would detach the input under the pieces not yet decoded.
  input = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const { method, version, body, crc } = unframe(input);
  // Each method yields the checksummed bytes and how to build the output from them; the CRC is checked once, before the output is built.
  let check: number;
  let build: () => Uint8Array;
  if (method === Method.Stored) {
    checkOutputLimit(body.length, options);
    const out = body.slice();
    check = crcOf(out);
    build = () => out;
  } else if (method === Method.Brotli) {
    const r = new ByteReader(body);
    const n = r.varint();
    checkOutputLimit(n, options);
    // Exactly n bytes from a brotli stream that ends where the body ends (a bomb stops at n).
    const decoded = brotliDecodeExact(r.bytes(r.remaining), n);
    if (!decoded) throw new FlowzipError('E_CORRUPT', 'stream is corrupt (brotli data)');
    check = crcOf(decoded);
    build = () => decoded;
  } else if (method === Method.Chunked) {
    const chunked = decodeChunked(body, (n) => checkOutputLimit(n, options));
    check = chunked.crc;
    build = () => chunked.out;
  } else {
    const r = new ByteReader(body);
    const header = readImageHeader(r, MODEL_ID_BYTES, options.maxPixels ?? DEFAULT_MAX_PIXELS, streamFeatures(version));
    const headerBytes = body.subarray(0, r.pos);
    const channels = headerChannels(header);
    checkOutputLimit(header.width * header.height * channels, options);
    const models = header.modelIds.map((id) => modelForStream(id, options.models));
    const planes = await codingPlanes(channels, models, options.backend);
    const shape = { width: header.width, height: header.height, channels };
    const total = pieceCount(shape, planes);
    let done = 0;
    const samples = await decodeImagePieces(r, shape, planes, streamFeatures(version), () => options.onProgress?.(++done, total), threadsOf(options.workers));
    check = crcOf(headerBytes, samples);
    build = () => imageFile(header, samples);
  }
  if (check !== crc) throw new FlowzipError('E_CHECKSUM', 'checksum mismatch: the stream is corrupt');
  return build();
}
