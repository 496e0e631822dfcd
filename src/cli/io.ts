/**
 * File and stream I/O for the CLI, with flowzip's safety rules (DESIGN.md,
 * invariants 2 and 6). What is promised, exactly:
 *
 * - an output file is written to a temporary name in its target folder
 *   (`.NAME.tmp-PID-HOSTRAND`, see {@link tempPathFor}), flushed to disk,
 *   then moved into place in one step: the final name never holds a partial
 *   file;
 * - on any error, and on SIGINT, SIGTERM or SIGHUP (cleanup.ts), the
 *   temporary file is removed before flowzip exits;
 * - a process that dies without running any code (`kill -9`, a crash of
 *   Node, power loss) can leave its temporary file behind. The next flowzip
 *   run that writes a file into that folder, on the same host, removes every
 *   such file whose process is gone ({@link removeStaleTemps}); files of
 *   live processes, of other hosts, and names flowzip did not make are left
 *   alone;
 * - without `force`, an existing file is never replaced, even if it appears
 *   while we were working;
 * - an input is removed only by {@link removeInput}, which callers run after
 *   the output is in place.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants as fsc,
  createReadStream,
  fchmodSync,
  fstatSync,
  fsyncSync,
  futimesSync,
  linkSync,
  lstatSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { link, lstat, open, readdir, readFile, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { peekPngHeader } from '../codec/formats/png.js';
import { releaseTemp, trackTemp } from './cleanup.js';
import { FileError } from './errors.js';

/** The name that stands for standard input / output on the command line. */
export const STDIO = '-';

/** An input read into memory, with the file's metadata (none for stdin). */
export interface InputData {
  bytes: Uint8Array;
  stats: Stats | null;
}

/** Reads a whole file, or all of stdin for {@link STDIO}. Directories are refused. */
export async function readInput(path: string): Promise<InputData> {
  if (path === STDIO) return { bytes: await readStdin(), stats: null };
  const stats = await stat(path);
  if (stats.isDirectory()) throw new FileError('is a directory (-r takes the files in folders)');
  return { bytes: await readFile(path), stats };
}

/** Input bytes read into memory before deciding how to code an input (see {@link openInput}). */
export const WHOLE_INPUT_BYTES = 32 << 20;
/**
 * How much of an input to read whole before coding it in chunks, from its
 * first bytes: for a PNG the flow may code (not interlaced, within
 * `maxPixels`; 16-bit and palette ones from format 6) or a binary PNM, 5
 * bytes a pixel of the limit (8-bit RGBA and PNG filter bytes, with room)
 * plus 1 MiB — a 16-bit PNG larger than that is chunked as raw bytes; for
 * anything else — a PNG the flow would not code is raw bytes anyway —
 * {@link WHOLE_INPUT_BYTES}.
 */
export function wholeInputBytes(head: Uint8Array, maxPixels: number): number {
  const image = Math.max(WHOLE_INPUT_BYTES, Math.min(2 ** 31, maxPixels * 5 + (1 << 20)));
  const png = peekPngHeader(head);
  if (png) return !png.interlaced && png.width * png.height <= maxPixels ? image : WHOLE_INPUT_BYTES;
  return head.length >= 2 && head[0] === 0x50 && (head[1] === 0x35 || head[1] === 0x36) ? image : WHOLE_INPUT_BYTES;
}

/** An opened input: either all of it in memory (`bytes`), or a head plus the rest as a stream (`stream`, all bytes from the start). */
export type OpenedInput = { stats: Stats | null } & ({ bytes: Uint8Array; stream?: undefined } | { bytes?: undefined; stream: AsyncIterable<Uint8Array> });

/**
 * Opens an input for compress, reading it in bounded chunks (issue 17, item
 * 1): an input that ends within {@link WHOLE_INPUT_BYTES} (or, if it starts
 * like an image compress may code, within what {@link wholeInputBytes} allows
 * for `maxPixels`) comes back whole;
 * anything longer — `/dev/zero`, an endless pipe, a big non-image file —
 * comes back as a stream, which the caller codes in constant memory.
 */
