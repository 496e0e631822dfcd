/**
 * The browser implementations of the platform modules (src/**\/*.browser.ts,
 * put in place of their Node siblings by scripts/build-browser.ts) give the
 * Node implementations' results: same CRCs, same deflate bytes (so a PNG
 * rebuilt in a browser is the file Node writes), same hashes and text
 * encodings, the same brotli decodes, and in-order pieces on one thread.
 */
import { brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as nodeZlib from '../src/platform/zlib.js';
import * as webZlib from '../src/platform/zlib.browser.js';
import * as nodeHash from '../src/platform/hash.js';
import * as webHash from '../src/platform/hash.browser.js';
import * as nodeText from '../src/platform/encoding.js';
import * as webText from '../src/platform/encoding.browser.js';
import { brotliDecodeExact as nodeBrotli } from '../src/codec/brotli.js';
import { brotliDecodeExact as webBrotli } from '../src/codec/brotli.browser.js';
import { runPieces } from '../src/codec/pool.browser.js';
import { createRunner } from '../src/quant/runner.browser.js';
import { shippedModelTexts } from '../src/codec/model-files.browser.js';
import { FlowzipError } from '../src/codec/errors.js';
import { mulberry32 } from './helpers/prng.js';

/** Seeded test inputs: empty, random, runs and text-like bytes of several sizes. */
function inputs(): Uint8Array[] {
  const rng = mulberry32(19);
  const out: Uint8Array[] = [new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(255)];
  for (const n of [7, 100, 4096, 70_000]) {
    out.push(Uint8Array.from({ length: n }, () => Math.floor(rng() * 256)));
    out.push(Uint8Array.from({ length: n }, (_, i) => (i >> 5) & 0xff));
    out.push(Uint8Array.from({ length: n }, () => 97 + Math.floor(rng() * rng() * 26)));
  }
  return out;
}

describe('platform modules: browser = Node', () => {
  it('CRC-32, whole and continued', () => {
    for (const d of inputs()) {
      expect(webZlib.crc32(d)).toBe(nodeZlib.crc32(d));
      const half = d.length >> 1;
      expect(webZlib.crc32(d.subarray(half), webZlib.crc32(d.subarray(0, half)))).toBe(nodeZlib.crc32(d));
    }
  });

  it('deflate (zlib and raw) gives node:zlib bytes at levels 1, 6 and 9, and inflates back', () => {
    for (const d of inputs()) {
      for (const level of [1, 6, 9]) {
        const z = webZlib.deflateSync(d, { level });
        expect(Buffer.from(z).equals(nodeZlib.deflateSync(d, { level })), `zlib level ${level}, ${d.length} bytes`).toBe(true);
        expect(Buffer.from(webZlib.deflateRawSync(d, { level })).equals(nodeZlib.deflateRawSync(d, { level })), `raw level ${level}`).toBe(true);
        expect(Buffer.from(webZlib.inflateSync(z)).equals(Buffer.from(d))).toBe(true);
        expect(Buffer.from(webZlib.inflateRawSync(nodeZlib.deflateRawSync(d, { level }))).equals(Buffer.from(d))).toBe(true);
      }
    }
  });

  it('inflate refuses what node:zlib refuses: output past maxOutputLength (ERR_BUFFER_TOO_LARGE), corrupt and truncated data', () => {
    const d = inputs()[6];
    const z = nodeZlib.deflateSync(d);
    expect(() => webZlib.inflateSync(z, { maxOutputLength: d.length - 1 })).toThrow(expect.objectContaining({ code: 'ERR_BUFFER_TOO_LARGE' }));
    expect(() => nodeZlib.inflateSync(z, { maxOutputLength: d.length - 1 })).toThrow(expect.objectContaining({ code: 'ERR_BUFFER_TOO_LARGE' }));
    expect(webZlib.inflateSync(z, { maxOutputLength: d.length }).length).toBe(d.length);
    const corrupt = z.slice();
    corrupt[2] ^= 0xff;
    expect(() => webZlib.inflateSync(corrupt)).toThrow();
    expect(() => nodeZlib.inflateSync(corrupt)).toThrow();
    expect(() => webZlib.inflateSync(z.subarray(0, z.length - 6))).toThrow();
    expect(() => nodeZlib.inflateSync(z.subarray(0, z.length - 6))).toThrow();
  });

  it('brotli compression is refused in the browser build (E_USAGE)', () => {
    expect(() => webZlib.brotliCompressSync(new Uint8Array(3))).toThrow(FlowzipError);
    expect(webZlib.constants.BROTLI_PARAM_QUALITY).toBe(nodeZlib.constants.BROTLI_PARAM_QUALITY);
    expect(webZlib.constants.BROTLI_PARAM_SIZE_HINT).toBe(nodeZlib.constants.BROTLI_PARAM_SIZE_HINT);
  });

  it('SHA-256 of strings and typed arrays, hex and base64', () => {
    for (const d of inputs()) {
      const views = [d, new Int32Array(d.buffer, 0, d.length >> 2)];
      for (const v of views) {
        for (const enc of ['hex', 'base64'] as const) {
          expect(webHash.createHash('sha256').update(v).update('model ü').digest(enc)).toBe(nodeHash.createHash('sha256').update(v).update('model ü').digest(enc));
        }
      }
    }
  });

  it('hex, base64 and Latin-1 conversions', () => {
    for (const d of inputs()) {
      for (const f of ['toHex', 'toBase64', 'latin1'] as const) expect(webText[f](d), f).toBe(nodeText[f](d));
      expect(webText.fromBase64(nodeText.toBase64(d))).toEqual(nodeText.fromBase64(nodeText.toBase64(d)));
      expect(webText.fromHex(nodeText.toHex(d))).toEqual(nodeText.fromHex(nodeText.toHex(d)));
      expect(webText.fromLatin1(nodeText.latin1(d))).toEqual(nodeText.fromLatin1(nodeText.latin1(d)));
    }
    for (const h of ['', '0a', 'ABcd', '0g12', '123']) expect(webText.fromHex(h), h).toEqual(nodeText.fromHex(h));
  });

  it('brotli decoding: the same bytes for a valid stream, null for a wrong size or a corrupt stream', () => {
    for (const d of inputs()) {
      const b = new Uint8Array(brotliCompressSync(d));
      const node = nodeBrotli(b, d.length);
      expect(node).not.toBeNull();
      expect(webBrotli(b, d.length), `${d.length} bytes`).toEqual(new Uint8Array(node!));
      expect(webBrotli(b, d.length + 1)).toBeNull();
      if (d.length > 0) expect(webBrotli(b, d.length - 1)).toBeNull();
    }
    expect(webBrotli(Uint8Array.of(0xff, 0xff, 0xff, 0xff), 10)).toBeNull();
    expect(nodeBrotli(Uint8Array.of(0xff, 0xff, 0xff, 0xff), 10)).toBeNull();
  });
});

describe('browser pool, runner and model files', () => {
  it('runs pieces in order on the calling thread; the first failure is thrown and stops the run', async () => {
    const seen: number[] = [];
    const task = (i: number) => ({
      local: () => {
        if (i === 2) throw new FlowzipError('E_CORRUPT', 'piece 2');
        return i * 10;
      },
      job: () => {
        throw new Error('no workers here');
      },
      result: () => -1,
    });
    await runPieces([0, 1].map(task), 4, (i, r) => seen.push(i, r));
    expect(seen).toEqual([0, 0, 1, 10]);
    await expect(runPieces([0, 1, 2, 3].map(task), 2, (i) => seen.push(i))).rejects.toThrow('piece 2');
    expect(seen).toEqual([0, 0, 1, 10, 0, 1]);
    await expect(runPieces([], -1, () => undefined)).rejects.toThrow(FlowzipError);
  });

  it('only the reference backend runs; there are no shipped model files', async () => {
    expect((await createRunner('reference'))?.name).toBe('reference');
    for (const b of ['wasm', 'cpu', 'tensorflow'] as const) expect(await createRunner(b)).toBeNull();
    expect(shippedModelTexts()).toEqual([]);
  });
});
