/**
 * The copy tile streams of the causal models (format 6, copy-causal-coder.ts):
 * exact inverse on synthetic UI-like images with 1, 2, 256 and 257 colours,
 * fully transparent and fully opaque alpha, the encoder's choice of a copy
 * tile, typed errors on tampered streams, and the adaptive bits' exact inverse.
 */
import { describe, expect, it } from 'vitest';
import { compress, decompress, FlowzipError } from '../src/codec/index.js';
import { copyWorthTrying, decodeCopyTile, encodeCopyTile } from '../src/codec/copy-causal-coder.js';
import { streamFeatures } from '../src/codec/stream-features.js';
import { fitImageParams } from '../src/codec/causal-coder.js';
import { parsePng, writePng } from '../src/codec/formats/png.js';
import { resolveModel } from '../src/codec/models.js';
import { AdaptiveBits, pushBit } from '../src/quant/adaptive-bit.js';
import { ByteRansDecoder, ByteRansEncoder } from '../src/ans/index.js';
import { mulberry32 } from './helpers/prng.js';

/** A w×h image of `channels` channels drawn from `colours` distinct colours: rectangles, glyph-like runs and noise pixels. */
function uiImage(w: number, h: number, channels: 1 | 2 | 3 | 4, colours: number, seed: number, alpha?: 'opaque' | 'transparent'): Uint8Array {
  const r = mulberry32(seed);
  // Distinct colours: channel 0 holds k mod 256, channel 1 (when k ≥ 256 there is one) adds 128 · (k >> 8).
  const palette = Array.from({ length: colours }, (_, k) => Array.from({ length: channels }, (_, c) => (c === 0 ? k & 255 : (k * (37 + 54 * c) + c * 11 + (c === 1 ? (k >> 8) * 128 : 0)) & 255)));
  const out = new Uint8Array(w * h * channels);
  const idx = new Int32Array(w * h); // a background of colour 0
  for (let k = 0; k < 12; k++) {
    const x0 = Math.floor(r() * w),
      y0 = Math.floor(r() * h),
      col = Math.floor(r() * colours);
    for (let y = y0; y < Math.min(h, y0 + 9); y++) for (let x = x0; x < Math.min(w, x0 + 17); x++) idx[y * w + x] = col;
  }
  for (let y = 0; y < h; y += 5) for (let x = 0; x < w; x++) if ((x * 7 + y) % 11 < 3) idx[y * w + x] = (x + y) % colours;
  for (let i = 0; i < (w * h) / 50; i++) idx[Math.floor(r() * w * h)] = Math.floor(r() * colours); // scattered pixels
  for (let k = 0; k < colours; k++) idx[(k % h) * w + Math.floor(k / h)] = k; // every colour appears
  for (let i = 0; i < w * h; i++) {
    for (let c = 0; c < channels; c++) out[i * channels + c] = palette[idx[i]][c];
    if (alpha === 'opaque') out[i * channels + channels - 1] = 255;
    if (alpha === 'transparent') out[i * channels + channels - 1] = 0;
  }
  return out;
}

function png(w: number, h: number, channels: 1 | 2 | 3 | 4, samples: Uint8Array): Uint8Array {
  const colourType = ({ 1: 0, 2: 4, 3: 2, 4: 6 } as const)[channels];
  return writePng({ raster: { width: w, height: h, channels, bitDepth: 8, samples }, colourType, pngBitDepth: 8, interlaced: false, ancillary: [] });
}

function colourCount(samples: Uint8Array, channels: number): number {
  const seen = new Set<string>();
  for (let i = 0; i < samples.length; i += channels) seen.add(samples.subarray(i, i + channels).join(','));
  return seen.size;
}

describe('adaptive bits', () => {
  it('decode exactly what was pushed, context by context', () => {
    const r = mulberry32(3);
    const bits = Array.from({ length: 5000 }, (_, i) => (r() < (i % 3 === 0 ? 0.9 : 0.2) ? 1 : 0));
    const model = new AdaptiveBits(3);
    const probs = bits.map((b, i) => {
      const p = model.p1(i % 3);
      model.update(i % 3, b);
      return p;
    });
    const enc = new ByteRansEncoder(64, 'one');
    for (let i = bits.length - 1; i >= 0; i--) pushBit(enc, bits[i], probs[i]);
    const stream = enc.finish();
    expect(stream.length).toBeLessThan(5000 / 8);
    const dec = new ByteRansDecoder(stream, 'one');
    const back = new AdaptiveBits(3);
    expect(bits.map((_, i) => back.decode(dec, i % 3))).toEqual(bits);
    dec.finish();
  });
});

