/**
 * Hostile inputs (DESIGN.md invariants 5 and 6): headers that declare huge
 * images, decompression bombs, streams altered where the output does not
 * show it, malformed images given to compress. Each test here fails if the
 * guard it names is removed.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

import { parseByteSize } from '../src/cli/options.js';
import { ByteReader, ByteWriter } from '../src/codec/bytes.js';
import { crcOf, frame, Method, unframe } from '../src/codec/container.js';
import { writePngChunks } from '../src/codec/formats/png-chunks.js';
import { parsePng, writePng } from '../src/codec/formats/png.js';
import { readImageHeader, writeImageHeader, type ImageHeader } from '../src/codec/image-header.js';
import { TILE_SIZE } from '../src/codec/image-codec.js';
import { compress, decompress, FlowzipError } from '../src/codec/index.js';
import { defaultModel, MODEL_ID_BYTES, modelIdBytes, resolveModel, runnerFor } from '../src/codec/models.js';
import { encodeTile } from '../src/codec/tile-coder.js';
import { extractTile, tileGrid } from '../src/codec/tiling.js';
import { flowLevels } from '../src/flows/spec.js';
import { CORPUS_DIR } from './helpers/corpus.js';
import { listDir, makeTempDir, runCli } from './helpers/cli.js';

/** The error `p` rejects with (fails the test if it resolves). */
async function failure(p: Promise<unknown>): Promise<FlowzipError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(FlowzipError);
  return e as FlowzipError;
}

/**
 * Bound on the hostile-header tests' wall time: refusing before allocating
 * gigabytes takes milliseconds, doing the work takes minutes or runs out of
 * memory — a generous bound tells them apart on a loaded machine without
 * being a timing test.
 */
const HANG_GUARD_MS = 10_000;

/** Times an async call in ms. */
async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await f();
  return [v, performance.now() - t];
}

/** An image stream whose header declares w×h (RGB PNG kind, or RGBA), followed by `tail` bytes of "tile data". */
function hostileStream(width: number, height: number, opts: { colourType?: 2 | 6; tail?: number } = {}): Uint8Array {
  const colourType = opts.colourType ?? 2;
  const ids = colourType === 6 ? [modelIdBytes(defaultModel(3)), modelIdBytes(defaultModel(1))] : [modelIdBytes(defaultModel(3))];
  const h: ImageHeader = { kind: 'png', width, height, colourType, chunks: [], modelIds: ids };
  const w = new ByteWriter();
  writeImageHeader(h, w);
  w.bytes(new Uint8Array(opts.tail ?? 64).fill(0x11));
  return frame(Method.Image, w.finish(), 0x12345678);
}

/** A PNG whose IHDR says w×h RGB 8-bit, with a tiny IDAT (valid chunks and CRCs, far too little data). */
function hostilePng(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return writePngChunks([
    { type: 'IHDR', data: ihdr },
    { type: 'IDAT', data: deflateSync(new Uint8Array(100)) },
    { type: 'IEND', data: new Uint8Array(0) },
  ]);
}

