/**
 * Entry point of a pool worker (see pool.ts): codes single pieces with the
 * same functions as the calling thread, with its own canary-checked runner.
 * Loaded from the compiled dist/src/codec/worker.js.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import type { Model } from '../flows/model.js';
import type { NetRunner } from '../quant/runner.js';
import { ByteReader } from './bytes.js';
import { accumulateImageTile, readCausalParams, readFitPlan } from './causal-coder.js';
import { FlowzipError } from './errors.js';
import { decodePiece, encodePiece } from './image-codec.js';
import { WRITTEN_FEATURES } from './stream-features.js';
import { canaryRunner } from './models.js';
import type { PieceReply, WireJob, WirePrepare, WireReply } from './pool.js';

const port = parentPort;
if (!port) throw new Error('flowzip worker: not started as a worker thread');

const models = new Map<number, Model>();

/**
 * A young-generation collection, run after each job: a piece's typed arrays
 * (a few MB a tile) are garbage once it is sent, but V8 collects them only
 * when its heap of small objects fills, so without it dead tiles piled up to
 * ~60 MB in this thread (24 MP photo). A scavenge of this small heap costs
 * well under 1 % of a piece's time.
 */
setFlagsFromString('--expose-gc');
const collectYoung = runInNewContext('gc') as (options: { type: 'minor' }) => void;

/** The runner for the backend the caller chose, canary-checked here; the reference (always exact) if that backend fails in this thread. */
async function runnerFor(model: Model, backend: WireJob['job']['backend']): Promise<NetRunner> {
  const r = (await canaryRunner(model, backend)) ?? (await canaryRunner(model, 'reference'));
  if (!r) throw new FlowzipError('E_BACKEND', `no backend reproduces model ${model.name}'s canary in a worker`);
  return r;
}

/** A Uint8Array that owns its whole buffer (safe to transfer). */
function owned(a: Uint8Array): Uint8Array {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer ? a : a.slice();
}

async function handle(msg: WireJob): Promise<{ reply: PieceReply; transfer: ArrayBuffer[] }> {
  for (const { key, model } of msg.models) models.set(key, model);
  const model = models.get(msg.modelKey);
  if (!model) throw new Error('flowzip worker: unknown model key');
  const runner = await runnerFor(model, msg.job.backend);
  const { rect, count, data } = msg.job;
  if (msg.job.kind === 'fit') {
    const sums = accumulateImageTile(data, rect.w, rect.h, count, readFitPlan(msg.job.params!, count));
    const bytes = new Uint8Array(sums.buffer);
    return { reply: { data: bytes }, transfer: [sums.buffer as ArrayBuffer] };
  }
  const params = msg.job.params ? readCausalParams(new ByteReader(msg.job.params), count) : undefined;
  if (msg.job.kind === 'encode') {
    const piece = encodePiece(data, { width: rect.w, height: rect.h, channels: count }, { first: 0, count, model, runner, params }, rect);
    const bytes = owned(piece.bytes);
    return { reply: { data: bytes, fallback: piece.fallback }, transfer: [bytes.buffer as ArrayBuffer] };
  }
  const raw = owned(decodePiece(data, msg.job.fallback ?? 0, rect, { count, model, runner, params }, msg.job.features ?? WRITTEN_FEATURES));
  return { reply: { data: raw }, transfer: [raw.buffer as ArrayBuffer] };
}

port.on('message', (msg: WireJob | WirePrepare) => {
  if ('type' in msg) {
    // Warm-up: keep the model and start its canary (a failure shows up again, and is reported, with the first job).
    for (const { key, model } of msg.models) models.set(key, model);
    const model = models.get(msg.modelKey);
    if (model) runnerFor(model, msg.backend).catch(() => undefined);
    return;
  }
  handle(msg).then(
    ({ reply, transfer }) => {
      port.postMessage({ type: 'done', id: msg.id, reply } satisfies WireReply, transfer);
      collectYoung({ type: 'minor' });
    },
    (e: unknown) => {
      const err = e as Error;
      port.postMessage({ type: 'error', id: msg.id, code: e instanceof FlowzipError ? e.code : null, message: String(err?.message ?? e) } satisfies WireReply);
    },
  );
});
port.postMessage({ type: 'ready' } satisfies WireReply);
