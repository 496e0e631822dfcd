/** rANS entropy coder: see `rans.ts` for the invariants and stream format. */
export { AnsError } from './errors.js';
export type { AnsErrorCode } from './errors.js';
export { RansEncoder, RansDecoder } from './rans.js';
