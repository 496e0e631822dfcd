/**
 * Browser implementation of model-files.ts (same exports): a page has no
 * package folder to read, so there are no shipped model files here; the
 * caller passes the models a stream needs (src/decode/models-fetch.ts
 * fetches them by id from a folder of model files).
 */
import { FlowzipError } from './errors.js';

/** No models folder in the browser: E_BAD_MODEL. */
export function modelsDir(): string {
  throw new FlowzipError('E_BAD_MODEL', 'no models folder in the browser: pass the models to the decoder');
}

/** No shipped model files in the browser. */
export function shippedModelTexts(): Array<{ name: string; text: string }> {
  return [];
}

/** Model files cannot be read by path in the browser (throws; loadModelFile makes it E_BAD_MODEL). */
export function readModelFileText(path: string): string {
  throw new Error(`cannot read ${path} in the browser`);
}
