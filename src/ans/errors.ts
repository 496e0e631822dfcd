/**
 * Errors raised by the rANS decoder for malformed streams. Caller mistakes
 * (bad arguments) are `RangeError`s instead; anything else is a bug.
 */

/** Stable machine-readable codes for stream failures. */
export type AnsErrorCode =
  | 'E_TRUNCATED' // the stream ends before the decoder has what it needs
  | 'E_CORRUPT'; // the stream is inconsistent (odd length, bad state, leftover bytes)

/** The one error type the rANS decoder throws for a bad stream. */
export class AnsError extends Error {
  /** Stable code; see {@link AnsErrorCode}. */
  readonly code: AnsErrorCode;
  constructor(code: AnsErrorCode, message: string) {
    super(message);
    this.name = 'AnsError';
    this.code = code;
  }
}
