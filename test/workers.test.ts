/**
 * Parallel tiles and backend choice: streams are byte-identical whatever the
 * number of workers, decoding agrees, errors are the ones a sequential run
 * meets, and `auto` keeps model zero on the reference backend.
 *
 * The pool's workers run the compiled dist/src/codec/worker.js (see
 * src/codec/pool.ts); `npm test` builds it first.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compress, decompress, FlowzipError } from '../src/codec/index.js';
import { rankBackends } from '../src/codec/backend-choice.js';
import { parsePnm, writePnm, canonicalPnmHeader } from '../src/codec/formats/pnm.js';
import { runnerFor, resolveModel } from '../src/codec/models.js';
import { poolStats } from '../src/codec/pool.js';
import { corpusFiles } from './helpers/corpus.js';

/** A 600×420 RGB PPM (3×2 tiles, partial ones at the right and bottom) mirrored out of a corpus photo. */
function bigPpm(src: Uint8Array): Uint8Array {
  const r = parsePnm(src)!.raster;
  const W = 600,
    H = 420;
  const out = new Uint8Array(W * H * 3);
  const fold = (v: number, n: number) => {
    const p = v % (2 * n);
    return p < n ? p : 2 * n - 1 - p;
  };
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const s = (fold(y, r.height) * r.width + fold(x, r.width)) * 3;
      for (let c = 0; c < 3; c++) out[(y * W + x) * 3 + c] = (r.samples[s + c] + ((x * 7 + y * 3) >> 5)) & 255;
    }
  }
  const raster = { width: W, height: H, channels: 3 as const, bitDepth: 8 as const, samples: out };
  return writePnm(canonicalPnmHeader(raster, 255), raster);
}

const corpus = corpusFiles();
const pick = (name: string) => corpus.find(([n]) => n === name)![1];
const files: Array<[string, Uint8Array]> = [
  ['multi-tile 600×420 RGB', bigPpm(pick('photos/rgb-ladybird-256x192.ppm'))],
  ['photos/rgb-dandelion-208x160.png', pick('photos/rgb-dandelion-208x160.png')],
  ['edge/rgba-ladybird-96x64.png', pick('edge/rgba-ladybird-96x64.png')],
  ['edge/graya-gravel-64x64.png', pick('edge/graya-gravel-64x64.png')],
  ['photos/gray-apriltag-256x192.pgm', pick('photos/gray-apriltag-256x192.pgm')],
];

describe('parallel tiles', () => {
  it('the compiled worker exists (built by tsc), so the pool really runs', () => {
    expect(existsSync(new URL('../dist/src/codec/worker.js', import.meta.url))).toBe(true);
  });

  for (const [name, bytes] of files) {
    it(`${name}: workers 0, 1, 2 and 3 give byte-identical streams and decodes`, async () => {
      // The big image skips the (slow, whole-file) brotli candidate of method auto: the tiles are what is tested.
      const method = bytes.length > 100_000 ? 'flow' : 'auto';
      const one = await compress(bytes, { workers: 1, method });
      for (const workers of [0, 2, 3]) expect(Buffer.from(await compress(bytes, { workers, method })).equals(Buffer.from(one)), `workers ${workers}`).toBe(true);
      const ref = await decompress(one, { workers: 1 });
      for (const workers of [0, 2, 3]) expect(Buffer.from(await decompress(one, { workers })).equals(Buffer.from(ref)), `decode, workers ${workers}`).toBe(true);
    });
  }

  it('pool workers code pieces of a multi-tile image (not just the calling thread)', async () => {
    const bytes = files[0][1];
    const before = poolStats.remotePieces;
    for (let k = 0; k < 4 && poolStats.remotePieces === before; k++) {
      const z = await compress(bytes, { workers: 3, method: 'flow' });
      await decompress(z, { workers: 3 });
    }
    expect(poolStats.remotePieces).toBeGreaterThan(before);
  });

  it('a corrupt multi-tile stream fails with the same error whatever the number of workers', async () => {
    const z = await compress(files[0][1], { workers: 2, method: 'flow' });
    for (const at of [Math.floor(z.length * 0.3), Math.floor(z.length * 0.6), z.length - 5]) {
      const bad = z.slice();
      bad[at] ^= 0x5a;
      const errs = [];
      for (const workers of [1, 2])
        errs.push(
          await decompress(bad, { workers }).then(
            () => null,
            (e) => e,
          ),
        );
      expect(errs[0], `flip at ${at}`).toBeInstanceOf(FlowzipError);
      expect(errs[1].code).toBe(errs[0].code);
      expect(errs[1].message).toBe(errs[0].message);
    }
  });

  it('workers must be a non-negative integer', async () => {
    await expect(compress(files[1][1], { workers: -1 })).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(compress(files[1][1], { workers: 1.5 })).rejects.toMatchObject({ code: 'E_USAGE' });
  });
});

describe('auto backend choice', () => {
  it('model zero is estimated far cheaper on the reference fast path and auto picks it', async () => {
    for (const name of ['zero-gray', 'zero-rgb']) {
      const m = resolveModel(name);
      const ranked = rankBackends(m);
      expect(ranked[0].backend).toBe('reference');
      expect(ranked.find((r) => r.backend === 'wasm')!.ns).toBeGreaterThan(4 * ranked[0].ns);
      expect((await runnerFor(m, 'auto')).name).toBe('reference');
    }
  });

  it('a dense net (like a learned prior) is estimated cheaper on wasm than on the reference', () => {
    const base = resolveModel('gray');
    const l = (kh: number, cin: number, cout: number) => ({ kh, kw: kh, cin, cout, weights: new Int32Array(kh * kh * cin * cout).fill(1), bias: new Int32Array(cout), shift: 8, lo: 0, hi: 255 });
    const net = { inLo: -255, inHi: 255, layers: [l(3, 1, 32), l(3, 32, 32), l(1, 32, 2)] };
    const dense = {
      ...base,
      id: 'dense-test',
      flow: { ...base.flow, steps: [{ op: 'squeeze' as const }, { op: 'coupling' as const, target: [1], cond: [0], net: { ...net, layers: [l(3, 1, 32), l(3, 32, 32), l(1, 32, 1)] } }] },
    };
    const ranked = rankBackends(dense);
    expect(ranked.findIndex((r) => r.backend === 'wasm')).toBeLessThan(ranked.findIndex((r) => r.backend === 'reference'));
  });
});
