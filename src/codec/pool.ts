/**
 * Parallel coding of pieces (tile × plane group) on a `worker_threads` pool.
 *
 * Each piece's stream is independent of every other, and a piece is coded by
 * exactly the same functions (image-codec.ts `encodePiece` / `decodePiece`)
 * wherever it runs, so the output does not depend on the number of threads.
 * With `threads` = N the calling thread and N − 1 pool workers take pieces in
 * order from one queue: the caller starts at once (a worker that is still
 * starting up takes no piece until it is ready), so small images never wait
 * for a worker. Each worker holds its own copy of the models and its own
 * canary-checked runner (one tfjs/runner instance per worker); models are
 * sent to a worker once.
 *
 * The pool lives for the process and grows to the largest size asked for.
 * Idle workers are unref'd, so they never keep the process alive.
 *
 * Worker script: `worker.js` next to this module when running compiled code
 * (dist/src/codec/). Under a TypeScript runner (vitest runs src/*.ts), the
 * compiled dist/src/codec/worker.js of the same package is used — built by
 * `npm test` (`tsc` runs first). If no compiled worker exists, everything runs
 * on the calling thread (same bytes, just slower).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Model } from '../flows/model.js';
import type { BackendName } from '../quant/runner.js';
import { FlowzipError, type FlowzipErrorCode } from './errors.js';
import { modelsDir } from './models.js';
import type { StreamFeatures } from './stream-features.js';
import type { TileRect } from './tiling.js';

let threads = 0;

/** Default number of coding threads: min(2, available cores), asked of the OS once per process (a batch of small files asks per file). */
export function defaultThreads(): number {
  if (threads === 0) threads = Math.max(1, Math.min(2, availableParallelism()));
  return threads;
}

/** A piece job as sent to a worker (the model travels separately, once per worker). */
export interface PieceJob {
  /** encode / decode a piece, or `fit`: a causal model's normal equations of the tile (data = its samples, params = the fit plan). */
  kind: 'encode' | 'decode' | 'fit';
  model: Model;
  backend: BackendName;
  /** Channels of the plane group (1 or 3). */
  count: 1 | 3;
  /** The tile at the origin of its own small image: x = y = 0. */
  rect: TileRect;
  /** encode: the tile's samples, interleaved (count channels, w×h); decode: the piece's bytes. */
  data: Uint8Array;
  /** decode: the piece kind (image-codec.ts PieceKind: model stream, brotli fallback, copy tile). */
  fallback?: number;
  /** decode: the features of the stream's format version (stream-features.ts). */
  features?: StreamFeatures;
  /** A causal model's serialised parameters for this image (image-codec.ts), or the fit plan of a `fit` job. */
  params?: Uint8Array;
}

/** A worker's answer: encode → data = coded bytes + piece kind; decode → data = raw planar samples. */
export interface PieceReply {
  data: Uint8Array;
  fallback?: number;
}

/** A unit of work for {@link runPieces}: run here, or as a job on a worker. */
export interface PieceTask<R> {
  local(): R;
  job(): { job: PieceJob; transfer: ArrayBuffer[] };
  result(reply: PieceReply): R;
}

/** Wire format between the pool and a worker. */
export interface WireJob {
  id: number;
  modelKey: number;
  /** Models this worker has not seen yet. */
  models: Array<{ key: number; model: Model }>;
  job: Omit<PieceJob, 'model'>;
}
/** Sent when a worker joins a run: load this model and pass its canary now, before the first piece arrives. */
export interface WirePrepare {
  type: 'prepare';
  models: Array<{ key: number; model: Model }>;
  modelKey: number;
  backend: BackendName;
}
export type WireReply = { type: 'ready' } | { type: 'done'; id: number; reply: PieceReply } | { type: 'error'; id: number; code: string | null; message: string };

/** A worker died or could not start: its piece is run on the calling thread instead. */
class WorkerLost extends Error {}

