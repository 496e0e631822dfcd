/**
 * The decode entry point, `flowzip/decode`: .fz bytes to samples, PNG bytes
 * or the original file, with no `node:` import on its path in the browser
 * bundle (dist/web/flowzip-decode.js, built by scripts/build-browser.ts; the
 * package's `browser` condition). On Node the same functions use node:zlib
 * and worker threads.
 */
export { decodeFile, decodeImage, decodeToPng, imageFileBytes, imagePngBytes } from './decode.js';
export { decodeStream, type DecodedImage, type DecodedStream, type DecodeOptions } from './decode-stream.js';
export { modelsFromUrl, SHIPPED_MODEL_INDEX, type ModelIndexEntry } from './models-fetch.js';
export { inspectStream, type StreamInfo } from '../codec/info.js';
export { FlowzipError, type FlowzipErrorCode } from '../codec/errors.js';
export { causalWasmActive } from '../codec/causal-tile-wasm.js';
export { parseModelText } from '../codec/models.js';
export type { Model } from '../flows/model.js';
