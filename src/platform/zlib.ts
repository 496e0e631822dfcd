/**
 * The zlib primitives the codec uses — CRC-32, deflate / inflate (zlib and
 * raw), brotli compression — behind one small module, so that shared code
 * never names `node:zlib` itself. This is the Node implementation (node:zlib,
 * native speed); `zlib.browser.ts` has the same exports for the browser
 * bundle (scripts/build-browser.ts puts it in this file's place), and
 * test/platform.test.ts holds the two to the same bytes.
 */
export { constants as bufferConstants } from 'node:buffer';
export { brotliCompressSync, brotliDecompressSync, constants, crc32, deflateRawSync, deflateSync, inflateRawSync, inflateSync } from 'node:zlib';
