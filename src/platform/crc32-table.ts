/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of the
 * .fz container and of PNG chunks: a pure-TypeScript table implementation for
 * platforms without node:zlib's. Results equal zlib's `crc32(data, value)`
 * (test/platform.test.ts).
 */

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 of `data` continuing from `value` (the CRC of the bytes before it; 0 to start); an unsigned 32-bit integer. */
export function crc32Table(data: Uint8Array, value = 0): number {
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