const modelKeys = new WeakMap<Model, number>();
let nextModelKey = 1;
function modelKey(m: Model): number {
  let k = modelKeys.get(m);
  if (k === undefined) modelKeys.set(m, (k = nextModelKey++));
  return k;
}

class PoolWorker {
  private readonly worker: Worker;
  ready = false;
  dead = false;
  private readonly seen = new Set<number>();
  private readonly pending = new Map<number, { resolve: (r: PieceReply) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(url: URL) {
    this.worker = new Worker(url, { execArgv: [] });
    this.worker.on('message', (m: WireReply) => this.onMessage(m));
    this.worker.on('error', () => this.lose());
    this.worker.on('exit', () => this.lose());
    this.worker.unref(); // after the listeners: attaching one refs the worker again
  }

  private onMessage(m: WireReply): void {
    if (m.type === 'ready') {
      this.ready = true;
      everReady = true;
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    this.idle();
    if (m.type === 'done') p.resolve(m.reply);
    else p.reject(m.code ? new FlowzipError(m.code as FlowzipErrorCode, m.message) : new Error(m.message));
  }

  /** Jobs sent and not yet answered. */
  get inflight(): number {
    return this.pending.size;
  }

  private idle(): void {
    if (this.pending.size === 0) this.worker.unref();
  }

  private lose(): void {
    if (!this.ready && !this.dead && !everReady) broken = true; // the worker script cannot start here: stop trying
    this.dead = true;
    this.ready = false;
    for (const p of this.pending.values()) p.reject(new WorkerLost('worker exited'));
    this.pending.clear();
  }

  /** Sends `model` (if this worker has not seen it) and has the worker pass its canary on `backend` now. */
  prepare(model: Model, backend: BackendName): void {
    const key = modelKey(model);
    if (this.seen.has(key) || this.dead) return;
    this.seen.add(key);
    const msg: WirePrepare = { type: 'prepare', models: [{ key, model }], modelKey: key, backend };
    try {
      this.worker.postMessage(msg);
    } catch {
      this.seen.delete(key);
    }
  }

  run(job: PieceJob, transfer: ArrayBuffer[]): Promise<PieceReply> {
    this.worker.ref(); // an awaited job must keep the process alive
    const id = this.nextId++;
    const key = modelKey(job.model);
    const models = this.seen.has(key) ? [] : [{ key, model: job.model }];
    this.seen.add(key);
    const { model: _model, ...rest } = job;
    void _model;
    const wire: WireJob = { id, modelKey: key, models, job: rest };
    return new Promise<PieceReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage(wire, transfer);
      } catch (e) {
        this.pending.delete(id);
        this.idle();
        reject(new WorkerLost((e as Error).message));
      }
    });
  }
}

const workers: PoolWorker[] = [];
let workerScript: URL | null | undefined;
/** Whether any worker ever started, and whether one failed to start before any did (then no more are spawned). */
let everReady = false;
let broken = false;

/** The compiled worker script, or null when there is none (see the module comment). */
function workerUrl(): URL | null {
  if (workerScript === undefined) {
    const here = import.meta.url;
    const url = here.endsWith('.ts') ? pathToFileURL(join(dirname(modelsDir()), 'dist', 'src', 'codec', 'worker.js')) : new URL('./worker.js', here);
    workerScript = existsSync(fileURLToPath(url)) ? url : null;
  }
  return workerScript;
}

/** Live pool workers, started (up to `n`) on first use. */
function poolWorkers(n: number): PoolWorker[] {
  for (let i = workers.length - 1; i >= 0; i--) if (workers[i].dead) workers.splice(i, 1);
  const url = workerUrl();
  if (!url || broken) return [];
  while (workers.length < n) workers.push(new PoolWorker(url));
  return workers.slice(0, n);
}

/**
 * Starts the workers of a run on `threads` threads ahead of it (nothing when
 * they are up already), so that their start-up — a thread loading the codec's
 * modules, ~0.1 s — overlaps the caller's reading of its input instead of
 * holding back the first pieces. Worth it only before a run with more than
 * one piece.
 */