const scratch: string[] = [];
/** A fresh scratch folder, removed after the tests. */
function tempDir(): string {
  const dir = makeTempDir('flowzip-hostile-');
  scratch.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

const corpus = (p: string) => new Uint8Array(readFileSync(join(CORPUS_DIR, p)));

describe('hostile image headers in .fz streams', () => {
  it('a 100000×100000 header is refused at once with E_LIMIT (maxPixels), nothing allocated', async () => {
    const [e, ms] = await timed(() => failure(decompress(hostileStream(100000, 100000))));
    expect(e.code).toBe('E_LIMIT');
    expect(e.message).toMatch(/pixels/);
    expect(ms).toBeLessThan(HANG_GUARD_MS);
  });

  it('the pixel limit is checked even when the output limit would pass (20000×20000 RGB = 1.2 GB < 4 GiB)', async () => {
    const e = await failure(decompress(hostileStream(20000, 20000)));
    expect(e.code).toBe('E_LIMIT');
    expect(e.message).toMatch(/20000×20000.*pixels/);
  });

  it('with maxPixels raised, maxOutputBytes still refuses it (3·10^10 bytes > 4 GiB)', async () => {
    const [e, ms] = await timed(() => failure(decompress(hostileStream(100000, 100000), { maxPixels: 1e11 })));
    expect(e.code).toBe('E_LIMIT');
    expect(e.message).toMatch(/bytes of output/);
    expect(ms).toBeLessThan(HANG_GUARD_MS);
  });

  it('with both limits raised, the tile count is checked against the stream length before the samples are allocated', async () => {
    const [e, ms] = await timed(() => failure(decompress(hostileStream(100000, 100000), { maxPixels: 1e11, maxOutputBytes: 1e12 })));
    expect(e.code).toBe('E_TRUNCATED');
    expect(e.message).toMatch(/tiles need at least/);
    expect(ms).toBeLessThan(HANG_GUARD_MS);
  });

  it('a header within every limit (16384×16384 RGBA = 1 GiB of samples) but with a few bytes of data allocates nothing', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const [e, ms] = await timed(() => failure(decompress(hostileStream(16384, 16384, { colourType: 6, tail: 200 }))));
    expect(e.code).toBe('E_TRUNCATED');
    expect(e.message).toMatch(/tiles need at least/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
    expect(ms).toBeLessThan(HANG_GUARD_MS);
  });

  it('maxOutputBytes bounds image streams too (decoded samples)', async () => {
    const z = await compress(corpus('edge/rgb-13x7.png'), { method: 'flow' });
    const e = await failure(decompress(z, { maxOutputBytes: 13 * 7 * 3 - 1 }));
    expect(e.code).toBe('E_LIMIT');
    await expect(decompress(z, { maxOutputBytes: 13 * 7 * 3 })).resolves.toBeInstanceOf(Uint8Array);
  });
});

describe('decompression bombs and altered brotli streams', () => {
  const text = corpus('edge/text-gpl3-head.txt');

  it('a brotli stream declaring more than maxOutputBytes is refused before inflating', async () => {
    const z = await compress(text, { method: 'brotli' });
    expect((await failure(decompress(z, { maxOutputBytes: text.length - 1 }))).code).toBe('E_LIMIT');
    expect(Buffer.from(await decompress(z, { maxOutputBytes: text.length })).equals(Buffer.from(text))).toBe(true);
  });

  it('a brotli stream that inflates past its declared length stops there (E_CORRUPT, 64 MiB never produced)', async () => {
    const { brotliCompressSync, constants } = await import('node:zlib');
    const big = new Uint8Array(64 << 20);
    const body = new ByteWriter()
      .varint(1000)
      .bytes(brotliCompressSync(big, { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } }))
      .finish();
    const before = process.memoryUsage().arrayBuffers;
    const e = await failure(decompress(frame(Method.Brotli, body, crcOf(big.subarray(0, 1000)))));
    expect(e.code).toBe('E_CORRUPT');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 << 20);
  });

  it('bytes after the end of a brotli stream are refused, even though the output and CRC would match', async () => {
    const z = await compress(text, { method: 'brotli' });
    const { body, crc } = unframe(z);
    const bad = frame(Method.Brotli, Buffer.concat([body, Buffer.from([1, 2, 3])]), crc);
    expect((await failure(decompress(bad))).code).toBe('E_CORRUPT');
  });
});

