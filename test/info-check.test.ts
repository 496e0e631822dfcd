/**
 * `flowzip info` checks what it can without decoding an image (issue 17,
 * item 6): a stream cut short, padded or inconsistent exits 1 with a one-line
 * error instead of a normal-looking report; `flowzip test` decodes and
 * verifies, writing nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compress, inspectStream } from '../src/codec/index.js';
import { checkStreamStructure } from '../src/codec/stream-check.js';
import { CORPUS_DIR } from './helpers/corpus.js';
import { listDir, runCli, scratchFolders } from './helpers/cli.js';
import { mulberry32 } from './helpers/prng.js';

/** A 600×300 P6 image (6 tiles): smooth gradients plus seeded noise, so the flow codes it. */
function gradientPpm(): Uint8Array {
  const w = 600,
    h = 300,
    rand = mulberry32(17);
  const head = Buffer.from(`P6\n${w} ${h}\n255\n`);
  const px = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) px[(y * w + x) * 3 + c] = (x / 3 + y / 2 + c * 40 + rand() * 8) & 255;
  return Buffer.concat([head, px]);
}

const half = (b: Uint8Array) => b.subarray(0, b.length >> 1);

const newDir = scratchFolders('flowzip-info-');
let dir = '';
const streams: Record<string, Uint8Array> = {};

beforeAll(async () => {
  dir = newDir();
  streams.image = await compress(gradientPpm(), { workers: 1 });
  streams.brotli = await compress(new Uint8Array(readFileSync(join(CORPUS_DIR, 'edge/text-gpl3-head.txt'))));
  streams.stored = await compress(new Uint8Array(readFileSync(join(CORPUS_DIR, 'edge/random-4096.bin'))));
  for (const [name, z] of Object.entries(streams)) {
    writeFileSync(join(dir, `${name}.fz`), z);
    writeFileSync(join(dir, `${name}-half.fz`), half(z));
    writeFileSync(join(dir, `${name}-padded.fz`), Buffer.concat([z.subarray(0, z.length - 4), Buffer.from([1, 2, 3]), z.subarray(z.length - 4)]));
  }
}, 60_000);

describe('stream structure checks (library)', () => {
  it('the methods are the ones meant', () => {
    expect(Object.fromEntries(Object.entries(streams).map(([k, z]) => [k, inspectStream(z).method]))).toEqual({ image: 'image', brotli: 'brotli', stored: 'stored' });
  });

  it('whole streams pass; cut or padded ones fail with a typed error', async () => {
    for (const [name, z] of Object.entries(streams)) {
      await expect(checkStreamStructure(z), name).resolves.toBeUndefined();
      await expect(checkStreamStructure(half(z)), `${name} cut in half`).rejects.toMatchObject({ name: 'FlowzipError', code: expect.stringMatching(/^E_(TRUNCATED|CORRUPT|CHECKSUM)$/) });
      // Bytes added inside an image's last tile show only when it is decoded (flowzip test).
      if (name === 'image') continue;
      const padded = new Uint8Array(readFileSync(join(dir, `${name}-padded.fz`)));
      await expect(checkStreamStructure(padded), `${name} padded`).rejects.toMatchObject({ name: 'FlowzipError' });
    }
  });

  it('every cut of the image stream before its last tile fails (the tile records must end where the body ends)', async () => {
    // The last tile (88×44 of 600×300) is under 10% of the stream; a cut inside it shows only when decoded.
    const z = streams.image;
    for (let cut = 40; cut < z.length * 0.9; cut += Math.max(1, Math.floor(z.length / 97))) {
      const bad = Buffer.concat([z.subarray(0, cut), z.subarray(z.length - 4)]);
      await expect(checkStreamStructure(bad), `cut at ${cut}`).rejects.toMatchObject({ name: 'FlowzipError' });
    }
  });
});

describe('flowzip info and flowzip test', () => {
  it('info: exit 0 with a report on whole streams, exit 1 with one error line per bad stream', () => {
    let r = runCli(['info', 'image.fz', 'brotli.fz', 'stored.fz'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toMatch(/method\s+image \(PNM\)/);
    for (const name of Object.keys(streams)) {
      for (const bad of name === 'image' ? ['image-half.fz'] : [`${name}-half.fz`, `${name}-padded.fz`]) {
        r = runCli(['info', bad], { cwd: dir });
        expect(r.status, bad).toBe(1);
        expect(r.stdout.toString(), bad).toBe('');
        expect(r.stderr.trim().split('\n'), bad).toEqual([expect.stringMatching(new RegExp(`^flowzip: ${bad.replace('.', '\\.')}: .*(truncated|corrupt|checksum|trailing)`))]);
      }
    }
  });

  it('info --json lists the good streams and still exits 1 when one is bad', () => {
    const r = runCli(['info', '--json', 'brotli.fz', 'stored-half.fz'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout.toString()).map((x: { file: string }) => x.file)).toEqual(['brotli.fz']);
  });

  it('test: decodes and verifies, exit 0 on whole streams and 1 on cut ones; writes nothing', () => {
    const before = listDir(dir);
    expect(runCli(['test', 'image.fz', 'brotli.fz', 'stored.fz'], { cwd: dir }).status).toBe(0);
    for (const name of Object.keys(streams)) expect(runCli(['test', `${name}-half.fz`], { cwd: dir }).status, name).toBe(1);
    expect(listDir(dir)).toEqual(before);
  });
});
