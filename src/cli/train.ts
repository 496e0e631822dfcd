/**
 * `flowzip train DIR --out MODEL`: fit a model on your own images. The
 * training code (train/, tfjs with gradients) is loaded only for this command,
 * never on the coding path.
 */
import { Log } from './log.js';

/** Flags of the train command. */
export interface TrainFlags {
  out: string;
  arch?: string;
  minutes?: string;
  steps?: string;
  run?: string;
  batch?: string;
  patch?: string;
  quiet?: boolean;
}

/** Runs training; returns the exit status. */
export async function trainCommand(dir: string, flags: TrainFlags): Promise<number> {
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  try {
    const { trainOnFolder } = await import('../../train/user-train.js');
    const res = await trainOnFolder({ dir, out: flags.out, arch: flags.arch, minutes: num(flags.minutes), steps: num(flags.steps), run: flags.run, batch: num(flags.batch), patch: num(flags.patch), quiet: flags.quiet });
    if (!flags.quiet) process.stderr.write(`wrote ${flags.out} (${res.steps} steps, validation ${res.valBpsp?.toFixed(3) ?? '-'} bpsp; resume with the same command, checkpoints in ${res.run})\n`);
    return 0;
  } catch (e) {
    new Log({ quiet: false, verbose: false }).error(e);
    return 1;
  }
}
