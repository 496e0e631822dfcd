/**
 * Argument checks of the public API (issue 17, item 3): every public function
 * checks what it is given before doing any work, and a wrong type or option is
 * a FlowzipError with code E_USAGE naming the argument — never a bare
 * TypeError, a wrong error code (an ArrayBuffer is not "truncated"), or a
 * stream that does not decode (`compress('hello')` used to code the string's
 * UTF-16 length as garbage). Options are checked whatever the input is, so a
 * bad model or backend is reported for text files too, not only for images.
 */
import type { Model } from '../flows/model.js';
import { FlowzipError } from './errors.js';
import { checkEffort, resolveModel } from './models.js';

const BACKENDS = ['auto', 'reference', 'cpu', 'wasm', 'tensorflow'];
const METHODS = ['auto', 'flow', 'brotli', 'stored'];

function usage(message: string): FlowzipError {
  return new FlowzipError('E_USAGE', message);
}

/** A short description of a value's type for messages: `string`, `null`, `ArrayBuffer`, … */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return (v as object).constructor?.name ?? 'object';
}

/** E_USAGE unless `input` is a Uint8Array (a Node Buffer is one); says how to pass an ArrayBuffer or a string. */
export function checkBytes(input: unknown, what: string): asserts input is Uint8Array {
  if (input instanceof Uint8Array) return;
  let hint = '';
  if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && input instanceof SharedArrayBuffer)) hint = ' (wrap it: new Uint8Array(buffer))';
  else if (ArrayBuffer.isView(input)) hint = ' (pass its bytes: new Uint8Array(view.buffer, view.byteOffset, view.byteLength))';
  else if (typeof input === 'string') hint = " (encode it first, e.g. Buffer.from(text, 'utf8'))";
  throw usage(`${what} must be a Uint8Array or Buffer, got ${typeName(input)}${hint}`);
}

/** E_USAGE unless `options` is undefined or a plain object. */
function checkOptionsObject(options: unknown): asserts options is Record<string, unknown> | undefined {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw usage(`options must be an object, got ${typeName(options)}`);
}

function checkFunction(options: Record<string, unknown>, key: string): void {
  const v = options[key];
  if (v !== undefined && typeof v !== 'function') throw usage(`${key} must be a function, got ${typeName(v)}`);
}

/** E_USAGE unless options[key] is undefined or a positive whole number (Infinity allowed when `infinite`). */
function checkPositive(options: Record<string, unknown>, key: string, infinite = false): void {
  const v = options[key];
  if (v === undefined) return;
  const ok = typeof v === 'number' && v > 0 && (Number.isInteger(v) || (infinite && v === Number.POSITIVE_INFINITY));
  if (!ok) throw usage(`${key} must be a positive whole number, got ${typeof v === 'number' ? v : typeName(v)}`);
}

function checkWorkers(options: Record<string, unknown>): void {
  const v = options.workers;
  if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) throw usage(`workers must be a non-negative integer, got ${typeof v === 'number' ? v : typeName(v)}`);
}

function checkBackend(options: Record<string, unknown>): void {
  const v = options.backend;
  if (v !== undefined && (typeof v !== 'string' || !BACKENDS.includes(v))) throw usage(`backend must be one of ${BACKENDS.join(', ')}, got ${typeof v === 'string' ? `"${v}"` : typeName(v)}`);
}

/** A Model-shaped object: what a loaded model has (name, id, flow). */
function isModel(v: unknown): v is Model {
  const m = v as Model;
  return typeof v === 'object' && v !== null && typeof m.name === 'string' && typeof m.id === 'string' && /^[0-9a-f]{8,}$/.test(m.id) && typeof m.flow === 'object' && m.flow !== null;
}

/** E_USAGE unless options[key] is a model reference; a name or id must resolve (E_UNKNOWN_MODEL / E_BAD_MODEL otherwise). */
function checkModel(options: Record<string, unknown>, key: string): void {
  const v = options[key];
  if (v === undefined) return;
  if (typeof v === 'string') {
    resolveModel(v);
    return;
  }
  if (!isModel(v)) throw usage(`${key} must be a model name, id, .json path or loaded Model, got ${typeName(v)}`);
}

/** Checks compress's arguments (see {@link checkBytes}); throws before any work is done. */
export function checkCompressArgs(input: unknown, options: unknown): void {
  checkBytes(input, 'input');
  checkOptionsObject(options);
  if (!options) return;
  const method = options.method;
  if (method !== undefined && (typeof method !== 'string' || !METHODS.includes(method))) throw usage(`unknown method "${String(method)}" (one of ${METHODS.join(', ')})`);
  if (options.effort !== undefined) {
    if (typeof options.effort !== 'number') throw usage(`effort must be a whole number from 1 to 9, got ${typeName(options.effort)}`);
    checkEffort(options.effort);
  }
  checkBackend(options);
  checkWorkers(options);
  checkPositive(options, 'maxPixels', true);
  checkFunction(options, 'onProgress');
  checkFunction(options, 'onWarning');
  checkModel(options, 'model');
  checkModel(options, 'grayModel');
}

/** Checks decompress's arguments; throws before any work is done. */
export function checkDecompressArgs(input: unknown, options: unknown): void {
  checkBytes(input, 'input');
  checkOptionsObject(options);
  if (!options) return;
  checkBackend(options);
  checkWorkers(options);
  checkPositive(options, 'maxPixels', true);
  checkPositive(options, 'maxOutputBytes', true);
  checkFunction(options, 'onProgress');
  const models = options.models;
  if (models !== undefined && (!Array.isArray(models) || !models.every(isModel))) throw usage(`models must be an array of loaded Models, got ${typeName(models)}`);
}
