/**
 * `flowzip info FILE.fz… [--json]`: what a stream holds, read from its
 * header without decoding: format version, method, image size and channels,
 * models (id and name), compressed size, bits per subpixel. The stream's
 * structure is checked too (codec/stream-check.ts): a truncated or
 * inconsistent stream is an error and exit status 1.
 */
import { inspectStream, type StreamInfo } from '../codec/index.js';
import { checkStreamStructure } from '../codec/stream-check.js';
import { checkCommandLine, forEachInput } from './batch.js';
import { isFzName } from './decompress.js';
import { commandInputs } from './inputs.js';
import * as fmt from './format.js';
import { readInput, writeStdout } from './io.js';
import { Log, type Verbosity } from './log.js';

/** Flags of `flowzip info`. */
export interface InfoFlags extends Verbosity {
  json?: boolean;
  /** `-r`: the .fz files below folders. */
  recursive?: boolean;
}

/** One entry of `info --json` output: the file's name plus the stream's description. */
export type InfoRecord = { file: string } & StreamInfo;

/** Runs `flowzip info`; returns the exit status. JSON output is one array over all files that could be read. */
export async function infoCommand(files: string[], flags: InfoFlags): Promise<number> {
  const inputs = await commandInputs(files, flags.recursive, isFzName);
  checkCommandLine(inputs, {}, 'describe');
  const log = new Log(flags);
  const records: InfoRecord[] = [];
  const code = await forEachInput(inputs, log, async (input, label) => {
    const { bytes } = await readInput(input);
    const record: InfoRecord = { file: label, ...inspectStream(bytes) };
    // A stream cut short or inconsistent is an error (exit 1), not a normal-looking report.
    await checkStreamStructure(bytes);
    records.push(record);
    if (!flags.json) await writeStdout(Buffer.from(`${records.length > 1 ? '\n' : ''}${formatInfo(record)}\n`));
  });
  if (flags.json) await writeStdout(Buffer.from(`${JSON.stringify(records, null, 2)}\n`));
  return code;
}

/** The human-readable description of one stream. */
export function formatInfo(r: InfoRecord): string {
  const rows: Array<[string, string]> = [
    ['format version', String(r.formatVersion)],
    ['method', r.image ? `${r.method} (${r.image.format.toUpperCase()})` : r.method],
  ];
  if (r.image) {
    rows.push(['image', `${r.image.width}x${r.image.height}, ${r.image.channels} channel${r.image.channels === 1 ? '' : 's'}`]);
    rows.push(['models', r.image.models.map((m) => `${m.name ?? 'unknown model'} (${m.id})`).join(', ') || '-']);
  }
  rows.push(['compressed', fmt.bytes(r.compressedBytes)]);
  if (r.originalBytes !== null) rows.push(['original', `${fmt.bytes(r.originalBytes)} (compressed is ${fmt.percent(r.compressedBytes, r.originalBytes)})`]);
  if (r.image) rows.push(['bpsp', `${r.image.bpsp.toFixed(3)} bits per subpixel`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return [r.file, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
}