export async function openInput(path: string, maxPixels: number): Promise<OpenedInput> {
  let stats: Stats | null = null;
  if (path !== STDIO) {
    const small = readSmallFile(path);
    if (small) return small;
    stats = await stat(path);
    if (stats.isDirectory()) throw new FileError('is a directory (-r takes the files in folders)');
  }
  // Reads of up to 1 MiB, but no larger than a regular file needs: each read allocates its whole
  // buffer, and a batch of small files would otherwise allocate (and collect) 1 MiB per file.
  const chunk = stats?.isFile() ? Math.min(1 << 20, Math.max(4096, stats.size + 1)) : 1 << 20;
  const source: AsyncIterable<Buffer> = path === STDIO ? process.stdin : createReadStream(path, { highWaterMark: chunk });
  const it = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let length = 0;
  let limit = WHOLE_INPUT_BYTES,
    decided = false;
  for (;;) {
    // The first 64 bytes (a pipe may deliver a few at a time) tell an image from the rest.
    if (!decided && length >= 64) {
      limit = wholeInputBytes(Buffer.concat(head).subarray(0, 64), maxPixels);
      decided = true;
    }
    if (length > limit) break;
    const next = await it.next();
    if (next.done) return { stats, bytes: head.length === 1 ? head[0] : Buffer.concat(head) };
    head.push(next.value);
    length += next.value.length;
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    while (head.length > 0) yield head.shift()!;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { stats, stream: all() };
}

/** Regular files of at most this many bytes are read whole with synchronous calls (see {@link readSmallFile}). */
export const SMALL_FILE_BYTES = 1 << 20;

/**
 * A regular file of at most {@link SMALL_FILE_BYTES}, read whole with
 * synchronous calls (one open, fstat, read, close: no thread-pool round
 * trips, which are most of the time of a batch of small files); null for
 * anything else (a folder, a pipe, a larger file, one that grew past its
 * size while read, or one that cannot be opened), which {@link openInput}
 * then reads (or reports) as before. Opened non-blocking, so that a FIFO
 * without a writer does not block here.
 */
export function readSmallFile(path: string): { stats: Stats; bytes: Uint8Array } | null {
  let fd: number;
  try {
    fd = openSync(path, fsc.O_RDONLY | (fsc.O_NONBLOCK ?? 0));
  } catch {
    return null;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > SMALL_FILE_BYTES) return null;
    // One byte more than the size: a file that grew meanwhile is left to the chunked path.
    const buffer = Buffer.allocUnsafe(stats.size + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) return null;
    }
    return { stats, bytes: buffer.subarray(0, length) };
  } finally {
    closeSync(fd);
  }
}

/** Reads standard input to its end. */
export async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

let stdoutGuarded = false;

/**
 * Makes stdout errors (EPIPE when the reader went away, e.g. `| head`)
 * non-fatal: without a listener, Node would crash with a stack trace. Data
 * writes still see the error through {@link writeStdout}'s callback.
 */
export function guardStdout(): void {
  if (stdoutGuarded) return;
  process.stdout.on('error', () => {});
  stdoutGuarded = true;
}

/**
 * Writes bytes to stdout and waits until they are handed to the OS. A closed
 * pipe (EPIPE) becomes an ordinary error instead of crashing the process.
 */
export async function writeStdout(bytes: Uint8Array): Promise<void> {
  guardStdout();
  if (bytes.length === 0) return;
  await new Promise<void>((resolveWrite, reject) => {
    process.stdout.write(bytes, (err) => (err ? reject(err) : resolveWrite()));
  });
}

/** Options of {@link writeFileSafely}. */
export interface SafeWriteOptions {
  /** Replace an existing file at the target (otherwise that is an error). */
  force: boolean;
  /** Permission bits to give the file (e.g. the input's); default: 0o666 less the umask. */
  mode?: number;
  /** Modification time to give the file (e.g. the input's). */
  mtime?: Date;
  /**
   * fsync the file before it takes the target's name: set when the input is
   * removed afterwards (--rm), so that a crash cannot lose both. Without it
   * (the input stays) the write is atomic but not forced to disk, as gzip and
   * zstd do: an fsync costs milliseconds per file, most of a batch of small ones.
   */
  durable?: boolean;
}

/** 8 hex digits naming this host in temporary names, so that a stale-file sweep only judges its own host's processes. */
const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/** Temporary names flowzip makes: `.NAME.tmp-<pid>-<host tag, 8 hex><random, 12 hex>`. */
const TEMP_NAME = /^\..+\.tmp-(\d+)-([0-9a-f]{8})[0-9a-f]{12}$/;

/** 6 random hex digits drawn once per process, and a counter: the 12 digits after the host tag (unique within a process, unpredictable across runs). */
const TEMP_RANDOM = randomBytes(3).toString('hex');
let tempCount = 0;

