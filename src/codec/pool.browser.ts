/**
 * Browser implementation of pool.ts (same exports): every piece runs on the
 * calling thread, in order. The bytes do not depend on the number of threads
 * (pool.ts), so this only costs speed; a page that wants parallel decoding
 * runs decoders in Web Workers, one stream each.
 */
import type { Model } from '../flows/model.js';
import type { BackendName } from '../quant/runner.js';
import { FlowzipError } from './errors.js';
import type { PieceTask } from './pool.js';

export type { PieceJob, PieceReply, PieceTask, WireJob, WirePrepare, WireReply } from './pool.js';

/** Coding threads here: 1 (the calling thread). */
export function defaultThreads(): number {
  return 1;
}

/** Pieces coded so far (all local here). */
export const poolStats = { remotePieces: 0, localPieces: 0 };

/** No workers in the page: nothing to start (pool.ts warmPool). */
export function warmPool(_threads: number): void {}

/**
 * Runs `tasks` in order on the calling thread, calling `onResult(i, r)` for
 * each; the first failure stops the run and is thrown (the error a
 * sequential run meets first, as in pool.ts). `threads` is checked as there.
 */
export async function runPieces<R>(tasks: Array<PieceTask<R>>, threads: number, onResult: (i: number, r: R) => void, _models: Array<{ model: Model; backend: BackendName }> = []): Promise<void> {
  if (!Number.isInteger(threads) || threads < 0) throw new FlowzipError('E_USAGE', `workers must be a non-negative integer, got ${threads}`);
  for (let i = 0; i < tasks.length; i++) {
    const r = tasks[i].local();
    poolStats.localPieces++;
    onResult(i, r);
  }
}
