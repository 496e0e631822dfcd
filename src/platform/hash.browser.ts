/**
 * Browser implementation of platform/hash.ts (same exports): SHA-256 from
 * @noble/hashes, synchronous like node:crypto (WebCrypto's digest is
 * asynchronous, and model ids and canaries are computed in synchronous code).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64, toHex } from './encoding.browser.js';

/** The subset of node:crypto's Hash that shared code uses. */
export interface Hash {
  update(data: string | ArrayBufferView): Hash;
  digest(encoding: 'hex' | 'base64'): string;
}

/** node:crypto's createHash for 'sha256' only (strings are hashed as UTF-8, views as their bytes). */
export function createHash(algorithm: 'sha256'): Hash {
  if (algorithm !== 'sha256') throw new Error(`hash ${String(algorithm)} is not in the browser build`);
  const h = sha256.create();
  const hash: Hash = {
    update(data) {
      h.update(typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      return hash;
    },
    digest(encoding) {
      const d = h.digest();
      return encoding === 'hex' ? toHex(d) : toBase64(d);
    },
  };
  return hash;
}
