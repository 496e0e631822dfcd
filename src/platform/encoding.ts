/**
 * Byte ↔ text conversions (hex, base64, Latin-1) that shared code needs,
 * without the Node-only `Buffer` global in the browser bundle. Node
 * implementation (Buffer, native speed); `encoding.browser.ts` has the same
 * exports and results (test/platform.test.ts).
 */

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes of a hex string of even length (as Buffer.from(hex, 'hex'): decoding stops at the first non-hex pair). */
export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Standard base64 (with padding) of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Bytes of a standard base64 string. */
export function fromBase64(text: string): Uint8Array {
  const b = Buffer.from(text, 'base64');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** One character per byte (Latin-1), as used for PNG chunk types. */
export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Latin-1 bytes of `text` (each char code & 0xff). */
export function fromLatin1(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'latin1'));
}