describe('adaptive bits, two-rate mode (format 7)', () => {
  it('decode exactly what was pushed, and code bursty bits (runs, as copy decisions come) in fewer bits than the one-rate rule', () => {
    const r = mulberry32(4);
    // Each context's bits come in runs: the last bit again with probability 0.9.
    const last = [0, 0];
    const bits = Array.from({ length: 20000 }, (_, i) => (last[i % 2] = r() < 0.9 ? last[i % 2] : 1 - last[i % 2]));
    const sizes: number[] = [];
    for (const twoRate of [false, true]) {
      const model = new AdaptiveBits(2, twoRate);
      const probs = bits.map((b, i) => {
        const p = model.p1(i % 2);
        expect(p).toBeGreaterThanOrEqual(32);
        expect(p).toBeLessThanOrEqual(65536 - 32);
        model.update(i % 2, b);
        return p;
      });
      const enc = new ByteRansEncoder(64, 'one');
      for (let i = bits.length - 1; i >= 0; i--) pushBit(enc, bits[i], probs[i]);
      const stream = enc.finish();
      sizes.push(stream.length);
      const dec = new ByteRansDecoder(stream, 'one');
      const back = new AdaptiveBits(2, twoRate);
      expect(bits.map((_, i) => back.decode(dec, i % 2))).toEqual(bits);
      dec.finish();
    }
    expect(sizes[1]).toBeLessThan(sizes[0]);
  });

  it('follow the rule of the header exactly (pinned estimates after a known sequence)', () => {
    const model = new AdaptiveBits(1, true);
    const seen: number[] = [];
    for (let i = 0; i < 300; i++) {
      model.update(0, i % 10 === 9 ? 0 : 1);
      if (i === 0 || i === 15 || i === 299) seen.push(model.p1(0));
    }
    // After bit 1 at n = 0: fast 2^15 + 2^15 >> 1, slow the same → 49152. Later values follow the schedule.
    expect(seen[0]).toBe(49152);
    expect(seen.slice(1)).toEqual([seen[1], seen[2]]);
    expect(seen[2]).toBeGreaterThan(50000);
    const one = new AdaptiveBits(1);
    one.update(0, 1);
    expect(one.p1(0)).toBe(49152);
  });
});