export function warmPool(threads: number): void {
  if (threads > 1) poolWorkers(threads - 1);
}

/** Pieces coded by pool workers so far in this process (for tests and benchmarks). */
export const poolStats = { remotePieces: 0, localPieces: 0 };

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs `tasks` in order on `threads` threads (the caller plus threads − 1
 * workers) and calls `onResult(i, r)` for each as it completes (any order).
 * `models` (with their backends) are sent to the workers up front so that
 * they pass their canaries while the caller already codes.
 * On failure, no further piece is started and the error of the earliest
 * failing piece is thrown once the pieces in flight have settled — the error
 * a sequential run would have met first.
 *
 * `prepare(from, to)`, when given, is awaited before tasks `from … to − 1`
 * may start (their `local` or `job` is called only after it resolves); every
 * task before `from` has started by then. Calls come in order, `to`
 * increasing, and run ahead of the tasks by `threads`, so that the caller can
 * load what the next tasks read (a band of the image) while pieces are coded.
 */
export async function runPieces<R>(
  tasks: Array<PieceTask<R>>,
  threads: number,
  onResult: (i: number, r: R) => void,
  models: Array<{ model: Model; backend: BackendName }> = [],
  prepare?: (from: number, to: number) => Promise<void>,
): Promise<void> {
  if (!Number.isInteger(threads) || threads < 0) throw new FlowzipError('E_USAGE', `workers must be a non-negative integer, got ${threads}`);
  const helpers = threads > 1 && tasks.length > 1 ? poolWorkers(Math.min(threads, tasks.length) - 1) : [];
  for (const w of helpers) for (const { model, backend } of models) w.prepare(model, backend);
  let next = 0;
  // Tasks before `ready` may start (all of them without `prepare`).
  let ready = prepare ? 0 : tasks.length;
  const prepareAhead = async () => {
    const to = Math.min(tasks.length, next + 2 * Math.max(1, threads) + 1);
    if (!prepare || to <= ready) return;
    await prepare(next, to); // workers may take tasks before the old `ready` meanwhile, never past it
    ready = to;
  };
  let failed: { i: number; e: unknown } | null = null;
  const fail = (i: number, e: unknown) => {
    if (!failed || i < failed.i) failed = { i, e };
  };
  const runLocal = (i: number) => {
    try {
      const r = tasks[i].local();
      poolStats.localPieces++;
      onResult(i, r);
    } catch (e) {
      fail(i, e);
    }
  };
  const inflight = new Set<Promise<void>>();
  // A worker holds up to two jobs, so that it has the next one queued while the calling thread codes
  // a piece of its own and cannot hand out work; the second only while enough pieces remain for
  // every thread, so that the last pieces are not queued behind each other.
  const canTake = (w: PoolWorker) => w.ready && !w.dead && !failed && next < ready && (w.inflight === 0 || (w.inflight === 1 && tasks.length - next > helpers.length + 1));
  const dispatch = () => {
    for (const w of helpers) {
      while (canTake(w)) {
        const i = next++;
        let wire: { job: PieceJob; transfer: ArrayBuffer[] };
        try {
          wire = tasks[i].job();
        } catch (e) {
          fail(i, e);
          return;
        }
        const p = w
          .run(wire.job, wire.transfer)
          .then(
            (reply) => {
              poolStats.remotePieces++;
              onResult(i, tasks[i].result(reply));
            },
            (e) => (e instanceof WorkerLost ? runLocal(i) : fail(i, e)),
          )
          .catch((e) => fail(i, e))
          .finally(() => {
            inflight.delete(p);
            dispatch();
          });
        inflight.add(p);
      }
    }
  };
  for (;;) {
    await prepareAhead().catch((e) => fail(next, e));
    dispatch();
    if (next >= tasks.length || failed) break;
    runLocal(next++);
    if (helpers.length) await tick(); // let worker replies in
  }
  while (inflight.size) await Promise.race(inflight);
  if (failed) throw (failed as { e: unknown }).e;
}