describe('alterations the output would not show', () => {
  it('tile padding that is not the edge repeated is refused (E_CORRUPT), though the visible pixels are right', async () => {
    const png = parsePng(corpus('edge/rgb-13x7.png'))!;
    const samples = png.raster.samples as Uint8Array;
    const model = resolveModel('photo'); // a flow model: its tiles are padded
    const runner = await runnerFor(model, 'reference');
    const [rect] = tileGrid(13, 7, TILE_SIZE, flowLevels(model.flow));
    expect(rect.pw * rect.ph).toBeGreaterThan(13 * 7);
    const tile = extractTile(samples, 13, 3, 0, 3, rect);
    tile[0][rect.ph * rect.pw - 1] ^= 0x40; // bottom-right padding pixel
    const header: ImageHeader = { kind: 'png', width: 13, height: 7, colourType: 2, chunks: png.ancillary, modelIds: [modelIdBytes(model)] };
    const w = new ByteWriter();
    writeImageHeader(header, w);
    const headerBytes = w.finish();
    w.byte(0).bytes(encodeTile(model.flow, runner, tile, rect.ph, rect.pw));
    const e = await failure(decompress(frame(Method.Image, w.finish(), crcOf(headerBytes, samples))));
    expect(e.code).toBe('E_CORRUPT');
    expect(e.message).toMatch(/padding/);
  });

  it('a tile length written as a non-canonical varint is refused (E_CORRUPT)', async () => {
    // 300×8 gray: two tiles, so the first piece has a varint length record.
    const w = 300,
      h = 8;
    const samples = Uint8Array.from({ length: w * h }, (_, i) => (i * 7) & 255);
    const file = writePng({ raster: { width: w, height: h, channels: 1, bitDepth: 8, samples }, colourType: 0, pngBitDepth: 8, interlaced: false, ancillary: [] });
    const z = await compress(file, { method: 'flow' });
    const { body, crc } = unframe(z);
    const r = new ByteReader(body);
    readImageHeader(r, MODEL_ID_BYTES, 1e9);
    const at = r.pos;
    const v = r.varint();
    const padded = new ByteWriter();
    let x = v;
    while (x >= 0x80) {
      padded.byte((x % 0x80) | 0x80);
      x = Math.floor(x / 0x80);
    }
    padded.byte(x | 0x80).byte(0); // same value, one byte longer
    const bad = frame(Method.Image, Buffer.concat([body.subarray(0, at), padded.finish(), body.subarray(r.pos)]), crc);
    expect((await failure(decompress(bad))).code).toBe('E_CORRUPT');
  });
});

