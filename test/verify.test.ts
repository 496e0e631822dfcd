/**
 * sameContent: byte equality, or for PNGs equality of pixels and metadata
 * whatever the IDAT encoding. The PNG variants here are built with zlib and
 * a hand-written chunk codec, independent of the code under test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

import { parsePng, writePng } from '../src/codec/formats/png.js';
import { sameContent } from '../src/codec/verify.js';
import { ROOT } from './helpers/cli.js';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

interface Chunk {
  type: string;
  data: Buffer;
}

function readChunks(png: Uint8Array): Chunk[] {
  const b = Buffer.from(png);
  const chunks: Chunk[] = [];
  for (let at = 8; at < b.length;) {
    const length = b.readUInt32BE(at);
    chunks.push({ type: b.toString('latin1', at + 4, at + 8), data: b.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

function writeChunks(chunks: Chunk[]): Uint8Array {
  const parts: Buffer[] = [Buffer.from(SIGNATURE)];
  for (const { type, data } of chunks) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
    parts.push(head, data, crc);
  }
  return Buffer.concat(parts);
}

/** The PNG with its image data replaced by `raw` (filtered scanlines), deflated at `level`, in `pieces` IDAT chunks. */
function withImageData(png: Uint8Array, raw: Uint8Array, level: number, pieces = 1): Uint8Array {
  const chunks = readChunks(png);
  const z = deflateSync(raw, { level });
  const step = Math.ceil(z.length / pieces);
  const idat: Chunk[] = [];
  for (let i = 0; i < z.length; i += step) idat.push({ type: 'IDAT', data: z.subarray(i, i + step) });
  const first = chunks.findIndex((c) => c.type === 'IDAT');
  const rest = chunks.filter((c, i) => c.type !== 'IDAT' || i < first);
  rest.splice(first, 0, ...idat);
  return writeChunks(rest);
}

function rawImageData(png: Uint8Array): Buffer {
  return inflateSync(
    Buffer.concat(
      readChunks(png)
        .filter((c) => c.type === 'IDAT')
        .map((c) => c.data),
    ),
  );
}

const corpus = (name: string) => new Uint8Array(readFileSync(join(ROOT, 'corpus', 'edge', name)));
const withText = corpus('rgb-text-chunks-64x64.png'); // IHDR, tEXt, tEXt, zTXt, IDAT, IEND
const paletted = corpus('pal8-dandelion-96x80.png');

describe('sameContent', () => {
  it('is true for identical bytes, PNG or not', () => {
    expect(sameContent(withText, withText.slice())).toBe(true);
    expect(sameContent(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBe(true);
    expect(sameContent(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('is false for different non-PNG bytes', () => {
    expect(sameContent(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4))).toBe(false);
    expect(sameContent(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2))).toBe(false);
    expect(sameContent(withText, Uint8Array.of(1, 2, 3))).toBe(false);
    expect(sameContent(Uint8Array.of(1, 2, 3), withText)).toBe(false);
  });

  it('is true for a PNG with the same pixels but different IDAT compression and chunking', () => {
    const recompressed = withImageData(withText, rawImageData(withText), 1, 3);
    expect(Buffer.from(recompressed).equals(Buffer.from(withText))).toBe(false);
    expect(readChunks(recompressed).filter((c) => c.type === 'IDAT')).toHaveLength(3);
    expect(sameContent(withText, recompressed)).toBe(true);
    expect(sameContent(recompressed, withText)).toBe(true);
  });

  it('is true for the PNG writer’s re-filtered, re-deflated output', () => {
    const parsed = parsePng(withText);
    expect(parsed).not.toBeNull();
    const rewritten = writePng(parsed!);
    expect(Buffer.from(rewritten).equals(Buffer.from(withText))).toBe(false);
    expect(sameContent(withText, rewritten)).toBe(true);
  });

  it('is false when one pixel differs', () => {
    const raw = Buffer.from(rawImageData(withText));
    const rowBytes = 1 + 64 * 3;
    raw[10 * rowBytes + 1 + 7] ^= 0x01; // row 10, a sample byte (not the filter-type byte)
    const changed = withImageData(withText, raw, 9);
    const a = parsePng(withText)!.raster.samples,
      b = parsePng(changed)!.raster.samples;
    expect(a.some((v, i) => v !== b[i])).toBe(true);
    expect(sameContent(withText, changed)).toBe(false);
  });

  it('is false when a tEXt chunk is dropped', () => {
    const chunks = readChunks(withText);
    const i = chunks.findIndex((c) => c.type === 'tEXt');
    expect(i).toBeGreaterThan(0);
    const dropped = writeChunks(chunks.filter((_, k) => k !== i));
    expect(sameContent(withText, dropped)).toBe(false);
    expect(sameContent(dropped, withText)).toBe(false);
  });

  it('is false when an ancillary chunk moves (before → after IDAT) or changes', () => {
    const chunks = readChunks(withText);
    const i = chunks.findIndex((c) => c.type === 'tEXt');
    const moved = chunks.filter((_, k) => k !== i);
    moved.splice(
      moved.findIndex((c) => c.type === 'IEND'),
      0,
      chunks[i],
    );
    expect(sameContent(withText, writeChunks(moved))).toBe(false);

    const edited = chunks.map((c, k) => (k === i ? { type: c.type, data: Buffer.concat([c.data, Buffer.from('!')]) } : c));
    expect(sameContent(withText, writeChunks(edited))).toBe(false);
  });

  it('is false when the palette differs, true when only IDAT compression does', () => {
    const chunks = readChunks(paletted);
    const plte = chunks.find((c) => c.type === 'PLTE')!;
    const data = Buffer.from(plte.data);
    data[0] ^= 0xff;
    expect(sameContent(paletted, writeChunks(chunks.map((c) => (c === plte ? { type: 'PLTE', data } : c))))).toBe(false);
    expect(sameContent(paletted, withImageData(paletted, rawImageData(paletted), 0))).toBe(true);
  });

  it('is false for a PNG whose copy is corrupt (does not parse)', () => {
    const broken = Buffer.from(withText);
    broken[broken.length - 20] ^= 0xff; // inside the last IDAT: CRC mismatch
    expect(sameContent(withText, broken)).toBe(false);
  });
});
