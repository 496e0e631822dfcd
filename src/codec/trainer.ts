/**
 * The contract between the CLI and the optional training code. Training
 * lives in train/ (beside src/, never imported by it) and needs the full
 * `@tensorflow/tfjs` package (gradients), which is not a runtime dependency
 * of the codec. The launcher (bin/flowzip.js) hands the CLI a
 * {@link TrainerLoader}; `flowzip train` calls it only when it runs, and a
 * loader that fails because a module is missing becomes a clear error.
 */
import { PRESETS } from '../flows/presets.js';

/** Options of one training run (see train/user-train.ts, which implements it). */
export interface TrainRequest {
  /** Folder of 8-bit PNG images (RGB or gray). */
  dir: string;
  /** Model file to write. */
  out: string;
  /** Preset name (TRAIN_PRESET_NAMES); default chosen by the trainer from the images. */
  arch?: string;
  minutes?: number;
  steps?: number;
  /** Checkpoint folder (default OUT.run); an existing one is resumed. */
  run?: string;
  batch?: number;
  patch?: number;
  quiet?: boolean;
}

/** What a finished run reports: steps taken, validation bpsp (null if none measured), checkpoint folder. */
export interface TrainResult {
  steps: number;
  valBpsp: number | null;
  run: string;
}

/** A training module: trains (or resumes) and writes the model to `out`. */
export interface Trainer {
  trainOnFolder(request: TrainRequest): Promise<TrainResult>;
}

/** Loads the training module on demand; rejects (typically ERR_MODULE_NOT_FOUND) when it or its dependencies are not installed. */
export type TrainerLoader = () => Promise<Trainer>;

/** Names of the architecture presets `flowzip train --arch` accepts. */
export const TRAIN_PRESET_NAMES: readonly string[] = Object.keys(PRESETS);

/** The one-line message for a missing trainer: what to install. `detail` is the loader's error message, if any. */
export function missingTrainerMessage(detail?: string): string {
  const why = detail ? ` (${detail.split('\n')[0]})` : '';
  return `flowzip train needs the training code (dist/train, built from a source checkout) and the @tensorflow/tfjs package, which the codec itself does not install; run 'npm install @tensorflow/tfjs' in a flowzip checkout${why}`;
}

/** True when `error` says a module could not be found (Node's ERR_MODULE_NOT_FOUND / MODULE_NOT_FOUND). */
export function isMissingModule(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}
