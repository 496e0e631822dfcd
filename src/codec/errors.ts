/**
 * Typed errors of flowzip. Every failure a user can cause (bad input, corrupt
 * stream, missing model) is a `FlowzipError` with a stable `code` and a
 * one-line message; anything else is a bug.
 */

import { AnsError } from '../ans/errors.js';

/** Stable machine-readable error codes. */
export type FlowzipErrorCode =
  | 'E_TRUNCATED' // stream ends before its declared content
  | 'E_CORRUPT' // stream content is inconsistent (bad magic, bad state, bad lengths)
  | 'E_CHECKSUM' // decoded content does not match the stored checksum
  | 'E_VERSION' // stream format version is newer than this build understands
  | 'E_UNKNOWN_MODEL' // stream was made with a model this build does not have
  | 'E_BAD_MODEL' // a model file is malformed or breaks the exact-integer bound
  | 'E_BAD_IMAGE' // an image file (PNG/PNM) is malformed
  | 'E_LIMIT' // input exceeds a configured limit (dimensions, size)
  | 'E_BACKEND' // no compute backend passed the exactness canary
  | 'E_USAGE'; // invalid options / arguments

/** The one error type flowzip throws for anything the caller can cause. */
export class FlowzipError extends Error {
  /** Stable code; see {@link FlowzipErrorCode}. */
  readonly code: FlowzipErrorCode;
  constructor(code: FlowzipErrorCode, message: string) {
    super(message);
    this.name = 'FlowzipError';
    this.code = code;
  }
}

/** The message of a decoded sample outside its plane's range (only a corrupt stream has one). */
export const SAMPLE_OUT_OF_RANGE = 'stream is corrupt (decoded sample out of range)';
/** The message of a copy tile's colour-cache copy from an empty slot (only a corrupt stream names one). */
export const EMPTY_CACHE_SLOT = 'stream is corrupt (empty colour cache slot)';

/**
 * What a tile decoder throws for an error `e` it caught: the rANS coder's
 * AnsError as a FlowzipError of the same code (truncated, or inconsistent
 * entropy-coded data); any other error as it is.
 */
export function tileStreamError(e: unknown): unknown {
  if (e instanceof AnsError) return new FlowzipError(e.code, e.code === 'E_TRUNCATED' ? 'stream is truncated' : 'stream is corrupt (entropy-coded data is inconsistent)');
  return e;
}
