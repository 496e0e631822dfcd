/**
 * Command-line option values: their parsers (invalid values are usage
 * errors) and how they map onto the library's compress/decompress options.
 */
import { InvalidArgumentError } from 'commander';
import { createRequire } from 'node:module';
import { loadModelFile, type BackendChoice, type Model } from '../codec/index.js';
import { shippedModel, shippedNames } from '../codec/models.js';
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

/** Flags of every command that decodes or encodes streams. */
export interface EngineFlags extends Verbosity {
  backend?: BackendChoice;
  maxPixels?: number;
  /** `--workers`: threads coding tiles (the library default when absent). */
  workers?: number;
  /** `-r`: folders among the inputs stand for the files in them. */
  recursive?: boolean;
}

/** Flags shared by compress and decompress. */
export interface CodingFlags extends OutputFlags, EngineFlags {
  force?: boolean;
  rm?: boolean;
  /** `-k`: keep the input (the default; accepted for gzip habits, refused with --rm). */
  keep?: boolean;
}

/** Flags of `flowzip compress`. */
export interface CompressFlags extends CodingFlags {
  model?: string;
  /** `--fast`: effort 1 (the causal models without their online stack). */
  fast?: boolean;
  /** `--best`: effort 9 (the strong causal models). */
  best?: boolean;
  /** `--effort N` or `-N`: 1..9 (default 5). */
  effort?: number;
  /** `-1` … `-9` (commander names them '1' … '9'). */
  [digit: `${number}`]: boolean | undefined;
  method?: (typeof METHODS)[number];
}

/** What decoding needs: models a stream may name besides the shipped ones, and the output limit. */
export interface DecodingFlags {
  model: string[];
  /** `--max-output`: largest output in bytes a stream may declare. */
  maxOutput?: number;
}

/** Flags of `flowzip decompress`. */
export interface DecompressFlags extends CodingFlags, DecodingFlags {}

/** Flags of `flowzip test`. */
export interface TestFlags extends EngineFlags, DecodingFlags {}

/** UsageError for `-k` together with `--rm`. */
export function checkKeep(flags: CodingFlags): void {
  if (flags.keep && flags.rm) throw new UsageError('-k/--keep and --rm contradict each other (inputs are kept unless --rm is given)');
}

/**
 * UsageError for `--backend tensorflow` when @tensorflow/tfjs-node is not
 * installed (an optional dependency whose installer needs the network), so
 * the user hears the cause rather than that no backend passed the canary.
 */
export function checkBackend(backend: BackendChoice | undefined, resolve: (id: string) => string = createRequire(import.meta.url).resolve): void {
  if (backend !== 'tensorflow') return;
  try {
    resolve('@tensorflow/tfjs-node');
  } catch {
    throw new UsageError(
      "--backend tensorflow needs @tensorflow/tfjs-node, which is not installed (an optional dependency: 'npm install @tensorflow/tfjs-node' where it can download libtensorflow); --backend auto gives the same bytes",
    );
  }
}

/** Commander parser for `--max-pixels`: a positive integer (also `4e6`, `16M`, `1G`). */
export function parseMaxPixels(value: string): number {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)([kKmMgG]?)$/.exec(value.trim());
  const scale = m ? { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'] : 0;
  const n = m ? Number(m[1]) * scale : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number of pixels (e.g. 50000000 or 50M)');
  return n;
}

/** Commander parser for `--effort`: a whole number from 1 to 9. */
export function parseEffort(value: string): number {
  const n = /^[1-9]$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected a whole number from 1 (fastest) to 9 (smallest)');
  return n;
}

/** The effort the flags ask for (--effort, -1…-9, --fast = 1, --best = 9), or undefined; UsageError when they disagree. */
export function effortOf(flags: CompressFlags): number | undefined {
  const asked = new Set<number>();
  if (flags.effort !== undefined) asked.add(flags.effort);
  for (let d = 1; d <= 9; d++) if (flags[`${d}`]) asked.add(d);
  if (flags.fast) asked.add(1);
  if (flags.best) asked.add(9);
  if (asked.size > 1) throw new UsageError(`conflicting effort levels (${[...asked].join(', ')}): give one of --effort N, -N, --fast, --best`);
  return asked.size ? [...asked][0] : undefined;
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
  const id = ref.toLowerCase();
  // Only the model asked for is parsed.
  const found = shippedModel({ name: ref }) ?? (/^[0-9a-f]{8,}$/.test(id) ? shippedModel({ idPrefix: id }) : null);
  if (!found)
    throw new UsageError(
      `unknown model "${ref}" (shipped: ${shippedNames()
        .map((m) => m.name)
        .join(', ')}; or give a model .json file)`,
    );
  return found;
}
