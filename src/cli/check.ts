/**
 * `flowzip test FILE.fz…` (also `flowzip -t`): decode each stream and verify
 * it (format, model, checksum of the original) without writing anything.
 * Prints `FILE: OK` per good stream on stdout (not with -q); a bad one is a
 * one-line error on stderr and exit status 1, as for decompress.
 */
import { FZ_SUFFIX } from './compress.js';
import { codingDetails } from './details.js';
import { partsLength } from '../codec/container.js';
import { decodeStream, decodingSetup, headerOf } from './decompress.js';
import * as fmt from './format.js';
import { checkCommandLine, forEachInput } from './batch.js';
import { openFz } from './fz-input.js';
import { countPieces, writeStdout } from './io.js';
import { Log } from './log.js';
import type { TestFlags } from './options.js';
import { ProgressDisplay } from './progress.js';

/** Runs `flowzip test`; returns the exit status. */
export async function testCommand(files: string[], flags: TestFlags): Promise<number> {
  const { models, inputs } = await decodingSetup(files, flags);
  const log = new Log(flags);
  if (inputs.length === 0) {
    log.warn(`no ${FZ_SUFFIX} files in the folders given`);
    return 0;
  }
  checkCommandLine(inputs, {}, 'test');
  const progress = ProgressDisplay.forStderr(flags.quiet === true);
  return forEachInput(inputs, log, async (input, label) => {
    const start = performance.now();
    const opened = await openFz(input, flags.maxOutput);
    if (opened.decoded) {
      // A long chunked stream: every chunk decoded and the CRC checked as it is read; nothing kept.
      const counted = countPieces(opened.decoded);
      for await (const piece of counted) void piece;
      if (!flags.quiet) await writeStdout(Buffer.from(`${label}: OK${flags.verbose ? ` (${fmt.bytes(counted.bytes)}, chunked, ${fmt.elapsed(start)})` : ''}\n`));
      return;
    }
    const packed = opened.packed;
    const output = await decodeStream(packed, models, flags, progress, label);
    const info = headerOf(packed);
    let line = `${label}: OK`;
    if (flags.verbose && info)
      line += ` (${fmt.bytes(packed.length)} -> ${fmt.bytes(partsLength(output))}, ${info.method}, ${await codingDetails(info, models, flags.backend, flags.workers)}, ${fmt.elapsed(start)})`;
    if (!flags.quiet) await writeStdout(Buffer.from(`${line}\n`));
  });
}
