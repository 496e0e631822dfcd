/**
 * Format 7's compact small-image streams (codec/small-stream.ts): 8 bytes
 * less on a 28×28 file, the same image body once expanded, and a corrupted
 * stream refused, never decoded to different bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../src/codec/bytes.js';
import { FORMAT_VERSION, Method, SMALL_FROM_VERSION, unframe } from '../src/codec/container.js';
import { compress, decompress, inspectStream } from '../src/codec/index.js';
import { writeImageHeader, type ImageHeader } from '../src/codec/image-header.js';
import { SMALL_MAX_PIXELS, SMALL_MODEL_IDS, expandedHeaderBytes, writeSmallHeader } from '../src/codec/small-stream.js';
import { streamFeatures } from '../src/codec/stream-features.js';
import { shippedModels } from '../src/codec/models.js';
import { decodeStream } from '../src/decode/index.js';
import { goldenDecompressOptions, readGoldenManifest } from '../scripts/golden-manifest.js';

const ROOT = new URL('..', import.meta.url).pathname;
const corpus = (rel: string) => new Uint8Array(readFileSync(join(ROOT, 'corpus', rel)));
const manifest = readGoldenManifest();
const golden = (name: string) => ({ entry: manifest.find((g) => g.stream === name)!, bytes: corpus(`golden/${name}`) });

describe('compact small-image streams (format 7)', () => {
  it('is format 7, method 4, and the feature of that version only', () => {
    expect(SMALL_FROM_VERSION).toBe(7);
    expect(FORMAT_VERSION).toBeGreaterThanOrEqual(7);
    for (let v = 1; v <= FORMAT_VERSION; v++) expect(streamFeatures(v).smallStreams).toBe(v >= SMALL_FROM_VERSION);
  });

  it('codes a 28×28 PGM with 7 bytes of framing: 8 less than the image method, the same body once expanded', async () => {
    const pgm = corpus('photos/gray-fmnist0-28x28.pgm');
    const z = await compress(pgm);
    expect(z[2]).toBe((7 << 4) | Method.Small);
    // m: bare piece, square, gray PNM, model number 0 (fmnist-ctx); then the width.
    expect([z[3], z[4]]).toEqual([0x80 | 0x10 | 0, 28]);
    const framed = unframe(z);
    expect(framed).toMatchObject({ method: Method.Image, compact: true, crcMask: 0xffff });
    // The image method would carry: 3 frame bytes, the expanded body, 4 CRC bytes.
    expect(3 + framed.body.length + 4 - z.length).toBe(8);
    expect(Buffer.from(await decompress(z)).equals(Buffer.from(pgm))).toBe(true);
    expect(inspectStream(z)).toMatchObject({ formatVersion: FORMAT_VERSION, method: 'image', image: { width: 28, height: 28, models: [{ name: 'fmnist-ctx' }] } });
    // The browser-side decoder reads it too.
    const d = await decodeStream(z);
    expect(d.kind).toBe('image');
  });

  it('a larger image keeps the image method and its CRC-32', async () => {
    const z = await compress(corpus('photos/gray-camera-160x120.png'));
    expect(160 * 120).toBeGreaterThan(SMALL_MAX_PIXELS);
    expect(z[2] & 15).toBe(Method.Image);
  });

  it('expands each compact header to the bytes the image header writer gives', () => {
    const id = Uint8Array.of(1, 2, 3, 4);
    const cases: Array<[ImageHeader, boolean]> = [
      [{ kind: 'pnm', width: 28, height: 28, channels: 1, verbatim: null, modelIds: [id] }, false],
      [{ kind: 'pnm', width: 13, height: 300, channels: 3, verbatim: null, modelIds: [id] }, false],
      [{ kind: 'png', width: 1, height: 37, colourType: 0, chunks: [], modelIds: [id] }, true],
      [{ kind: 'png', width: 64, height: 64, colourType: 2, chunks: [], modelIds: [id] }, true],
    ];
    for (const [h, png] of cases) {
      const w = new ByteWriter();
      writeImageHeader(h, w);
      const channels = h.kind === 'pnm' ? h.channels : h.kind === 'png' && h.colourType === 2 ? 3 : 1;
      expect(expandedHeaderBytes({ width: h.width, height: h.height, channels, png, modelId: id, bare: true })).toEqual(w.finish());
    }
  });

  it('numbers every shipped model (a number, once given, never changes)', () => {
    const prefixes = shippedModels().map((m) => m.id.slice(0, 8));
    for (const p of prefixes) expect(SMALL_MODEL_IDS).toContain(p);
    expect(SMALL_MODEL_IDS[0]).toBe('0a4bec5f');
    expect(new Set(SMALL_MODEL_IDS).size).toBe(SMALL_MODEL_IDS.length);
    // A model without a number is named by its 4-byte id: m = 15.
    expect(writeSmallHeader({ width: 5, height: 7, channels: 1, png: false, modelId: Uint8Array.of(9, 9, 9, 9), bare: false })).toEqual(Uint8Array.of(15, 9, 9, 9, 9, 5, 7));
  });

  it('refuses a small stream in a version before 7, and one that declares too many pixels', async () => {
    const z = await compress(corpus('photos/gray-fmnist0-28x28.pgm'));
    const old = z.slice();
    old[2] = (6 << 4) | Method.Small;
    await expect(decompress(old)).rejects.toMatchObject({ code: 'E_CORRUPT' });
    const big = Uint8Array.of(0x46, 0x5a, 0x74, 0x80, 0x81, 0x01, 0x81, 0x01, 0, 0, 0, 0, 0, 0); // 129 × 129
    await expect(decompress(big)).rejects.toMatchObject({ code: 'E_CORRUPT' });
  });

  // Every bit of a compact stream flipped, every truncation, one byte more: each is refused with a typed error,
  // or (a few bits the decoder does not depend on, as in every format: e.g. inside the causal parameters) decodes
  // to exactly the original file; never to other bytes.
  const tampered = ['v7-fmnist-ctx-0a4bec5f-gray-fmnist0-28x28.pgm.fz', 'v7-causal-gray-1x37.png.fz', 'v7-fmnist-29186824-gray-1x37.png.fz', 'v7-rgb-13x7.png.fz'];
  for (const name of tampered) {
    it(`${name}: a corrupted compact stream is refused, never decoded to other bytes`, { timeout: 120_000 }, async () => {
      const { entry, bytes } = golden(name);
      expect(bytes[2] & 15).toBe(Method.Small);
      const options = { ...goldenDecompressOptions(entry), workers: 0 };
      const original = Buffer.from(await decompress(bytes, options));
      let accepted = 0;
      const refused = async (z: Uint8Array) => {
        const outcome = await decompress(z, options).then(
          (out) => Buffer.from(out),
          (e: unknown) => e,
        );
        if (outcome instanceof Buffer) {
          expect(outcome.equals(original), `a corrupted stream of ${z.length} bytes decoded to other bytes`).toBe(true);
          accepted++;
        } else expect(outcome).toMatchObject({ code: expect.stringMatching(/^E_/) });
      };
      for (let i = 0; i < bytes.length * 8; i++) {
        const z = bytes.slice();
        z[i >> 3] ^= 1 << (i & 7);
        await refused(z);
      }
      for (let n = 0; n < bytes.length; n++) await refused(bytes.subarray(0, n));
      await refused(Uint8Array.of(...bytes, 0));
      // Nearly every change is refused outright.
      expect(accepted).toBeLessThanOrEqual(8);
    });
  }
});
