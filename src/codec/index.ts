/**
 * flowzip library entry point: `compress` / `decompress` on Uint8Arrays,
 * typed options and a typed error with a stable `code`.
 */
export { compress, decompress, type CompressOptions, type DecompressOptions } from './api.js';
export { FlowzipError, type FlowzipErrorCode } from './errors.js';
export { inspectStream, type StreamInfo } from './info.js';
export { loadModelFile, shippedModels, type BackendChoice } from './models.js';
export type { Model } from '../flows/model.js';
