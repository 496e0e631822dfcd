/** rANS entropy coders: `rans-byte.ts` (format v2 streams) and `rans.ts` (format v1); each states its invariants and stream format. */
export { AnsError } from './errors.js';
export type { AnsErrorCode } from './errors.js';
export { RansEncoder, RansDecoder } from './rans.js';
export { ByteRansEncoder, ByteRansDecoder, type ByteRansStart } from './rans-byte.js';
export type { SymbolSink, SymbolSource } from './symbols.js';
