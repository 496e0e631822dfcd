/**
 * Command-line option values: their parsers (invalid values are usage
 * errors) and how they map onto the library's compress/decompress options.
 */
import { InvalidArgumentError } from 'commander';
import { loadModelFile, shippedModels, type BackendChoice, type Model } from '../codec/index.js';
import { UsageError } from './errors.js';
import type { Verbosity } from './log.js';

/** Accepted `--backend` values. */
export const BACKENDS: readonly BackendChoice[] = ['auto', 'reference', 'cpu', 'wasm', 'tensorflow'];

/** Accepted `--method` values. */
export const METHODS = ['auto', 'flow', 'brotli', 'stored'] as const;

/** Where outputs go: `-o FILE` or `-c`. */
export interface OutputFlags {
  output?: string;
  stdout?: boolean;
}

/** Flags shared by compress and decompress. */
export interface CodingFlags extends OutputFlags, Verbosity {
  force?: boolean;
  rm?: boolean;
  backend?: BackendChoice;
  maxPixels?: number;
  /** `--workers`: threads coding tiles (the library default when absent). */
  workers?: number;
}

/** Flags of `flowzip compress`. */
export interface CompressFlags extends CodingFlags {
  model?: string;
  /** `--fast`: model zero (zero-rgb, zero-gray) instead of the learned defaults. */
  fast?: boolean;
  method?: (typeof METHODS)[number];
}

/** Flags of `flowzip decompress`. */
export interface DecompressFlags extends CodingFlags {
  model: string[];
  /** `--max-output`: largest output in bytes a stream may declare. */
  maxOutput?: number;
}

/** Commander parser for `--max-pixels`: a positive integer (also `4e6`, `16M`, `1G`). */
export function parseMaxPixels(value: string): number {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)([kKmMgG]?)$/.exec(value.trim());
  const scale = m ? { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'] : 0;
  const n = m ? Number(m[1]) * scale : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number of pixels (e.g. 50000000 or 50M)');
  return n;
}

/** Commander parser for `--workers`: a whole number of threads, 0 to 256 (0 and 1: no worker threads). */
export function parseWorkers(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n > 256) throw new InvalidArgumentError('expected a whole number of threads from 0 to 256 (0 or 1: no worker threads)');
  return n;
}

/** Commander parser for `--max-output`: bytes, with an optional k/M/G (×1000) or KiB/MiB/GiB (×1024) suffix. */
export function parseByteSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*([kmgt]i?b?|b)?$/i.exec(value.trim());
  const unit = (m?.[2] ?? '').toLowerCase().replace(/b$/, '');
  const scale = m ? ({ '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, ki: 2 ** 10, mi: 2 ** 20, gi: 2 ** 30, ti: 2 ** 40 } as Record<string, number>)[unit] : undefined;
  const n = m && scale ? Number(m[1]) * scale : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number of bytes (e.g. 500000000, 500M or 2GiB)');
  return n;
}

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** True when a `--model` value names a file rather than a shipped model. */
function isModelPath(ref: string): boolean {
  return ref.endsWith('.json') || ref.includes('/') || ref.includes('\\');
}

/**
 * Loads a `--model` value: a model file (`*.json` or a path), a shipped
 * model name, or a shipped model id (at least 8 hex digits). A name that
 * matches nothing is a usage error; a model file that cannot be loaded is
 * reported with the library's message (also a usage error: the command line
 * names a model we cannot use).
 */
export function loadModelOption(ref: string): Model {
  if (isModelPath(ref)) {
    try {
      return loadModelFile(ref);
    } catch (error) {
      throw new UsageError(`--model ${ref}: ${(error as Error).message}`);
    }
  }
  const models = shippedModels();
  const id = ref.toLowerCase();
  const found = models.find((m) => m.name === ref) ?? (/^[0-9a-f]{8,}$/.test(id) ? models.find((m) => m.id.startsWith(id)) : undefined);
  if (!found) throw new UsageError(`unknown model "${ref}" (shipped: ${models.map((m) => m.name).join(', ')}; or give a model .json file)`);
  return found;
}