/** A temporary name next to `target`: `.NAME.tmp-<pid>-<host tag><random>`. */
export function tempPathFor(target: string): string {
  const serial = (tempCount++ % 0x1000000).toString(16).padStart(6, '0');
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${HOST_TAG}${TEMP_RANDOM}${serial}`);
}

/** True while a process with this id exists (EPERM: it exists, owned by someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const swept = new Set<string>();

/**
 * Removes the temporary files flowzip left in `dir` when a process died
 * without cleaning up (kill -9, crash): regular files named by
 * {@link tempPathFor} on this host whose process is gone. Once per folder per
 * run; errors are ignored (a sweep never fails a write). Returns the names removed.
 */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  const key = resolve(dir);
  if (swept.has(key)) return [];
  swept.add(key);
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m || m[2] !== HOST_TAG) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    try {
      const path = join(dir, name);
      if (!(await lstat(path)).isFile()) continue;
      await unlink(path);
      removed.push(name);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}

/** Regular-file errors that mean "this file system cannot hard-link". */
const NO_LINK = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * Writes `bytes` (or a stream of pieces, written as they come) to `target`
 * atomically: temporary file in the same folder, fsync when `durable`,
 * then rename (with `force`) or hard-link (without, which fails if
 * the target exists, so a file that appeared meanwhile is not clobbered).
 * On failure nothing is left behind and the error is rethrown.
 */
export async function writeFileSafely(target: string, bytes: Uint8Array | AsyncIterable<Uint8Array>, options: SafeWriteOptions): Promise<void> {
  await removeStaleTemps(dirname(target));
  const temp = tempPathFor(target);
  trackTemp(temp);
  try {
    if (bytes instanceof Uint8Array) {
      // A whole output: synchronous calls from open to rename, without a thread-pool round trip each (a batch of small files is mostly these).
      const fd = openSync(temp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o666);
      try {
        writeFileSync(fd, bytes);
        if (options.mode !== undefined) {
          try {
            fchmodSync(fd, options.mode & 0o7777);
          } catch {
            // a file system without permission bits
          }
        }
        if (options.mtime) {
          try {
            futimesSync(fd, new Date(), options.mtime);
          } catch {
            // a file system without settable times
          }
        }
        if (options.durable) fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      if (options.force) renameSync(temp, target);
      else linkNoClobberSync(temp, target);
      return;
    } else {
      const handle = await open(temp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o666);
      try {
        for await (const piece of bytes) await handle.write(piece);
        if (options.mode !== undefined) await handle.chmod(options.mode & 0o7777).catch(() => {});
        if (options.durable) await handle.sync();
      } finally {
        await handle.close();
      }
    }
    if (options.mtime) await utimes(temp, new Date(), options.mtime).catch(() => {});
    if (options.force) await rename(temp, target);
    else await linkNoClobber(temp, target);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  } finally {
    releaseTemp(temp);
  }
}

/** {@link linkNoClobber} with synchronous calls. */
function linkNoClobberSync(temp: string, target: string): void {
  try {
    linkSync(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') throw alreadyExists(target);
    if (!NO_LINK.has(code)) throw error;
    // No hard links here (FAT, some network file systems): check, then rename.
    if (lstatSync(target, { throwIfNoEntry: false })) throw alreadyExists(target);
    renameSync(temp, target);
    return;
  }
  unlinkSync(temp);
}

/** Moves temp to target unless target exists (EEXIST → FileError). */
async function linkNoClobber(temp: string, target: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') throw alreadyExists(target);
    if (!NO_LINK.has(code)) throw error;
    // No hard links here (FAT, some network file systems): check, then rename.
    if (await exists(target)) throw alreadyExists(target);
    await rename(temp, target);
    return;
  }
  await unlink(temp);
}

/** The error for an output that exists and may not be replaced. */
export function alreadyExists(target: string): FileError {
  return new FileError(`${target} already exists; use -f to overwrite`);
}

/** True when something (even a dangling link) exists at `path` (a synchronous lstat: one system call, no thread-pool round trip). */
export async function exists(path: string): Promise<boolean> {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

/** True when both paths name the same file (same path, or same device and inode); synchronous stats, as {@link exists}. */
export async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  try {
    const sb = statSync(b, { throwIfNoEntry: false });
    if (!sb) return false;
    const sa = statSync(a);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/**
 * Removes an input whose output is in place at `output`: first makes the
 * output's folder entry durable (fsync of the folder, where supported), so a
 * crash cannot lose both.
 */
export async function removeInput(input: string, output: string): Promise<void> {
  try {
    const dir = await open(dirname(output), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // not supported on this platform / file system: the rename is still atomic
  }
  await unlink(input);
}

/** Permission bits of an input, to give its output (regular files only). */
export function modeOf(stats: Stats | null): number | undefined {
  return stats && stats.isFile() ? stats.mode & 0o777 : undefined;
}

/** Byte arrays (a stream or file held as parts) as pieces to write, one after the other. */
export async function* eachPart(parts: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

/** Passes pieces through, counting their bytes. */
export function countPieces(pieces: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> & { bytes: number } {
  const counted = {
    bytes: 0,
    async *[Symbol.asyncIterator]() {
      for await (const piece of pieces) {
        counted.bytes += piece.length;
        yield piece;
      }
    },
  };
  return counted;
}
