/**
 * Worker thread of scripts/fuzz.ts: decodes the mutants it is sent with the
 * public `decompress` (and `inspectStream`, what `flowzip info` uses) and reports what happened — the SHA-256 of the output,
 * a FlowzipError's code, or any other exception (a crash). The parent
 * terminates this worker when a case runs past its time limit.
 */
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { decompress, FlowzipError, inspectStream, type BackendChoice } from '../src/codec/index.js';
import { goldenModels } from './golden-manifest.js';

/** A case sent by the parent. */
export interface FuzzRequest {
  id: number;
  bytes: Uint8Array;
}

/** What decoding one case gave. */
export type FuzzReply = { id: number; kind: 'decoded'; sha256: string; length: number } | { id: number; kind: 'typed'; code: string; message: string } | { id: number; kind: 'crash'; message: string };

/** Options the parent gives every worker. */
export interface FuzzWorkerData {
  backend?: BackendChoice;
  maxPixels?: number;
  maxOutputBytes?: number;
  /** A valid stream decoded once at start-up (backend init, canary), before `ready` is posted. */
  warmup?: Uint8Array;
}

const port = parentPort;
if (!port) throw new Error('fuzz-worker.ts runs as a worker thread of scripts/fuzz.ts');
const data = (workerData ?? {}) as FuzzWorkerData;
// Some golden seeds were made with models kept beside them (corpus/golden/models/).
const options = { backend: data.backend, maxPixels: data.maxPixels, maxOutputBytes: data.maxOutputBytes, models: goldenModels() };

async function decode(req: FuzzRequest): Promise<FuzzReply> {
  // `flowzip info` reads the same headers: it too may only fail with a typed error.
  try {
    inspectStream(req.bytes);
  } catch (e) {
    if (!(e instanceof FlowzipError)) return { id: req.id, kind: 'crash', message: `inspectStream: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` };
  }
  try {
    // Half the cases as a Node Buffer (what the CLI reads files into), half as a plain Uint8Array.
    const input = req.id % 2 ? Buffer.from(req.bytes.buffer, req.bytes.byteOffset, req.bytes.byteLength) : req.bytes;
    const out = await decompress(input, options);
    return { id: req.id, kind: 'decoded', sha256: createHash('sha256').update(out).digest('hex'), length: out.length };
  } catch (e) {
    if (e instanceof FlowzipError) return { id: req.id, kind: 'typed', code: e.code, message: e.message };
    const message = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
    return { id: req.id, kind: 'crash', message };
  }
}

if (data.warmup) await decompress(data.warmup, options).catch(() => {});
port.on('message', (req: FuzzRequest) => {
  void decode(req).then((reply) => port.postMessage(reply));
});
port.postMessage('ready');
