/**
 * Progress bar on stderr for long codings, driven by the codec's
 * `onProgress(done, total)` (one step per tile and plane group). Shown only
 * when stderr is a terminal, not with `--quiet`, and only for work of at
 * least {@link MIN_PIECES} pieces, so small files and scripts see nothing.
 */
import cliProgress from 'cli-progress';
import { duration } from './format.js';

/** Fewest pieces (256×256 tiles × plane groups, ~0.5 s each today) worth a bar. */
export const MIN_PIECES = 4;

/** Longest file label shown in front of the bar. */
const LABEL_WIDTH = 32;

/** The progress of one file: the callback for the codec, and `stop` to clear the bar. */
export interface FileProgress {
  onProgress: (done: number, total: number) => void;
  /** Removes the bar (if one was shown); call before printing anything else. */
  stop: () => void;
}

/** Creates one progress bar per file, when progress display is on. */
export class ProgressDisplay {
  constructor(private readonly enabled: boolean) {}

  /** Progress display for the CLI: on for a terminal stderr, unless quiet. */
  static forStderr(quiet: boolean): ProgressDisplay {
    return new ProgressDisplay(!quiet && process.stderr.isTTY === true);
  }

  /** Starts tracking one file; the bar appears at the first report of large work. */
  track(label: string): FileProgress {
    if (!this.enabled) return { onProgress: () => {}, stop: () => {} };
    let bar: cliProgress.SingleBar | null = null;
    let decided = false;
    return {
      onProgress: (done, total) => {
        if (!decided) {
          decided = true;
          if (total < MIN_PIECES) return;
          bar = new cliProgress.SingleBar({
            format: `${shorten(label)} [{bar}] {percentage}% | {value}/{total} tiles | ETA {eta_formatted}`,
            stream: process.stderr,
            clearOnComplete: true,
            hideCursor: false,
            gracefulExit: false, // our own handlers (cleanup.ts) deal with signals
            etaBuffer: 8,
            // cli-progress's own formatter rounds the seconds after splitting off the minutes ("6m60s").
            formatTime: (t: number, _options: unknown, step: number) => duration(t, step),
          });
          bar.start(total, 0);
        }
        bar?.update(done);
      },
      stop: () => {
        bar?.stop();
        bar = null;
      },
    };
  }
}

function shorten(label: string): string {
  return label.length <= LABEL_WIDTH ? label : `…${label.slice(label.length - LABEL_WIDTH + 1)}`;
}
