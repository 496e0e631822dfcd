/**
 * `flowzip compress FILE…`: FILE → FILE.fz (or -o / stdout), input kept
 * unless --rm, in which case it is removed only after its output was written,
 * read back, and decoded to the same content.
 */
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { decompress, inspectStream, type Model, type StreamInfo } from '../codec/index.js';
import { compressParts } from '../codec/api.js';
import { concatBytes } from '../codec/bytes.js';
import { decodeChunkedStream, encodeChunked } from '../codec/chunked.js';
import { DEFAULT_COMPRESS_MAX_PIXELS } from '../codec/formats/image.js';
import { sameContent } from '../codec/verify.js';
import { codingDetails } from './details.js';
import { commandInputs } from './inputs.js';
import { checkCommandLine, checkTarget, forEachInput, partsToWrite, removeInputAfter, targetFor, targetLabel, writeTarget } from './batch.js';
import { FileError, UsageError } from './errors.js';
import * as fmt from './format.js';
import { STDIO, countPieces, modeOf, openInput } from './io.js';
import { Log } from './log.js';
import { checkBackend, checkKeep, effortOf, loadModelOption, type CompressFlags } from './options.js';
import { ProgressDisplay } from './progress.js';

/** Suffix of compressed files. */
export const FZ_SUFFIX = '.fz';

/** Runs `flowzip compress`; returns the exit status (usage problems throw UsageError). */
export async function compressCommand(files: string[], flags: CompressFlags): Promise<number> {
  checkKeep(flags);
  checkBackend(flags.backend);
  // -r: every file below a folder, except streams already compressed.
  const inputs = await commandInputs(files, flags.recursive, (f) => !f.endsWith(FZ_SUFFIX));
  const log = new Log(flags);
  if (inputs.length === 0) {
    log.warn('no files to compress in the folders given');
    return 0;
  }
  checkCommandLine(inputs, flags, 'compress');
  const targetOf = (input: string) => targetFor(input, flags, (f) => f + FZ_SUFFIX);
  const toStdout = inputs.filter((input) => targetOf(input).kind === 'stdout').length;
  if (toStdout > 1) throw new UsageError('several streams on stdout could not be told apart again; compress one input at a time with -c');
  if (toStdout > 0 && process.stdout.isTTY && !flags.force) {
    throw new UsageError('refusing to write compressed data to a terminal; redirect stdout, use -o FILE, or -f to insist');
  }
  const effort = effortOf(flags);
  if (effort !== undefined && flags.model !== undefined) throw new UsageError('an effort level (--fast, --best, --effort, -1…-9) picks the models itself; give it or --model, not both');
  const model = flags.model !== undefined ? loadModelOption(flags.model) : undefined;
  const progress = ProgressDisplay.forStderr(flags.quiet === true);
  if (flags.rm && toStdout > 0) log.warn('--rm does not remove inputs written to stdout');

  return forEachInput(inputs, log, async (input, label) => {
    const target = targetOf(input);
    await checkTarget(input, target, flags.force === true);
    const start = performance.now();
    const opened = await openInput(input, flags.maxPixels ?? DEFAULT_COMPRESS_MAX_PIXELS);
    const { stats } = opened;
    if (opened.stream) {
      // Longer than what is read into memory and not an image: coded in chunks as it is read (constant memory).
      const read = countPieces(opened.stream);
      const written = countPieces(encodeChunked(read));
      await writeTarget(target, written, { force: flags.force === true, mode: modeOf(stats), mtime: stats?.mtime, durable: flags.rm === true });
      // --rm: the stream on disk is decoded chunk by chunk and compared with the input on disk; only then is the input removed.
      const removing = flags.rm === true && input !== STDIO && target.kind === 'file';
      if (removing && target.kind === 'file') {
        await verifyChunkedFile(target.path, input);
        await removeInputAfter(input, target.path);
      }
      if (flags.verbose)
        log.detail(
          `${label} -> ${targetLabel(target)}: ${fmt.bytes(read.bytes)} -> ${fmt.bytes(written.bytes)} (${fmt.percent(written.bytes, read.bytes)}), chunked, no model, ${fmt.elapsed(start)}${removing ? `, ${label} removed` : ''}`,
        );
      return;
    }
    const original = opened.bytes;

    const bar = progress.track(label);
    let parts: Uint8Array[];
    try {
      parts = await compressParts(original, {
        model,
        effort,
        backend: flags.backend,
        workers: flags.workers,
        method: flags.method,
        maxPixels: flags.maxPixels,
        onProgress: bar.onProgress,
        // e.g. a truncated PNG: coded as raw bytes, and the user is told (before any bar is shown).
        onWarning: (message) => log.warn(`${label}: ${message}`),
      });
    } finally {
      bar.stop();
    }

    // --rm: decode the stream before writing it (a bad stream is never written), then check the
    // bytes on disk are that stream; only then remove the input.
    const removing = flags.rm === true && input !== STDIO && target.kind === 'file';
    // The stream is written part by part (a large one is never held twice); --rm and -v need it whole.
    const packed = removing || flags.verbose ? concatBytes(parts) : null;
    if (removing) await verifyStream(original, packed!, model, flags, progress, label);
    await writeTarget(target, packed ?? partsToWrite(parts), { force: flags.force === true, mode: modeOf(stats), mtime: stats?.mtime, durable: flags.rm === true });
    if (removing && target.kind === 'file') {
      // What is on disk must be what we verified.
      const written = await readFile(target.path);
      if (!written.equals(packed!)) throw new FileError(`${target.path} does not read back as written; input kept`);
      await removeInputAfter(input, target.path);
    }

    if (flags.verbose) {
      const info = inspectStream(packed!);
      const how = await codingDetails(info, model ? [model] : [], flags.backend, flags.workers);
      log.detail(describe(label, targetLabel(target), original.length, packed!, info, how, start, removing));
    }
  });
}

