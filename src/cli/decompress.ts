/**
 * `flowzip decompress FILE.fz…` (also `flowzip -d`, `flowzip d`): FILE.fz →
 * FILE (or -o / stdout). The library checks the stream's checksum, so an
 * output is only written once it is known to be right; with --rm the .fz is
 * removed only after that output is in place.
 */
import { decompress, type Model } from '../codec/index.js';
import { checkCommandLine, checkTarget, forEachInput, removeInputAfter, targetFor, targetLabel, writeTarget } from './batch.js';
import { FZ_SUFFIX } from './compress.js';
import { FileError } from './errors.js';
import * as fmt from './format.js';
import { STDIO, modeOf, readInput } from './io.js';
import { Log } from './log.js';
import { loadModelOption, type DecompressFlags } from './options.js';
import { ProgressDisplay } from './progress.js';
import { basename } from 'node:path';

/** FILE for FILE.fz; a FileError for names without the suffix (they need -o or -c). */
export function decompressedName(input: string): string {
  if (!input.endsWith(FZ_SUFFIX) || basename(input) === FZ_SUFFIX) {
    throw new FileError(`name does not end in ${FZ_SUFFIX}, so the output name is unknown; use -o FILE or -c`);
  }
  return input.slice(0, -FZ_SUFFIX.length);
}

/** Runs `flowzip decompress`; returns the exit status (usage problems throw UsageError). */
export async function decompressCommand(files: string[], flags: DecompressFlags): Promise<number> {
  const inputs = files.length > 0 ? files : [STDIO];
  checkCommandLine(inputs, flags, 'decompress');
  const models: Model[] = flags.model.map(loadModelOption);
  const log = new Log(flags);
  const progress = ProgressDisplay.forStderr(flags.quiet === true);
  const toStdout = flags.stdout || flags.output === STDIO || (flags.output === undefined && inputs.includes(STDIO));
  if (flags.rm && toStdout) log.warn('--rm does not remove inputs written to stdout');

  return forEachInput(inputs, log, async (input, label) => {
    const target = targetFor(input, flags, decompressedName);
    await checkTarget(input, target, flags.force === true);
    const start = performance.now();
    const { bytes: packed, stats } = await readInput(input);

    const bar = progress.track(label);
    let output: Uint8Array;
    try {
      output = await decompress(packed, { models, backend: flags.backend, workers: flags.workers, maxPixels: flags.maxPixels, maxOutputBytes: flags.maxOutput, onProgress: bar.onProgress });
    } finally {
      bar.stop();
    }

    await writeTarget(target, output, { force: flags.force === true, mode: modeOf(stats), mtime: stats?.mtime });
    const removing = flags.rm === true && input !== STDIO && target.kind === 'file';
    if (removing && target.kind === 'file') await removeInputAfter(input, target.path);

    if (flags.verbose) {
      log.detail(`${label} -> ${targetLabel(target)}: ${fmt.bytes(packed.length)} -> ${fmt.bytes(output.length)}, ${fmt.elapsed(start)}${removing ? `, ${label} removed` : ''}`);
    }
  });
}
