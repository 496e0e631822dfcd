/**
 * Decoding a .fz stream to what it holds: an image's samples with its
 * header, or the original bytes of a non-image stream. This is the decoder
 * of the `flowzip/decode` entry point (index.ts), the same on Node and in a
 * browser bundle: every module on its path takes platform primitives from
 * src/platform/ (and pool / runner / model files from their `.browser.ts`
 * siblings in the bundle), so the samples are the ones `decompress` decodes.
 */
import { decodeByteMethod } from '../codec/byte-methods.js';
import { joinSamples } from '../codec/deep-samples.js';
import { ByteReader } from '../codec/bytes.js';
import { checksumMatches, crcOf, METHOD_NAMES, Method, unframe } from '../codec/container.js';
import { FlowzipError } from '../codec/errors.js';
import { DEFAULT_MAX_PIXELS } from '../codec/formats/image.js';
import { decodeImagePieces, pieceCount } from '../codec/image-codec.js';
import { headerChannels, planeGroups, readImageHeader, type ImageHeader } from '../codec/image-header.js';
import { MODEL_ID_BYTES, modelForStream, runnerFor, type BackendChoice } from '../codec/models.js';
import { defaultThreads } from '../codec/pool.js';
import { streamFeatures } from '../codec/stream-features.js';
import { checkDecompressArgs } from '../codec/validate.js';
import type { Model } from '../flows/model.js';
import { toHex } from '../platform/encoding.js';
import { prepareCausalWasm } from '../codec/causal-tile-wasm.js';

/** Options of the decode entry point's functions. */
export interface DecodeOptions {
  /** Models a stream may name besides the shipped ones (in a browser there are no shipped ones: pass them, or `loadModel`). */
  models?: Model[];
  /**
   * Called for a model id prefix (8 hex digits) that neither `models` nor the
   * shipped models hold; resolves to the model, or null when there is none
   * (then E_UNKNOWN_MODEL). `modelsFromUrl` (models-fetch.ts) makes one.
   */
  loadModel?: (idPrefix: string) => Promise<Model | null>;
  /** Compute backend for flow models (default `auto`; in a browser only `reference` runs). */
  backend?: BackendChoice;
  /** Largest image (width × height) a stream may declare (default 2^28). */
  maxPixels?: number;
  /** Largest output in bytes (default 2^32), checked before anything is allocated (E_LIMIT). */
  maxOutputBytes?: number;
  /** Called as pieces complete: (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Coding threads (Node only: the calling thread plus workers − 1; a browser bundle codes on the calling thread). */
  workers?: number;
}

/** A decoded image: interleaved 8-bit samples, row by row. */
export interface DecodedImage {
  width: number;
  height: number;
  /** 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
  /** Bits per sample: 16 for a 16-bit PNG (format 6), else 8. */
  bitDepth: 8 | 16;
  /** width × height × channels samples; for a palette PNG (format 6, channels 1) the palette indices (the colours are in `header.plte`). */
  samples: Uint8Array | Uint16Array;
  /** The file the image came from: an 8-bit PNG, a PNM, a palette PNG or a 16-bit PNG. */
  format: 'png' | 'pnm' | 'palette' | 'png16';
  /** The models that coded it, per plane group (colour or gray, then alpha). */
  models: Array<{ id: string; name: string }>;
  /** The image header (what rebuilds the original file around the samples). */
  header: ImageHeader;
}

/** What a stream holds: an image, or the original bytes of anything else (methods stored, brotli, chunked). */
export type DecodedStream = { kind: 'image'; formatVersion: number; image: DecodedImage } | { kind: 'bytes'; formatVersion: number; method: (typeof METHOD_NAMES)[number]; bytes: Uint8Array };

