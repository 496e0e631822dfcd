import { describe, expect, it } from 'vitest';
import { compress, decompress, FlowzipError, inspectStream, shippedModels } from '../src/codec/index.js';
import { parsePng } from '../src/codec/formats/png.js';
import { corpusFiles } from './helpers/corpus.js';
import { mulberry32 } from './helpers/prng.js';

/** Byte equality, or for PNG identical pixels, colour type, depth and ancillary chunks. */
function sameFile(name: string, a: Uint8Array, b: Uint8Array): boolean {
  if (Buffer.from(a).equals(Buffer.from(b))) return true;
  if (!name.endsWith('.png')) return false;
  const x = parsePng(a),
    y = parsePng(b);
  if (!x || !y) return false;
  return (
    x.colourType === y.colourType &&
    x.pngBitDepth === y.pngBitDepth &&
    x.raster.width === y.raster.width &&
    x.raster.height === y.raster.height &&
    Buffer.from(x.raster.samples.buffer).equals(Buffer.from(y.raster.samples.buffer)) &&
    JSON.stringify(x.ancillary.map((c) => [c.type, c.position, Buffer.from(c.data).toString('hex')])) ===
      JSON.stringify(y.ancillary.map((c) => [c.type, c.position, Buffer.from(c.data).toString('hex')]))
  );
}

const corpus = corpusFiles();

describe('compress / decompress over the corpus', () => {
  for (const [name, bytes] of corpus) {
    it(`${name} round-trips and never expands by more than 32 bytes`, async () => {
      const z = await compress(bytes);
      expect(z.length).toBeLessThanOrEqual(bytes.length + 32);
      expect(sameFile(name, bytes, await decompress(z))).toBe(true);
    });
  }

  it('photos go through the flow and beat their PNG files where the flow applies', async () => {
    const [, ppm] = corpus.find(([n]) => n === 'photos/rgb-ladybird-256x192.ppm')!;
    const z = await compress(ppm);
    expect(inspectStream(z).method).toBe('image');
    expect(inspectStream(z).image!.models[0].name).toMatch(/rgb|photo/);
  });
});

describe('exactness across backends', () => {
  // Model zero over the whole corpus on every backend (the cpu backend is slow: small files only);
  // every shipped learned model on a few small images (its nets are heavy for the reference).
  const zero = { model: 'zero-rgb', grayModel: 'zero-gray' } as const;
  const images = corpus.filter(([n]) => /\.(png|ppm|pgm)$/.test(n));
  for (const m of shippedModels().filter((x) => !x.name.startsWith('zero-'))) {
    it(`learned model ${m.name}: reference and wasm give identical streams`, async () => {
      const small = images.filter(([n]) => (m.flow.channels === 3 ? /rgb-(pixel2xl|13x7|1x1)|rgba-/ : /gray-(1x37|hgrad)|graya-/).test(n));
      expect(small.length).toBeGreaterThan(0);
      for (const [name, bytes] of small) {
        const opts = { model: m.name, method: 'flow' as const };
        const ref = await compress(bytes, { ...opts, backend: 'reference' });
        const wasm = await compress(bytes, { ...opts, backend: 'wasm' });
        expect(Buffer.from(wasm).equals(Buffer.from(ref)), name).toBe(true);
        expect(sameFile(name, bytes, await decompress(ref, { backend: 'wasm' })), name).toBe(true);
      }
    });
  }
  for (const [name, bytes] of images) {
    it(`${name}: reference and wasm give identical streams`, async () => {
      const ref = await compress(bytes, { ...zero, backend: 'reference', method: 'flow' });
      const wasm = await compress(bytes, { ...zero, backend: 'wasm', method: 'flow' });
      expect(Buffer.from(wasm).equals(Buffer.from(ref))).toBe(true);
      expect(sameFile(name, bytes, await decompress(ref, { backend: 'wasm' }))).toBe(true);
    });
  }
  it('cpu backend gives identical streams on small images', async () => {
    for (const [name, bytes] of images.filter(([, b]) => b.length < 8000)) {
      const ref = await compress(bytes, { ...zero, backend: 'reference', method: 'flow' });
      const cpu = await compress(bytes, { ...zero, backend: 'cpu', method: 'flow' });
      expect(Buffer.from(cpu).equals(Buffer.from(ref)), name).toBe(true);
    }
  });
});

describe('corrupt and truncated streams', () => {
  const sources = corpus.filter(([n]) => ['photos/rgb-pixel2xl-64x64.png', 'edge/text-gpl3-head.txt', 'edge/rgba-ladybird-96x64.png', 'photos/gray-gravel-128x128.png'].includes(n));

  it('every single-byte flip gives a typed error, never a wrong output', async () => {
    const rng = mulberry32(42);
    for (const [, bytes] of sources) {
      const z = await compress(bytes);
      for (let t = 0; t < 40; t++) {
        const bad = z.slice();
        const at = Math.floor(rng() * bad.length);
        bad[at] ^= 1 + Math.floor(rng() * 255);
        const err = await decompress(bad).then(
          () => null,
          (e) => e,
        );
        expect(err, `flip at ${at}`).toBeInstanceOf(FlowzipError);
        expect(['E_CORRUPT', 'E_TRUNCATED', 'E_CHECKSUM', 'E_VERSION', 'E_UNKNOWN_MODEL', 'E_LIMIT']).toContain(err.code);
      }
    }
  });

  it('every truncation gives a typed error', async () => {
    for (const [, bytes] of sources) {
      const z = await compress(bytes);
      for (let n = 0; n < z.length; n += Math.max(1, Math.floor(z.length / 50))) {
        const err = await decompress(z.subarray(0, n)).then(
          () => null,
          (e) => e,
        );
        expect(err, `truncated to ${n}`).toBeInstanceOf(FlowzipError);
      }
    }
  });

  it('foreign bytes and newer versions are refused with clear codes', async () => {
    await expect(decompress(new TextEncoder().encode('hello world'))).rejects.toMatchObject({ code: 'E_CORRUPT' });
    const z = await compress(new TextEncoder().encode('hello world'));
    const newer = z.slice();
    newer[2] = (9 << 4) | (newer[2] & 15);
    await expect(decompress(newer)).rejects.toMatchObject({ code: 'E_VERSION' });
  });

  it('a stream naming an unknown model fails with E_UNKNOWN_MODEL naming it', async () => {
    const [, bytes] = sources[0];
    const z = await compress(bytes, { method: 'flow' });
    const info = inspectStream(z);
    expect(info.method).toBe('image');
    let bad: Uint8Array;
    if ((z[2] & 15) === 4) {
      // A compact small-image stream (format 7) names a shipped model by number: name it by an id no model has instead (m = 15, then 4 bytes).
      bad = Uint8Array.of(...z.subarray(0, 3), (z[3] & 0xf0) | 15, 0xff, 0xff, 0xff, 0xfe, ...z.subarray(4));
    } else {
      // The model id sits right after the image header; find and change it.
      const id = Buffer.from(info.image!.models[0].id, 'hex');
      const at = Buffer.from(z).indexOf(id);
      bad = z.slice();
      bad[at] ^= 0xff;
    }
    await expect(decompress(bad)).rejects.toMatchObject({ code: 'E_UNKNOWN_MODEL' });
    if ((z[2] & 15) === 4) await expect(decompress(bad)).rejects.toThrow(/fffffffe/);
  });
});
