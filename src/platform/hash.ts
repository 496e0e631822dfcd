/**
 * SHA-256 for model ids, canaries and kernel caches, behind one small module
 * so that shared code never names `node:crypto` itself. Node implementation
 * (node:crypto); `hash.browser.ts` is the browser bundle's, with the same
 * exports and the same digests (test/platform.test.ts).
 */
export { createHash } from 'node:crypto';