/** The model a stream names by id prefix: from `options.models` or the shipped ones, else from `loadModel` (then kept in `extra`). */
async function modelFor(prefix: Uint8Array, extra: Model[], options: DecodeOptions): Promise<Model> {
  try {
    return modelForStream(prefix, extra);
  } catch (e) {
    if (!(e instanceof FlowzipError) || e.code !== 'E_UNKNOWN_MODEL' || !options.loadModel) throw e;
    const m = await options.loadModel(toHex(prefix));
    if (!m || !m.id.startsWith(toHex(prefix))) throw e;
    extra.push(m);
    return m;
  }
}

/**
 * Decodes a .fz stream. An image stream gives its samples (checked against
 * the stream's CRC-32 before they are returned); any other stream gives the
 * original bytes, as `decompress` does. Throws FlowzipError: E_USAGE (input
 * or options of the wrong type, checked first, as decompress does),
 * E_CORRUPT, E_TRUNCATED, E_CHECKSUM, E_VERSION, E_UNKNOWN_MODEL, E_LIMIT,
 * E_BACKEND.
 */
export async function decodeStream(input: Uint8Array, options: DecodeOptions = {}): Promise<DecodedStream> {
  checkDecompressArgs(input, options);
  if (options.loadModel !== undefined && typeof options.loadModel !== 'function') throw new FlowzipError('E_USAGE', 'loadModel must be a function');
  const view = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const framed = unframe(view);
  const { method, version, body, crc } = framed;
  const limit = options.maxOutputBytes ?? 2 ** 32;
  const checkLimit = (size: number) => {
    if (size > limit) throw new FlowzipError('E_LIMIT', `stream declares ${size} bytes of output, over the limit of ${limit} (raise it with maxOutputBytes)`);
  };
  // The causal tiles' WebAssembly twin, compiled asynchronously (a browser's main thread may not compile it synchronously).
  if (method === Method.Image) await prepareCausalWasm();
  if (method !== Method.Image) {
    const { out, crc: check } = decodeByteMethod(method, body, checkLimit);
    if (check !== crc) throw new FlowzipError('E_CHECKSUM', 'checksum mismatch: the stream is corrupt');
    return { kind: 'bytes', formatVersion: version, method: METHOD_NAMES[method], bytes: out };
  }
  const r = new ByteReader(body);
  const header = readImageHeader(r, MODEL_ID_BYTES, options.maxPixels ?? DEFAULT_MAX_PIXELS);
  const headerBytes = body.subarray(0, r.pos);
  const channels = headerChannels(header);
  const size = header.width * header.height * channels;
  checkLimit(size);
  const extra = [...(options.models ?? [])];
  const models: Model[] = [];
  for (const id of header.modelIds) models.push(await modelFor(id, extra, options));
  const planes = await Promise.all(planeGroups(channels).map(async (g, i) => ({ ...g, model: models[i], runner: await runnerFor(models[i], options.backend) })));
  const shape = { width: header.width, height: header.height, channels };
  const total = pieceCount(shape, planes);
  let done = 0;
  const threads = options.workers === undefined ? defaultThreads() : Math.max(1, options.workers);
  // Rows come top to bottom, a band at a time (image-codec.ts decodeImagePieces).
  const samples = new Uint8Array(size);
  let filled = 0;
  await decodeImagePieces(
    r,
    shape,
    planes,
    streamFeatures(version),
    (rows) => {
      samples.set(rows, filled);
      filled += rows.length;
    },
    () => options.onProgress?.(++done, total),
    threads,
  );
  if (!checksumMatches(crcOf(headerBytes, samples), framed)) throw new FlowzipError('E_CHECKSUM', 'checksum mismatch: the stream is corrupt');
  const deep = header.kind === 'png16';
  const image: DecodedImage = {
    width: header.width,
    height: header.height,
    channels,
    bitDepth: deep ? 16 : 8,
    samples: deep ? joinSamples(samples, header.residuals, channels, header.width) : samples,
    format: header.kind,
    models: models.map((m, i) => ({ id: toHex(header.modelIds[i]), name: m.name })),
    header,
  };
  return { kind: 'image', formatVersion: version, image };
}
