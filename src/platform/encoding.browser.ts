/**
 * Browser implementation of platform/encoding.ts (same exports and results):
 * plain loops, and the platform's atob / btoa for base64.
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}

/** Bytes of a hex string of even length (as Buffer.from(hex, 'hex'): decoding stops at the first non-hex pair). */
export function fromHex(hex: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i + 1 < hex.length; i += 2) {
    const pair = hex.slice(i, i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) break;
    out.push(parseInt(pair, 16));
  }
  return Uint8Array.from(out);
}

/** One character per byte (Latin-1), as used for PNG chunk types. */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return s;
}

/** Latin-1 bytes of `text` (each char code & 0xff). */
export function fromLatin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Standard base64 (with padding) of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
  return btoa(latin1(bytes));
}

/** Bytes of a standard base64 string. */
export function fromBase64(text: string): Uint8Array {
  return fromLatin1(atob(text));
}
