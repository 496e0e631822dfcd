/**
 * The public API: `compress(bytes) → .fz bytes` and `decompress(.fz) → bytes`.
 * Any input is accepted: gray/RGB(A) PNG (8-bit, and from format 6 16-bit
 * and palette PNGs) and PGM/PPM go through the flow; everything else
 * (interlaced PNG, non-images) through brotli or stored — whichever is smallest, so output ≤ input + FRAME_BYTES
 * (+ a few bytes of length field for brotli).
 */
import { brotliCompressSync, crc32, constants as zc } from '../platform/zlib.js';
import type { Model } from '../flows/model.js';
import { ByteReader, ByteWriter, concatBytes } from './bytes.js';
import { decodeByteMethod } from './byte-methods.js';
import { checksumMatches, crcOf, FRAME_BYTES, frameParts, frameSmallParts, Method, partsLength, unframe } from './container.js';
import { compactSmallParts } from './small-stream.js';
import { FlowzipError } from './errors.js';
import { DEFAULT_COMPRESS_MAX_PIXELS, DEFAULT_MAX_PIXELS } from './formats/image.js';
import { parsePng, peekPngHeader, readPngLayout } from './formats/png.js';
import { canonicalPnmHeader, parsePnm } from './formats/pnm.js';
import { DEFAULT_BANDING, decodeImagePieces, encodeImagePieces, pieceCount, poorBitsPerSample, TILE_SIZE, type Banding, type CodingPlane } from './image-codec.js';
import { forEachBand, surveyImage, type ImageSurvey } from './image-survey.js';
import { HOLD_BYTES, memorySource, pngSource, type SampleSource } from './sample-source.js';
import { PngStreamWriter } from './formats/png-stream-writer.js';
import { streamFeatures, WRITTEN_FEATURES } from './stream-features.js';
import { highBytes, joinSamples, residualSection } from './deep-samples.js';
import { imageFileBytes } from './image-file.js';
import { defaultThreads, warmPool } from './pool.js';
import { rawBrotliQuality } from './raw-quality.js';
import { checkCompressArgs, checkDecompressArgs } from './validate.js';
import { headerChannels, planeGroups, readImageHeader, writeImageHeader, type ImageHeader } from './image-header.js';
import { checkEffort, modelForStream, modelIdBytes, MODEL_ID_BYTES, runnerFor, shippedCandidates, type BackendChoice } from './models.js';
import { planeModels, type ModelChoice } from './model-choice.js';
import { estimateImageBytes, repeatedPerMille, storeEarly } from './store-estimate.js';

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
  /** Its samples, held or read band by band (sample-source.ts). */
  source: SampleSource;
  /** The first pass over a source not held whole (image-survey.ts); null when held. */
  survey: ImageSurvey | null;
}

/**
 * Largest 16-bit PNG (width × height) coded as an image: 2^24 pixels (128 MiB of 16-bit RGBA samples);
 * a larger one is raw bytes, never inflated, whatever maxPixels is (a 16-bit bomb stays cheap).
 */
export const DEEP_MAX_PIXELS = 2 ** 24;

/**
 * Recognises flow-codable images: 8-bit gray/GA/RGB/RGBA non-interlaced
 * PNG, P5/P6 with maxval 255, and (format 6 on) non-interlaced palette PNGs,
 * whose index plane is coded, and 16-bit PNGs, whose high bytes are. An
 * 8-bit PNG's samples are held when they take at most `holdBytes`
 * (sample-source.ts), else surveyed in a first pass here; palette and
 * 16-bit PNGs are held whole. Bad image data found either way makes it raw
 * bytes, with a warning.
 */
