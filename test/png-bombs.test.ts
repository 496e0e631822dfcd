/**
 * PNG decompression bombs under the old pixel limit (issue 17, item 2): small
 * files whose IHDR and IDAT describe gigabytes of zeros. compress must finish
 * in bounded memory (a child process's peak RSS ≤ 1 GiB, generous) — stored
 * as raw bytes with a warning — and an IDAT that inflates beyond what its
 * header implies is never inflated further.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants as zc, deflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { writePngChunks } from '../src/codec/formats/png-chunks.js';
import { parsePng } from '../src/codec/formats/png.js';
import { compress, decompress } from '../src/codec/index.js';
import { listDir, scratchFolders } from './helpers/cli.js';
import { runCliRss } from './helpers/rss.js';

const BLOCK = 1 << 24;
/** 16 MiB of zeros as non-final, byte-aligned deflate blocks (sync flush): blocks that can be concatenated. */
const zeroBlock = deflateRawSync(Buffer.alloc(BLOCK), { level: 9, finishFlush: zc.Z_SYNC_FLUSH });

/**
 * A zlib stream of `n` zero bytes, built without deflating them all: the same
 * sync-flushed block repeated, a final block for the rest, and the Adler-32
 * of n zeros (a = 1, b = n mod 65521).
 */
function zlibZeros(n: number): Buffer {
  const parts: Buffer[] = [Buffer.from([0x78, 0xda])];
  const full = Math.floor(n / BLOCK);
  for (let i = 0; i < full; i++) parts.push(zeroBlock);
  parts.push(deflateRawSync(Buffer.alloc(n - full * BLOCK), { level: 9 }));
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE((((n % 65521) << 16) | 1) >>> 0);
  parts.push(trailer);
  return Buffer.concat(parts);
}

/** A PNG of zeros: IHDR w×h at `bitDepth` / `colourType`, IDAT inflating to `inflated` bytes (default: exactly what the header implies). */
function zeroPng(width: number, height: number, bitDepth: 8 | 16, colourType: 0 | 2 | 6, inflated?: number): Uint8Array {
  const channels = { 0: 1, 2: 3, 6: 4 }[colourType];
  const implied = height * (1 + width * channels * (bitDepth / 8));
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([bitDepth, colourType, 0, 0, 0], 8);
  return writePngChunks([
    { type: 'IHDR', data: ihdr },
    { type: 'IDAT', data: zlibZeros(inflated ?? implied) },
    { type: 'IEND', data: new Uint8Array(0) },
  ]);
}

const BOMBS: Array<[string, () => Uint8Array]> = [
  ['rgba16-16384x16384.png', () => zeroPng(16384, 16384, 16, 6)], // 2 MB → 2.15 GB
  ['rgba8-16384x16384.png', () => zeroPng(16384, 16384, 8, 6)], // 1 MB → 1.07 GB
  ['rgba8-16000x16000.png', () => zeroPng(16000, 16000, 8, 6)], // 1 MB → 1.02 GB
];

const newDir = scratchFolders('flowzip-bombs-');
let dir = '';
beforeAll(() => {
  dir = newDir();
  for (const [name, make] of BOMBS) writeFileSync(join(dir, name), make());
});

describe('PNG bombs', () => {
  it('the bombs are what they claim: small files', () => {
    expect(zlibZeros(12345).length).toBeLessThan(100);
    // The same builder gives a valid PNG at a size that may be parsed (so the bombs are valid PNGs too).
    const small = parsePng(zeroPng(300, 200, 16, 6), { maxPixels: 1e6 })!;
    expect([small.raster.width, small.raster.height, small.raster.samples.length, small.raster.samples.every((x) => x === 0)]).toEqual([300, 200, 240000, true]);
    for (const [name, make] of BOMBS) expect(make().length, name).toBeLessThan(2.5e6);
  });

  for (const [name] of BOMBS) {
    it(`compress ${name}: stored with a warning, peak RSS ≤ 1 GiB, and it round-trips`, () => {
      const r = runCliRss(['compress', '-f', name], { cwd: dir });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr.trim(), name).toMatch(name.startsWith('rgba16') ? /^$/ : /warning: .*image too large .*stored as raw bytes/);
      expect(r.maxRssMiB).toBeLessThan(1024);
      const t = runCliRss(['test', `${name}.fz`], { cwd: dir });
      expect(t.status, t.stderr).toBe(0);
      expect(t.maxRssMiB).toBeLessThan(1024);
    });
  }

  it('with --max-pixels raised, the 16-bit bomb is still never inflated (the flow codes 16-bit PNGs up to DEEP_MAX_PIXELS only)', () => {
    const r = runCliRss(['compress', '-f', '--max-pixels', '1G', 'rgba16-16384x16384.png'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.maxRssMiB).toBeLessThan(1024);
  });

  it('an IDAT that inflates beyond what IHDR implies (64×64 RGB, 256 MiB of zeros) is stored, not inflated', async () => {
    const input = zeroPng(64, 64, 8, 2, 1 << 28);
    const warnings: string[] = [];
    const before = process.memoryUsage().rss;
    const z = await compress(input, { onWarning: (m) => warnings.push(m) });
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 2 ** 20);
    expect(warnings).toEqual([expect.stringMatching(/^not a valid PNG \(image data is longer than the image needs\); stored as raw bytes$/)]);
    expect(Buffer.from(await decompress(z)).equals(Buffer.from(input))).toBe(true);
  });

  it('a PNM header over the pixel limit is stored as raw bytes too, with a warning (not refused)', async () => {
    const input = Buffer.concat([Buffer.from('P6\n100000 100000\n255\n'), Buffer.alloc(100)]);
    const warnings: string[] = [];
    const z = await compress(input, { onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/^image too large to code as an image \(100000x100000 exceeds the limit of 67108864 pixels; .*\); stored as raw bytes$/)]);
    expect(Buffer.from(await decompress(z)).equals(input)).toBe(true);
  });

  it('nothing but the bombs and their streams is left in the folder', () => {
    expect(listDir(dir)).toEqual(BOMBS.flatMap(([n]) => [n, `${n}.fz`]).sort());
  });
});
