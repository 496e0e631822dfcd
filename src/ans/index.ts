/** rANS entropy coder (`rans.ts`: byte renormalisation for format v2 to v4, 16-bit words for v1) and the symbol interfaces models code through. */
export { AnsError } from './errors.js';
export type { AnsErrorCode } from './errors.js';
export { RansEncoder, RansDecoder, type RansStart, type RansWord } from './rans.js';
/** The byte coder's former names (before the two coders were merged): the same classes, whose default word is the byte. */
export { RansEncoder as ByteRansEncoder, RansDecoder as ByteRansDecoder, type RansStart as ByteRansStart } from './rans.js';
export type { SymbolSink, SymbolSource } from './symbols.js';
