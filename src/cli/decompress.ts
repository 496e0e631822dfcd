/**
 * `flowzip decompress FILE.fz…` (also `flowzip -d`, `flowzip d`): FILE.fz →
 * FILE (or -o / stdout). The library checks the stream's checksum, so an
 * output is only written once it is known to be right; with --rm the .fz is
 * removed only after that output is in place.
 */
import { basename, extname } from 'node:path';
import { inspectStream, type Model, type StreamInfo } from '../codec/index.js';
import { decompressParts } from '../codec/api.js';
import { partsLength } from '../codec/container.js';
import { checkCommandLine, checkTarget, forEachInput, partsToWrite, removeInputAfter, targetFor, targetLabel, writeTarget } from './batch.js';
import { FZ_SUFFIX } from './compress.js';
import { codingDetails } from './details.js';
import { FileError } from './errors.js';
import * as fmt from './format.js';
import { commandInputs } from './inputs.js';
import { openFz } from './fz-input.js';
import { STDIO, countPieces, modeOf } from './io.js';
import { Log } from './log.js';
import { checkBackend, checkKeep, loadModelOption, type DecodingFlags, type DecompressFlags, type EngineFlags } from './options.js';
import { ProgressDisplay } from './progress.js';

/** True for a name that ends in .fz and is more than the suffix. */
export function isFzName(path: string): boolean {
  return path.endsWith(FZ_SUFFIX) && basename(path) !== FZ_SUFFIX;
}

/** The file extension an image stream's file should have: .png, .pgm or .ppm; null for other streams. */
function imageExtension(info: StreamInfo | null): string | null {
  if (!info?.image) return null;
  if (info.image.format === 'png') return '.png';
  return info.image.channels === 1 ? '.pgm' : '.ppm';
}

/**
 * FILE for FILE.fz; a FileError for names without the suffix (they need -o
 * or -c). The stream does not record the original name, so when FILE has no
 * extension at all (e.g. `a.fz`, made with `flowzip < a.png > a.fz`) and
 * the stream is an image, the image's extension is added: `a.png`.
 */
export function decompressedName(input: string, info: StreamInfo | null = null): string {
  if (!isFzName(input)) throw new FileError(`name does not end in ${FZ_SUFFIX}, so the output name is unknown; use -o FILE or -c`);
  const name = input.slice(0, -FZ_SUFFIX.length);
  const ext = imageExtension(info);
  return ext && extname(basename(name)) === '' ? name + ext : name;
}

/** The stream's header, or null when it is not a readable stream (decompress then says why). */
export function headerOf(packed: Uint8Array): StreamInfo | null {
  try {
    return inspectStream(packed);
  } catch {
    return null;
  }
}

/** Decodes one stream (checksum verified by the library), with a progress bar. */
export async function decodeStream(packed: Uint8Array, models: Model[], flags: EngineFlags & DecodingFlags, progress: ProgressDisplay, label: string): Promise<Uint8Array[]> {
  const bar = progress.track(label);
  try {
    return await decompressParts(packed, { models, backend: flags.backend, workers: flags.workers, maxPixels: flags.maxPixels, maxOutputBytes: flags.maxOutput, onProgress: bar.onProgress });
  } finally {
    bar.stop();
  }
}

/** The models named by --model, and the inputs (stdin without FILE; -r: the .fz files below folders); checks --backend. */
export async function decodingSetup(files: string[], flags: EngineFlags & DecodingFlags): Promise<{ models: Model[]; inputs: string[] }> {
  checkBackend(flags.backend);
  const models = flags.model.map(loadModelOption);
  return { models, inputs: await commandInputs(files, flags.recursive, isFzName) };
}

/** Runs `flowzip decompress`; returns the exit status (usage problems throw UsageError). */
export async function decompressCommand(files: string[], flags: DecompressFlags): Promise<number> {
  checkKeep(flags);
  const { models, inputs } = await decodingSetup(files, flags);
  const log = new Log(flags);
  if (inputs.length === 0) {
    log.warn(`no ${FZ_SUFFIX} files in the folders given`);
    return 0;
  }
  checkCommandLine(inputs, flags, 'decompress');
  const progress = ProgressDisplay.forStderr(flags.quiet === true);
  const toStdout = flags.stdout || flags.output === STDIO || (flags.output === undefined && inputs.includes(STDIO));
  if (flags.rm && toStdout) log.warn('--rm does not remove inputs written to stdout');

  return forEachInput(inputs, log, async (input, label) => {
    // Fail on a bad name before reading anything; the header then decides an image's extension.
    const plainTarget = targetFor(input, flags, (f) => decompressedName(f));
    const start = performance.now();
    const opened = await openFz(input, flags.maxOutput);
    const { stats } = opened;
    if (opened.decoded) {
      // A long chunked stream: decoded and written as it is read; the temporary file goes if it fails.
      await checkTarget(input, plainTarget, flags.force === true);
      const counted = countPieces(opened.decoded);
      await writeTarget(plainTarget, counted, { force: flags.force === true, mode: modeOf(stats), mtime: stats?.mtime, durable: flags.rm === true });
      const removing = flags.rm === true && input !== STDIO && plainTarget.kind === 'file';
      if (removing && plainTarget.kind === 'file') await removeInputAfter(input, plainTarget.path);
      if (flags.verbose) log.detail(`${label} -> ${targetLabel(plainTarget)}: ${fmt.bytes(counted.bytes)}, chunked, ${fmt.elapsed(start)}${removing ? `, ${label} removed` : ''}`);
      return;
    }
    const packed = opened.packed;
    const info = headerOf(packed);
    const target = plainTarget.kind === 'file' && flags.output === undefined ? targetFor(input, flags, (f) => decompressedName(f, info)) : plainTarget;
    await checkTarget(input, target, flags.force === true);

    // Written part by part (a PNG's chunks): the output is never held twice.
    const output = await decodeStream(packed, models, flags, progress, label);
    await writeTarget(target, partsToWrite(output), { force: flags.force === true, mode: modeOf(stats), mtime: stats?.mtime, durable: flags.rm === true });
    const removing = flags.rm === true && input !== STDIO && target.kind === 'file';
    if (removing && target.kind === 'file') await removeInputAfter(input, target.path);

    if (flags.verbose && info) {
      const how = await codingDetails(info, models, flags.backend, flags.workers);
      log.detail(
        `${label} -> ${targetLabel(target)}: ${fmt.bytes(packed.length)} -> ${fmt.bytes(partsLength(output))}, ${info.method}, ${how}, ${fmt.elapsed(start)}${removing ? `, ${label} removed` : ''}`,
      );
    }
  });
}