describe('copy tiles', () => {
  it('are the exact inverse on 1-, 2-, 256- and 257-colour images (RGB and gray), with every stack mode', () => {
    for (const colours of [1, 2, 256, 257]) {
      for (const [count, name] of [
        [3, 'causal-rgb'],
        [1, 'causal-gray'],
        [3, 'causal-rgb-strong'],
        [1, 'causal-gray-fast'],
      ] as const) {
        const w = 71,
          h = 53;
        const data = uiImage(w, h, count, count === 1 ? Math.min(colours, 256) : colours, colours * 7 + count);
        if (count === 3) expect(colourCount(data, 3)).toBe(colours);
        const model = resolveModel(name);
        const params = fitImageParams(data, w, count, 0, count, [{ x: 0, y: 0, w, h }], model.causal!.maxClasses);
        const stream = encodeCopyTile(data, w, h, count, params, model.causal!.stack);
        expect(decodeCopyTile(stream, w, h, count, params, model.causal!.stack)).toEqual(data);
        // Format 6's one-rate bits: their own stream, decoded with format 6's features.
        const v6 = encodeCopyTile(data, w, h, count, params, model.causal!.stack, streamFeatures(6));
        expect(decodeCopyTile(v6, w, h, count, params, model.causal!.stack, streamFeatures(6))).toEqual(data);
        if (colours > 1) expect(Buffer.from(v6).equals(Buffer.from(stream))).toBe(false);
      }
    }
  });

  it('are chosen when at least 1/8 of the pixels repeat their W or N neighbour, not for noise', () => {
    const r = mulberry32(9);
    const noise = Uint8Array.from({ length: 64 * 64 * 3 }, () => Math.floor(r() * 256));
    expect(copyWorthTrying(noise, 64, 64, 3)).toBe(false);
    expect(copyWorthTrying(uiImage(64, 64, 3, 5, 1), 64, 64, 3)).toBe(true);
  });

  it('code a one-colour tile in a few bytes', () => {
    const w = 256,
      h = 256;
    const data = new Uint8Array(w * h * 3).fill(200);
    const model = resolveModel('causal-rgb');
    const params = fitImageParams(data, w, 3, 0, 3, [{ x: 0, y: 0, w, h }], model.causal!.maxClasses);
    const stream = encodeCopyTile(data, w, h, 3, params, model.causal!.stack);
    expect(stream.length).toBeLessThan(64);
    expect(decodeCopyTile(stream, w, h, 3, params, model.causal!.stack)).toEqual(data);
  });

  it('refuse a truncated or tampered stream with a typed error', () => {
    const w = 40,
      h = 30;
    const data = uiImage(w, h, 3, 257, 5);
    const model = resolveModel('causal-rgb');
    const params = fitImageParams(data, w, 3, 0, 3, [{ x: 0, y: 0, w, h }], model.causal!.maxClasses);
    const stream = encodeCopyTile(data, w, h, 3, params, model.causal!.stack);
    for (const bad of [stream.subarray(0, 3), stream.subarray(0, stream.length >> 1)]) {
      let thrown: unknown = null;
      try {
        const out = decodeCopyTile(bad, w, h, 3, params, model.causal!.stack);
        expect(out).not.toEqual(data);
      } catch (e) {
        thrown = e;
      }
      if (thrown) expect(thrown).toBeInstanceOf(FlowzipError);
    }
  });
});

describe('synthetic PNGs through compress (copy tiles, alpha)', () => {
  const cases: Array<[string, 1 | 2 | 3 | 4, number, 'opaque' | 'transparent' | undefined]> = [
    ['RGBA, fully opaque alpha', 4, 40, 'opaque'],
    ['RGBA, fully transparent alpha (RGB kept)', 4, 40, 'transparent'],
    ['RGBA, 257 colours', 4, 257, undefined],
    ['gray+alpha, 2 colours', 2, 2, undefined],
    ['gray, 1 colour', 1, 1, undefined],
    ['RGB, 256 colours', 3, 256, undefined],
  ];
  for (const [name, channels, colours, alpha] of cases) {
    it(`round-trips ${name}, never more than 16 bytes over its PNG`, async () => {
      const w = 300,
        h = 140; // two tiles across
      const samples = uiImage(w, h, channels, colours, colours + channels, alpha);
      const input = png(w, h, channels, samples);
      const z = await compress(input, { workers: 1 });
      expect(z.length).toBeLessThanOrEqual(input.length + 16);
      expect(parsePng(await decompress(z, { workers: 1 })).raster.samples).toEqual(samples);
      // The image path itself (whatever auto chose): exact samples and colour type.
      const flow = await compress(input, { workers: 1, method: 'flow' });
      expect(flow[2] & 0x0f).toBe(2);
      const back = parsePng(await decompress(flow, { workers: 1 }));
      expect(back.raster.samples).toEqual(samples);
      expect(back.colourType).toBe(parsePng(input).colourType);
    });
  }

  it('codes a fully opaque or fully transparent alpha plane in a few bytes', async () => {
    const w = 256,
      h = 256;
    const rgb = uiImage(w, h, 3, 30, 4);
    const sizes: number[] = [];
    for (const a of [255, 0]) {
      const rgba = new Uint8Array(w * h * 4);
      for (let i = 0; i < w * h; i++) rgba.set([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], a], 4 * i);
      const z = await compress(png(w, h, 4, rgba), { workers: 1 });
      expect(parsePng(await decompress(z)).raster.samples).toEqual(rgba);
      sizes.push(z.length);
    }
    const z3 = await compress(png(w, h, 3, rgb), { workers: 1 });
    for (const s of sizes) expect(s - z3.length).toBeLessThan(300); // the alpha group's parameters and one piece per tile
  });
});
