/**
 * `flowzip inspect IMAGE -o heat.png`: where the bits go. Writes a heatmap
 * of each pixel's exact code length under the model, and prints the total
 * and per-plane bits per subpixel.
 */
import { inspectImage } from '../codec/inspect.js';
import { checkCommandLine, forEachInput } from './batch.js';
import { readInput, writeFileSafely, writeStdout } from './io.js';
import { Log, type Verbosity } from './log.js';
import { loadModelOption } from './options.js';
import { UsageError } from './errors.js';
import type { BackendChoice } from '../codec/index.js';

/** Flags of `flowzip inspect`. */
export interface InspectFlags extends Verbosity {
  output?: string;
  force?: boolean;
  model?: string;
  backend?: BackendChoice;
  json?: boolean;
}

/** Runs `flowzip inspect`; returns the exit status. */
export async function inspectCommand(file: string, flags: InspectFlags): Promise<number> {
  checkCommandLine([file], {}, 'inspect');
  if (!flags.output && !flags.json) throw new UsageError('give -o HEATMAP.png for the heatmap (or --json for figures only)');
  const log = new Log(flags);
  const model = flags.model ? loadModelOption(flags.model) : undefined;
  return forEachInput([file], log, async (input, label) => {
    const { bytes } = await readInput(input);
    const r = await inspectImage(bytes, { model, backend: flags.backend });
    if (flags.output) await writeFileSafely(flags.output, r.heatmapPng, { force: flags.force ?? false });
    const planes = r.channelNames.map((n, i) => ({ plane: n, bpsp: r.perChannelBpsp[i] }));
    if (flags.json) {
      await writeStdout(
        Buffer.from(
          `${JSON.stringify({ file: label, width: r.width, height: r.height, channels: r.channels, models: r.models, totalBits: r.totalBits, bpsp: r.bpsp, planes, heatmap: flags.output ?? null, heatmapMaxBitsPerPixel: r.heatmapMax }, null, 2)}\n`,
        ),
      );
    } else {
      const lines = [
        `${label}: ${r.width}x${r.height}, ${r.channels} channel${r.channels === 1 ? '' : 's'}, models ${r.models.join(', ')}`,
        `  total  ${Math.round(r.totalBits / 8).toLocaleString('en-US')} bytes of tile payload, ${r.bpsp.toFixed(3)} bits per subpixel`,
        ...planes.map((p) => `  ${p.plane.padEnd(5)}  ${p.bpsp.toFixed(3)} bits per pixel`),
        ...(flags.output ? [`  heatmap ${flags.output} (dark blue 0 → yellow ${r.heatmapMax.toFixed(1)} bits per pixel)`] : []),
      ];
      await writeStdout(Buffer.from(lines.join('\n') + '\n'));
    }
  });
}