/** Decodes the new stream and checks it gives back the input's content; FileError if not. */
async function verifyStream(original: Uint8Array, packed: Uint8Array, model: Model | undefined, flags: CompressFlags, progress: ProgressDisplay, label: string): Promise<void> {
  const bar = progress.track(`${label} (verify)`);
  let decoded: Uint8Array;
  try {
    decoded = await decompress(packed, { models: model ? [model] : [], backend: flags.backend, workers: flags.workers, maxPixels: flags.maxPixels, onProgress: bar.onProgress });
  } finally {
    bar.stop();
  }
  if (!sameContent(original, decoded)) throw new FileError('verification failed: the compressed stream does not decode to the same content; nothing written, input kept');
}

/** The --verbose line of one file: sizes, ratio, method (and bpsp for images), model, backend, workers, time. */
function describe(label: string, to: string, inputBytes: number, packed: Uint8Array, info: StreamInfo, how: string, start: number, removed: boolean): string {
  const method = info.image ? `${info.method} ${info.image.width}x${info.image.height}x${info.image.channels}, ${fmt.bpsp(info.image.bpsp)}` : info.method;
  return `${label} -> ${to}: ${fmt.bytes(inputBytes)} -> ${fmt.bytes(packed.length)} (${fmt.percent(packed.length, inputBytes)}), ${method}, ${how}, ${fmt.elapsed(start)}${removed ? `, ${label} removed` : ''}`;
}

/** Decodes a chunked .fz file as it is read and compares it with the input file, chunk by chunk; FileError when they differ. */
async function verifyChunkedFile(fzPath: string, inputPath: string): Promise<void> {
  const mismatch = () => new FileError('verification failed: the compressed stream does not decode to the input; input kept');
  const handle = await open(inputPath, 'r');
  try {
    let at = 0;
    for await (const piece of decodeChunkedStream(createReadStream(fzPath, { highWaterMark: 1 << 20 }))) {
      const original = Buffer.alloc(piece.length);
      const { bytesRead } = await handle.read(original, 0, piece.length, at);
      if (bytesRead !== piece.length || !original.equals(piece)) throw mismatch();
      at += piece.length;
    }
    if ((await handle.read(Buffer.alloc(1), 0, 1, at)).bytesRead !== 0) throw mismatch();
  } finally {
    await handle.close();
  }
}