describe('compress: hostile and malformed images', () => {
  it('a PNG declaring 100000×100000 is stored as raw bytes at once (over the pixel limit), with a warning', async () => {
    const input = hostilePng(100000, 100000);
    const warnings: string[] = [];
    const [z, ms] = await timed(() => compress(input, { onWarning: (m) => warnings.push(m) }));
    expect(ms).toBeLessThan(HANG_GUARD_MS);
    expect(warnings).toEqual([expect.stringMatching(/^image too large to code as an image \(100000x100000 exceeds the limit of 67108864 pixels; .*--max-pixels\); stored as raw bytes$/)]);
    expect(Buffer.from(await decompress(z)).equals(Buffer.from(input))).toBe(true);
  });

  it('with maxPixels raised, a PNG too short for its header is coded as raw bytes, with a warning', async () => {
    const input = hostilePng(30000, 30000);
    const warnings: string[] = [];
    const z = await compress(input, { maxPixels: 1e9, onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/^not a valid PNG \(.+\); stored as raw bytes$/)]);
    expect(Buffer.from(await decompress(z)).equals(Buffer.from(input))).toBe(true);
  });

  it('a truncated PNG or PNM warns once and round-trips byte-exact; a clean file does not warn', async () => {
    for (const [name, cut] of [
      ['photos/rgb-brushes-128x128.png', 3000],
      ['photos/rgb-ladybird-256x192.ppm', 5000],
    ] as const) {
      const input = corpus(name).subarray(0, cut);
      const warnings: string[] = [];
      const z = await compress(input, { onWarning: (m) => warnings.push(m) });
      expect(warnings, name).toEqual([expect.stringMatching(new RegExp(`^not a valid ${name.endsWith('png') ? 'PNG' : 'PNM'} \\(.*truncated.*\\); stored as raw bytes$`))]);
      expect(Buffer.from(await decompress(z)).equals(Buffer.from(input))).toBe(true);
    }
    const warnings: string[] = [];
    await compress(corpus('edge/rgb-13x7.png'), { onWarning: (m) => warnings.push(m) });
    await compress(corpus('edge/text-gpl3-head.txt'), { onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
  });
});

describe('CLI limits and warnings', () => {
  const errLines = (s: string) => s.split('\n').filter((l) => l !== '');

  it('--max-pixels works end to end for compress and decompress; nothing is written on refusal', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'huge.png'), hostilePng(30000, 30000));
    writeFileSync(join(dir, 'huge.fz'), hostileStream(100000, 100000));

    let r = runCli(['compress', 'huge.png'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(errLines(r.stderr)).toEqual([expect.stringMatching(/^flowzip: warning: huge\.png: image too large .*30000x30000.*limit.*; stored as raw bytes$/)]);
    expect(existsSync(join(dir, 'huge.png.fz'))).toBe(true);

    r = runCli(['compress', '-f', '--max-pixels', '1G', 'huge.png'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(errLines(r.stderr)).toEqual([expect.stringMatching(/^flowzip: warning: huge\.png: not a valid PNG \(.+\); stored as raw bytes$/)]);

    r = runCli(['decompress', '-o', 'out', 'huge.fz'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(errLines(r.stderr)).toEqual([expect.stringMatching(/^flowzip: huge\.fz: image is 100000×100000, over the limit/)]);

    r = runCli(['decompress', '--max-pixels', '1e11', '-o', 'out', 'huge.fz'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bytes of output, over the limit/);

    r = runCli(['-d', '--max-pixels', '1e11', '--max-output', '1T', '-o', 'out', 'huge.fz'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/truncated/);
    expect(listDir(dir)).toEqual(['huge.fz', 'huge.png', 'huge.png.fz']);
  });

  it('--max-output refuses a brotli stream that declares more, and lets it through when raised', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 't.txt'), 'x'.repeat(5000));
    expect(runCli(['compress', '--method', 'brotli', 't.txt'], { cwd: dir }).status).toBe(0);
    let r = runCli(['-d', '-f', '--max-output', '4KiB', 't.txt.fz'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(errLines(r.stderr)).toEqual([expect.stringMatching(/^flowzip: t\.txt\.fz: stream declares 5000 bytes of output, over the limit of 4096/)]);
    r = runCli(['decompress', '-f', '--max-output', '5k', 't.txt.fz'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 't.txt'), 'utf8')).toBe('x'.repeat(5000));
    expect(runCli(['decompress', '--max-output', 'lots', 't.txt.fz'], { cwd: dir }).status).toBe(2);
  });

  it('a truncated PNG is stored with a one-line warning (hidden by -q)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cut.png'), corpus('photos/rgb-brushes-128x128.png').subarray(0, 3000));
    const r = runCli(['compress', 'cut.png'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(errLines(r.stderr)).toEqual(['flowzip: warning: cut.png: not a valid PNG (truncated inside chunk IDAT); stored as raw bytes']);
    const q = runCli(['compress', '-q', '-f', 'cut.png'], { cwd: dir });
    expect(q.status).toBe(0);
    expect(q.stderr).toBe('');
  });

  it('--max-output sizes parse with decimal and binary suffixes', () => {
    expect(parseByteSize('500')).toBe(500);
    expect(parseByteSize('5k')).toBe(5000);
    expect(parseByteSize('4KiB')).toBe(4096);
    expect(parseByteSize('2G')).toBe(2e9);
    expect(parseByteSize('2GiB')).toBe(2 ** 31);
    expect(() => parseByteSize('0')).toThrow();
    expect(() => parseByteSize('lots')).toThrow();
  });
});
