/**
 * Typed errors of flowzip. Every failure a user can cause (bad input, corrupt
 * stream, missing model) is a `FlowzipError` with a stable `code` and a
 * one-line message; anything else is a bug.
 */

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
