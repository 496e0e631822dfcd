/**
 * Browser implementation of runner.ts (same exports): every net runs on the
 * pure-TypeScript integer reference, which defines the exact outputs (the
 * canary is its hash) and needs no tfjs to load. The shipped defaults (the
 * causal models) run no nets, and model zero's sparse nets take the
 * reference's compiled fast path, faster than tfjs-wasm in Node too; only the
 * dense `photo` / `gray` models would decode faster on tfjs (README "In the
 * browser"). tfjs backends report "cannot run here" (null), as a missing
 * backend does in Node.
 */
import type { QNet } from './qnet.js';
import { runNetReference } from './reference.js';
import type { BackendName, NetRunner } from './runner.js';

export type { BackendName, NetRunner };

const referenceRunner: NetRunner = { name: 'reference', run: (net: QNet, input: Int32Array[], h: number, w: number) => runNetReference(net, input, h, w) };

/** The reference runner for `reference`; null (cannot run here) for the tfjs backends. */
export async function createRunner(name: BackendName): Promise<NetRunner | null> {
  return name === 'reference' ? referenceRunner : null;
}

/** The reference runner (the only one here). */
export async function wasmOrReference(): Promise<NetRunner> {
  return referenceRunner;
}
