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

/** RangeError for an invalid symbol interval (shared by both coders). */
export function badSymbol(start: number, freq: number, bits: number): RangeError {
  return new RangeError(`rANS: bad symbol start=${start} freq=${freq} bits=${bits}` + ' (need integer bits in 1..16, freq >= 1, start >= 0, start+freq <= 2^bits)');
}

/** RangeError for an invalid raw-bits field (shared by both coders). */
export function badBits(value: number, nbits: number): RangeError {
  return new RangeError(`rANS: bad raw bits value=${value} nbits=${nbits} (need integer nbits in 0..16, 0 <= value < 2^nbits)`);
}
