/**
 * `flowzip train DIR --out MODEL`: fit a model on your own images. The
 * training code (train/, tfjs with gradients) is not part of src/: the
 * launcher passes a loader for it (codec/trainer.ts), called only for this
 * command, never on the coding path.
 */
import { isMissingModule, missingTrainerMessage, type TrainerLoader } from '../codec/trainer.js';
import { UsageError } from './errors.js';
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

/**
 * Loads the trainer with `load` and runs it; returns the exit status (0, or 1
 * with a one-line error). No loader, or one that fails for a missing module,
 * gives the message of `missingTrainerMessage`.
 */
export async function trainCommand(dir: string, flags: TrainFlags, load?: TrainerLoader): Promise<number> {
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const log = new Log({ quiet: false, verbose: false });
  let trainer;
  try {
    if (!load) throw Object.assign(new Error('no trainer in this build'), { code: 'ERR_MODULE_NOT_FOUND' });
    trainer = await load();
  } catch (e) {
    // A missing module is the setup's, not a bug: a plain one-line message (no 'internal error').
    log.error(isMissingModule(e) ? new UsageError(missingTrainerMessage((e as Error).message)) : e);
    return 1;
  }
  try {
    const res = await trainer.trainOnFolder({
      dir,
      out: flags.out,
      arch: flags.arch,
      minutes: num(flags.minutes),
      steps: num(flags.steps),
      run: flags.run,
      batch: num(flags.batch),
      patch: num(flags.patch),
      quiet: flags.quiet,
    });
    if (!flags.quiet) process.stderr.write(`wrote ${flags.out} (${res.steps} steps, validation ${res.valBpsp?.toFixed(3) ?? '-'} bpsp; resume with the same command, checkpoints in ${res.run})\n`);
    return 0;
  } catch (e) {
    log.error(e);
    return 1;
  }
}
