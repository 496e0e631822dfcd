/**
 * Running a command over many inputs, zstd-style: where each output goes
 * (next to the input, `-o`, or stdout), the checks that make a command line
 * unusable as a whole (usage errors), and the per-file loop in which one
 * file's failure is reported and the others still run.
 */
import { stat } from 'node:fs/promises';
import { FileError, UsageError, describeError, withPath } from './errors.js';
import { concatBytes } from '../codec/bytes.js';
import { partsLength } from '../codec/container.js';
import { STDIO, alreadyExists, eachPart, exists, removeInput, sameFile, writeFileSafely, writeStdout, type SafeWriteOptions } from './io.js';
import type { Log } from './log.js';
import type { OutputFlags } from './options.js';

/** Where one input's output goes. */
export type Target = { kind: 'stdout' } | { kind: 'file'; path: string };

/** The name used for an input in messages. */
export function labelOf(input: string): string {
  return input === STDIO ? 'stdin' : input;
}

/** The name used for a target in messages. */
export function targetLabel(target: Target): string {
  return target.kind === 'stdout' ? 'stdout' : target.path;
}

/**
 * Checks the inputs and output flags of a command line; throws UsageError
 * for -o with several inputs, -o with -c, stdin named twice, or stdin that
 * is a terminal (nothing would ever arrive).
 */
export function checkCommandLine(inputs: string[], flags: OutputFlags, command: string): void {
  if (flags.output !== undefined && flags.stdout) throw new UsageError('-o/--output and -c/--stdout cannot be used together');
  if (flags.output !== undefined && inputs.length > 1) {
    throw new UsageError(`-o/--output takes a single input, but ${inputs.length} were given (without -o, each output is written next to its input)`);
  }
  if (inputs.filter((f) => f === STDIO).length > 1) throw new UsageError('stdin (-) can be read only once');
  if (inputs.includes(STDIO) && process.stdin.isTTY) {
    throw new UsageError(`stdin is a terminal; give a FILE to ${command} (or pipe data in)`);
  }
}

/**
 * The target of one input: stdout for -c, `-o -` or stdin input (unless -o);
 * the -o file; else `defaultName(input)`, which may throw a FileError.
 */
export function targetFor(input: string, flags: OutputFlags, defaultName: (input: string) => string): Target {
  if (flags.stdout || flags.output === STDIO) return { kind: 'stdout' };
  if (flags.output !== undefined) return { kind: 'file', path: flags.output };
  if (input === STDIO) return { kind: 'stdout' };
  return { kind: 'file', path: defaultName(input) };
}

/**
 * Fails early (before any work) if a file target cannot be written: it is
 * the input itself, a folder, or it exists and `force` is off.
 */
export async function checkTarget(input: string, target: Target, force: boolean): Promise<void> {
  if (target.kind !== 'file') return;
  if (input !== STDIO && (await sameFile(input, target.path))) throw new FileError(`output ${target.path} would overwrite the input`);
  if (!(await exists(target.path))) return;
  if (!force) throw alreadyExists(target.path);
  const s = await stat(target.path).catch(() => null);
  if (s?.isDirectory()) throw new FileError(`output ${target.path} is a directory`);
}

/** Outputs held as parts of at most this many bytes in all are joined and written whole (io.ts's synchronous path); larger ones are written part by part, never held twice. */
export const JOIN_PARTS_BYTES = 1 << 20;

/** Parts to write: joined into one array when small (see {@link JOIN_PARTS_BYTES}), else a stream of the parts. */
export function partsToWrite(parts: readonly Uint8Array[]): Uint8Array | AsyncIterable<Uint8Array> {
  if (parts.length === 1) return parts[0];
  return partsLength(parts) <= JOIN_PARTS_BYTES ? concatBytes(parts) : eachPart(parts);
}

/** Writes an output (whole, or a stream of pieces) to its target: stdout, or a file via the safe temp-and-rename path. */
export async function writeTarget(target: Target, bytes: Uint8Array | AsyncIterable<Uint8Array>, options: SafeWriteOptions): Promise<void> {
  try {
    if (target.kind !== 'stdout') await writeFileSafely(target.path, bytes, options);
    else if (bytes instanceof Uint8Array) await writeStdout(bytes);
    else for await (const piece of bytes) await writeStdout(piece);
  } catch (error) {
    throw withPath(targetLabel(target), error);
  }
}

/** Removes an input after its output is in place; a failure says the output is fine. */
export async function removeInputAfter(input: string, output: string): Promise<void> {
  try {
    await removeInput(input, output);
  } catch (error) {
    throw new FileError(`${output} was written, but the input cannot be removed: ${describeError(error)}`, { cause: error });
  }
}

/** Longest time, in milliseconds, the per-file loop runs without giving the event loop a turn (signals, timers). */
export const LOOP_TURN_MS = 20;

/**
 * Runs `work` on each input in order; a failure is reported on stderr as one
 * line and the next input runs. Returns the exit status: 0 if all
 * succeeded, 1 otherwise. Small files are read and written with synchronous
 * calls (io.ts), so the loop itself gives the event loop a turn at least
 * every {@link LOOP_TURN_MS} (a Ctrl-C is then handled promptly).
 */
export async function forEachInput(inputs: string[], log: Log, work: (input: string, label: string) => Promise<void>): Promise<number> {
  let failures = 0;
  let turned = performance.now();
  for (const input of inputs) {
    if (performance.now() - turned >= LOOP_TURN_MS) {
      await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
      turned = performance.now();
    }
    const label = labelOf(input);
    try {
      await work(input, label);
    } catch (error) {
      failures++;
      log.fileError(label, error);
    }
  }
  return failures === 0 ? 0 : 1;
}
