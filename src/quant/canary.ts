/**
 * The exactness canary (DESIGN.md invariant 1): every net of a model is run on
 * a fixed pseudo-random integer input, and the SHA-256 of all outputs is
 * stored with the model. A backend is used for coding only if it reproduces
 * that hash; the pure-TS reference defines it.
 */
import { createHash } from '../platform/hash.js';
import type { QNet } from './qnet.js';
import type { NetRunner } from './runner.js';

/** Canary input size: odd on purpose, so zero padding on every border is exercised. */
export const CANARY_H = 13;
export const CANARY_W = 11;

/** Fixed input for a net: LCG values spanning the net's whole input clamp range and beyond. */
export function canaryInput(net: QNet, cin: number, salt: number): Int32Array[] {
  let s = (0x9e3779b9 ^ salt) >>> 0;
  const span = net.inHi - net.inLo + 1;
  const planes: Int32Array[] = [];
  for (let c = 0; c < cin; c++) {
    const p = new Int32Array(CANARY_H * CANARY_W);
    for (let i = 0; i < p.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      // Mostly in range, some beyond both ends to exercise the input clamp.
      p[i] = net.inLo - 8 + (s % (span + 16));
    }
    planes.push(p);
  }
  return planes;
}

/** SHA-256 (hex) of the outputs of every net on its canary input, in order. */
export function computeCanary(nets: QNet[], runner: NetRunner): string {
  const hash = createHash('sha256');
  nets.forEach((net, i) => {
    const cin = net.layers[0]?.cin ?? 0;
    const out = runner.run(net, canaryInput(net, cin, i), CANARY_H, CANARY_W);
    for (const p of out) hash.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
  });
  return hash.digest('hex');
}