async function asFlowImage(input: Uint8Array, maxPixels: number, holdBytes: number, onWarning?: (message: string) => void): Promise<FlowImage | null> {
  // A PNG the flow cannot code (interlaced; 16-bit or palette before format 6) is raw bytes: its image data is never inflated.
  const ihdr = peekPngHeader(input);
  const palette = ihdr?.colourType === 3 && WRITTEN_FEATURES.palettePng;
  const deep = ihdr?.bitDepth === 16 && WRITTEN_FEATURES.deepPng && ihdr.width * ihdr.height <= DEEP_MAX_PIXELS;
  if (ihdr && ((ihdr.bitDepth !== 8 && !palette && !deep) || (ihdr.colourType === 3 && !palette) || ihdr.interlaced)) return null;
  let format = 'PNM';
  try {
    const pnm = parsePnm(input, { maxPixels });
    if (pnm) {
      const r = pnm.raster;
      if (pnm.maxval !== 255 || r.bitDepth !== 8 || (r.channels !== 1 && r.channels !== 3)) return null;
      const canonical = Buffer.from(canonicalPnmHeader(r, 255)).equals(Buffer.from(pnm.header));
      const header: ImageHeader = { kind: 'pnm', width: r.width, height: r.height, channels: r.channels, verbatim: canonical ? null : pnm.header, modelIds: [] };
      return { header, source: memorySource(r.samples as Uint8Array, r.width, r.height, r.channels), survey: null };
    }
    format = 'PNG';
    if (palette || deep) return wholePngImage(input, maxPixels);
    const png = readPngLayout(input, { maxPixels });
    if (!png) return null;
    const h = png.header;
    if (h.interlaced || h.bitDepth !== 8 || h.colourType === 3) return null;
    const source = await pngSource(png, holdBytes);
    if (png.palette) {
      // Not coded as an image; its image data is still checked, as parsing it always did (a bad one is warned about).
      if (!source.whole) await forEachBand(source, TILE_SIZE, () => undefined);
      return null;
    }
    const header: ImageHeader = { kind: 'png', width: h.width, height: h.height, colourType: h.colourType as 0 | 2 | 4 | 6, chunks: png.ancillary, modelIds: [] };
    return { header, source, survey: source.whole ? null : await surveyImage(source, TILE_SIZE) };
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
}

/** Where an image's decoded bands go: its file, built band by band (a PNG deflated as it comes). */
interface ImageFileWriter {
  write(rows: Uint8Array): void;
  /** Resolves once the rows written so far are taken in (a deflate stream). */
  settled(): Promise<void>;
  /** The file, as parts one after the other. */
  finish(): Promise<Uint8Array[]>;
  abort(): void;
}

/** The writer of the file an image stream decodes to. */
function imageFileWriter(h: ImageHeader): ImageFileWriter {
  if (h.kind === 'png') return new PngStreamWriter({ width: h.width, height: h.height, colourType: h.colourType, ancillary: h.chunks });
  if (h.kind === 'palette' || h.kind === 'png16') return wholePngWriter(h);
  const head = h.verbatim ?? canonicalPnmHeader({ width: h.width, height: h.height, channels: h.channels, bitDepth: 8, samples: new Uint8Array(0) }, 255);
  const out = new Uint8Array(head.length + h.width * h.height * h.channels);
  out.set(head);
  let at = head.length;
  return {
    write: (rows) => {
      out.set(rows, at);
      at += rows.length;
    },
    settled: async () => undefined,
    finish: async () => [out],
    abort: () => undefined,
  };
}

/** A palette or 16-bit PNG (format 6), parsed and held whole: its index plane, or its high bytes with the low-byte residuals in the header (deep-samples.ts). */
function wholePngImage(input: Uint8Array, maxPixels: number): FlowImage | null {
  const png = parsePng(input, { maxPixels });
  if (!png || png.interlaced) return null;
  const r = png.raster;
  if (png.colourType === 3 && png.palette) {
    // The index plane, coded like a gray image (on eval-S, 10–30 % smaller than the colours it stands for).
    const header: ImageHeader = { kind: 'palette', width: r.width, height: r.height, bitDepth: png.pngBitDepth as 1 | 2 | 4 | 8, plte: png.palette, chunks: png.ancillary, modelIds: [] };
    return { header, source: memorySource(r.samples as Uint8Array, r.width, r.height, 1), survey: null };
  }
  if (png.pngBitDepth === 16 && !png.palette) {
    const deepSamples = r.samples as Uint16Array;
    const header: ImageHeader = {
      kind: 'png16',
      width: r.width,
      height: r.height,
      colourType: png.colourType as 0 | 2 | 4 | 6,
      chunks: png.ancillary,
      residuals: residualSection(deepSamples, r.channels, r.width),
      modelIds: [],
    };
    return { header, source: memorySource(highBytes(deepSamples), r.width, r.height, r.channels), survey: null };
  }
  return null;
}

/** The writer of a palette or 16-bit PNG: its rows are collected, and the file is written whole at the end. */
function wholePngWriter(h: Extract<ImageHeader, { kind: 'palette' | 'png16' }>): ImageFileWriter {
  const channels = headerChannels(h);
  const samples = new Uint8Array(h.width * h.height * channels);
  let at = 0;
  return {
    write: (rows) => {
      samples.set(rows, at);
      at += rows.length;
    },
    settled: async () => undefined,
    finish: async () => [imageFileBytes(h, h.kind === 'png16' ? joinSamples(samples, h.residuals, channels, h.width) : samples)],
    abort: () => undefined,
  };
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

/** Images of at most this many pixels try other shipped models too (the smallest stream wins; modelSets says which) when no model, gray model or effort is given. */
export const AUTO_MODEL_PIXELS = 1 << 14;

/**
 * In the automatic choice, a count-context model's stream (flows/count-context.ts)
 * of at most this many bits per sample is kept without trying the other
 * models: the count model is cheap and learned for such images (Fashion-MNIST:
 * 3.45 bits per pixel per file on average; all of the first 1,000 test images
 * under 7, 4 of them over 6), while trying every other shipped model costs
 * a hundred times more (a tenth of a second a file: for those 4 files, as
 * long as the other 996 together). Over it (near-incompressible for the
 * count model, e.g. noise) every shipped model is tried.
 */
export const COUNT_MODEL_GOOD_BITS = 7;

/** A set of models (one per plane group) `compress` may code an image with, loaded only when tried. */
interface ModelSet {
  /** Its main model is a count-context model (cheap: tried first). */
  counts: boolean;
  load: () => Model[];
}

/**
 * Repeated pixels (store-estimate.ts repeatedPerMille) from which an image
 * with no model, gray model or effort asked for is coded by the strong causal
 * models (effort STRONG_EFFORT) rather than the defaults: there most pixels
 * are copies (copy tiles), so the strong models' slower recursive-least-squares
 * stack runs on few pixels, and it adapts better to the changing statistics
 * of drawn content (eval-S, the ten images over it: 0.6 % smaller together).
 * Photos stay well under it (≤ 450 on the corpus), and so keep the default
 * models' speed.
 */
export const REPETITIVE_PER_MILLE = 500;

/** The effort whose models code a repetitive image (model-choice.ts: 7–9 the strong causal models). */
const STRONG_EFFORT = 7;

/**
 * The model sets `compress` codes an image with: the one planeModels gives
 * (with the strong models for a `repetitive` image when nothing is asked
 * for), and for a small image (≤ AUTO_MODEL_PIXELS) with no model, gray
 * model or effort asked for, also each other shipped model for its main
 * plane group, in name order: every other gray model for a gray image, every
 * other causal model for a colour one (see below). The stream names the models
 * that won. Only the first set is loaded here; the others are parsed when
 * tried (a batch of small files that the count model codes well never parses
 * the large learned models).
 */
function modelSets(channels: 1 | 2 | 3 | 4, pixels: number, options: CompressOptions, repetitive = false): ModelSet[] {
  const chosen = options.model === undefined && options.grayModel === undefined && options.effort === undefined;
  const first = planeModels(channels, chosen && repetitive ? { ...options, effort: STRONG_EFFORT } : options);
  const firstSet: ModelSet = { counts: !!first[0].counts, load: () => first };
  if (pixels > AUTO_MODEL_PIXELS || !chosen) return [firstSet];
  const main = planeGroups(channels)[0].count;
  // A colour image tries the other causal models only. On the training pool's small colour images (its
  // 13 tiny 64×64 camera photos, 64×64 and 128×128 crops of its RGB art, 40 crops of the decision set's
  // photo) the learned `photo` model and model zero never coded one smallest (the best of the three causal
  // models was the best of all five on every set), while trying them loads tfjs and runs dense nets, about
  // a second a file. A gray image tries every gray model: the learned `gray` one wins many gray photo crops.
  const others = shippedCandidates()
    .filter((m) => m.channels === main && m.id !== first[0].id && (main !== 3 || m.causal))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return [firstSet, ...others.map((m) => ({ counts: m.counts, load: () => planeModels(channels, { model: m.load() }) }))];
}

/**
 * The order `compress` tries model sets in: those whose main model is a
 * count-context model first (cheap), then the rest; and how many of the
 * first it may stop after (see COUNT_MODEL_GOOD_BITS).
 */
function tryOrder(sets: ModelSet[]): { order: number[]; quick: number } {
  const quick = sets.flatMap((s, i) => (s.counts && sets.length > 1 ? [i] : []));
  return { order: [...quick, ...sets.flatMap((s, i) => (quick.includes(i) ? [] : [i]))], quick: quick.length };
}

/**
 * The early store decision (store-estimate.ts): whether the image's estimated
 * coded size (with a 16-bit image's residual section) says the coder will not
 * beat storing the `inputBytes` of its file.
 */
function looksUncodable(img: FlowImage, inputBytes: number): boolean {
  const { source, header } = img;
  let estimate = estimateImageBytes(source.width, source.height, source.channels, sampledRow(img));
  let raw = source.width * source.height * source.channels;
  if (header.kind === 'png16') {
    estimate += header.residuals.length;
    raw *= 2;
  }
  return storeEarly(estimate, inputBytes, raw);
}

/** Row y of an image's samples as the sample statistics read it (store-estimate.ts estimateRows and the rows above): from the samples when held, else from the survey. */
function sampledRow(img: FlowImage): (y: number) => Uint8Array {
  const { source, survey } = img;
  const rowLength = source.width * source.channels;
  const whole = source.whole;
  return whole ? (y) => whole.subarray(y * rowLength, (y + 1) * rowLength) : (y) => survey!.estimateRows.get(y)!;
}

/** Repeated pixels of an image per mille (store-estimate.ts repeatedPerMille). */
function sampledRepeats(img: FlowImage): number {
  return repeatedPerMille(img.source.width, img.source.height, img.source.channels, sampledRow(img));
}

/**
 * Compresses any bytes to a .fz stream. Never larger than the input plus a
 * few bytes. Throws FlowzipError (E_USAGE for bad options, E_UNKNOWN_MODEL,
 * E_BAD_MODEL, E_BACKEND, E_LIMIT).
 */
export async function compress(input: Uint8Array, options: CompressOptions = {}): Promise<Uint8Array> {
  return concatBytes(await compressParts(input, options, DEFAULT_IMAGE_BANDING));
}

/** How compress and decompress cut an image (none of it changes the bytes): bands of tile rows, and the largest PNG held whole while coding. */
export interface ImageBanding extends Banding {
  /** Samples of a PNG held whole at most (sample-source.ts HOLD_BYTES). */
  holdBytes: number;
}

/** The banding of {@link compress} and {@link decompress}. */
export const DEFAULT_IMAGE_BANDING: ImageBanding = { ...DEFAULT_BANDING, holdBytes: HOLD_BYTES };

/** {@link compress} with a given banding (tests: the bytes are the same whatever it is). */
export async function compressWith(input: Uint8Array, options: CompressOptions, banding: ImageBanding): Promise<Uint8Array> {
  return concatBytes(await compressParts(input, options, banding));
}

/**
 * {@link compress}'s stream as parts, one after the other (nothing copied
 * into one array: the CLI writes them as they are, so a large stream is not
 * held twice). A stored stream's body is `input` itself.
 */
export async function compressParts(input: Uint8Array, options: CompressOptions, banding: ImageBanding = DEFAULT_IMAGE_BANDING): Promise<Uint8Array[]> {
  checkCompressArgs(input, options);
  const method = options.method ?? 'auto';
  if (!['auto', 'flow', 'brotli', 'stored'].includes(method)) throw new FlowzipError('E_USAGE', `unknown method "${method}"`);
  if (options.effort !== undefined) checkEffort(options.effort);
  const candidates: Uint8Array[][] = [];
  // Bits per sample over which the image stream is poor (the whole-file brotli is then tried): the winning model's.
  let poorBits = 4;
  // A PNG of more than one tile will code on the pool: start its workers while the image is read.
  const ihdr = method === 'auto' || method === 'flow' ? peekPngHeader(input) : null;
  if (ihdr && ihdr.width * ihdr.height > TILE_SIZE * TILE_SIZE) warmPool(threadsOf(options.workers));
  const img = method === 'auto' || method === 'flow' ? await asFlowImage(input, options.maxPixels ?? DEFAULT_COMPRESS_MAX_PIXELS, banding.holdBytes, options.onWarning) : null;
  const imageSamples = img ? img.source.width * img.source.height * img.source.channels : 0;
  // An image that looks like noise is stored (or brotli'd) without coding a tile (store-estimate.ts).
  const early = img !== null && method === 'auto' && looksUncodable(img, input.length);
  if (img && !early) {
    const channels = headerChannels(img.header);
    const shape = { width: img.header.width, height: img.header.height, channels };
    const sets = modelSets(channels, shape.width * shape.height, options, sampledRepeats(img) >= REPETITIVE_PER_MILLE);
    // Progress counts the first set's pieces for every set (the others are not parsed yet; a small image is one tile whatever the model).
    const total =
      sets.length *
      pieceCount(
        shape,
        sets[0].load().map((model) => ({ model })),
      );
    let done = 0;
    const streams: Array<Uint8Array[] | null> = sets.map(() => null);
    const tried: Model[][] = [];
    const { order, quick } = tryOrder(sets);
    for (const [k, i] of order.entries()) {
      // Models are parsed (and their canaries run) only when tried.
      const models = (tried[i] = sets[i].load());
      const planes = await codingPlanes(channels, models, options.backend);
      const header: ImageHeader = { ...img.header, modelIds: models.map(modelIdBytes) };
      const w = new ByteWriter();
      writeImageHeader(header, w);
      const headerBytes = w.finish();
      const { body, crc } = await encodeImagePieces(
        img.source,
        img.survey,
        planes,
        crcOf(headerBytes),
        () => options.onProgress?.((done = Math.min(done + 1, total)), total),
        threadsOf(options.workers),
        banding,
      );
      // Format 7: a small image's stream in the compact form when it has one (small-stream.ts), else the image method's.
      const compact = WRITTEN_FEATURES.smallStreams ? compactSmallParts(header, body, models, pieceCount(shape, planes)) : null;
      streams[i] = compact ? frameSmallParts(compact, crc) : frameParts(Method.Image, [headerBytes, ...body], crc);
      if (k === quick - 1 && Math.min(...streams.map((b) => (b ? partsLength(b) : Infinity))) * 8 <= COUNT_MODEL_GOOD_BITS * imageSamples) break;
    }
    if (done < total) options.onProgress?.(total, total);
    // The smallest wins; ties keep the earlier set (the default first).
    let smallest: Uint8Array[] | null = null;
    for (const [i, b] of streams.entries()) {
      if (b && (!smallest || partsLength(b) < partsLength(smallest))) [smallest, poorBits] = [b, poorBitsPerSample(tried[i][0])];
    }
    candidates.push(smallest!);
    if (method === 'flow') return candidates[0];
  }
  const crc = crcOf(input);
  if (method === 'stored') return frameParts(Method.Stored, [input], crc);
  // Candidates in order image, stored, brotli; the smallest wins, the earlier on a tie. The stored one
  // is framed only if it wins (its size is known); its body is the input itself, never copied.
  const image = candidates[0] ?? null;
  const imageSize = image ? partsLength(image) : Infinity;
  const storedSize = input.length + FRAME_BYTES;
  const withStored = method === 'auto' || (method === 'flow' && !img);
  // Brotli when asked, when the flow did not apply, or when the flow did poorly: over 4 bits per
  // sample (synthetic images, where a dictionary coder can win; 6 for a count-context model,
  // image-codec.ts poorBitsPerSample); a PNG's candidate is capped at PNG_BROTLI_QUALITY, so noisy
  // photos pay milliseconds for it.
  const poorFlow = early || (img !== null && image !== null && Math.min(imageSize, withStored ? storedSize : Infinity) * 8 > imageSamples * poorBits);
  const cap = method !== 'brotli' && img && img.header.kind !== 'pnm' ? PNG_BROTLI_QUALITY : undefined;
  let brotli: Uint8Array[] | null = null;
  if (method === 'brotli' || !img || poorFlow) {
    // Quality by size; none at all when samples show the data is incompressible (stored: the fast path).
    const quality = rawBrotliQuality(input, cap, method !== 'brotli');
    if (quality !== null) brotli = frameParts(Method.Brotli, [brotliFile(input, quality)], crc);
  }
  if (method === 'brotli') return brotli!; // a forced brotli always has a quality
  let bestSize = imageSize;
  let best: Uint8Array[] | 'stored' | null = image;
  if (withStored && storedSize < bestSize) [best, bestSize] = ['stored', storedSize];
  if (brotli && partsLength(brotli) < bestSize) best = brotli;
  return best === 'stored' || best === null ? frameParts(Method.Stored, [input], crc) : best;
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
  return concatBytes(await decompressParts(input, options, DEFAULT_BANDING));
}

/** {@link decompress} with a given banding (tests: the output is the same whatever it is). */
export async function decompressWith(input: Uint8Array, options: DecompressOptions, banding: Banding): Promise<Uint8Array> {
  return concatBytes(await decompressParts(input, options, banding));
}

/**
 * {@link decompress}'s output as parts, one after the other (a PNG's chunks
 * not copied into one array: the CLI writes them as they are). Checked
 * against the stream's CRC like decompress.
 */
export async function decompressParts(input: Uint8Array, options: DecompressOptions, banding: Banding = DEFAULT_BANDING): Promise<Uint8Array[]> {
  checkDecompressArgs(input, options);
  // A plain Uint8Array view of the caller's bytes (no copy): on a Node Buffer, `.slice()` is a view,
  // not a copy, and a copy that is really a view of the whole input would be aliased or, when
  // transferred to a worker, would detach the input under the pieces not yet decoded.
  input = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const framed = unframe(input);
  const { method, version, body } = framed;
  // Each method yields the checksummed bytes and how to build the output from them; the CRC is checked once, before the output is built.
  let check: number;
  let build: () => Uint8Array[] | Promise<Uint8Array[]>;
  let abort = () => undefined as void;
  if (method !== Method.Image) {
    const { out, crc: c } = decodeByteMethod(method, body, (n) => checkOutputLimit(n, options));
    check = c;
    build = () => [out];
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
    // The file is built band by band as the pieces are decoded; it is returned only once the CRC matched.
    const file = imageFileWriter(header);
    abort = () => file.abort();
    let crc = crcOf(headerBytes);
    try {
      await decodeImagePieces(
        r,
        shape,
        planes,
        streamFeatures(version),
        (rows) => {
          crc = crc32(rows, crc);
          file.write(rows);
        },
        () => options.onProgress?.((done = Math.min(done + 1, total)), total),
        threadsOf(options.workers),
        banding,
        () => file.settled(),
      );
    } catch (e) {
      abort();
      throw e;
    }
    check = crc >>> 0;
    build = () => file.finish();
  }
  if (!checksumMatches(check, framed)) {
    abort();
    throw new FlowzipError('E_CHECKSUM', 'checksum mismatch: the stream is corrupt');
  }
  return build();
}
