/**
 * The description of a causal model: the autoregressive integer coupling of
 * causal-kernel.ts and what of it is switched on. It is what a causal model
 * file holds instead of a flow of nets, and what its id hashes.
 */
import { MAX_CLASSES } from './causal-kernel.js';
import type { StackMode } from './causal-stack.js';

/** Name of the kernel these models run; a changed kernel is a new name (and so new model ids). */
export const CAUSAL_KERNEL = 'ar-ls-stack-1';

/** A causal model's architecture. */
export interface CausalSpec {
  /** Channels of the plane group it codes: 3 (RGB, through YCoCg-R) or 1 (gray, alpha). */
  channels: 1 | 3;
  /** The kernel (CAUSAL_KERNEL). */
  kernel: string;
  /** Most predictor classes the encoder may fit per plane (1..MAX_CLASSES). */
  maxClasses: number;
  /** How the online stack (causal-stack.ts) learns its correction of the fitted prediction: `off`, `nlms` or `rls`. */
  stack: StackMode;
}

/** The spec as canonical JSON-able data (key order fixed: what the model id hashes). */
export function causalToJson(s: CausalSpec): unknown {
  return { kind: 'causal', channels: s.channels, kernel: s.kernel, maxClasses: s.maxClasses, stack: s.stack };
}

/** Parses and validates a spec from model JSON; throws Error with a one-line reason. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function causalFromJson(j: any): CausalSpec {
  if (j?.kind !== 'causal') throw new Error('causal: kind must be "causal"');
  if (j.channels !== 1 && j.channels !== 3) throw new Error(`causal: channels must be 1 or 3, got ${j.channels}`);
  if (j.kernel !== CAUSAL_KERNEL) throw new Error(`causal: kernel "${j.kernel}" is not supported by this build (it has ${CAUSAL_KERNEL})`);
  if (!Number.isInteger(j.maxClasses) || j.maxClasses < 1 || j.maxClasses > MAX_CLASSES) throw new Error(`causal: maxClasses must be 1..${MAX_CLASSES}`);
  if (!['off', 'nlms', 'rls'].includes(j.stack)) throw new Error('causal: stack must be "off", "nlms" or "rls"');
  return { channels: j.channels, kernel: j.kernel, maxClasses: j.maxClasses, stack: j.stack };
}
