import { crc32, deflateSync } from 'node:zlib';

import { decode as fastPngDecode, encode as fastPngEncode } from 'fast-png';
import { describe, expect, it } from 'vitest';

import { mulberry32 } from './helpers/prng.js';
import { FlowzipError, type FlowzipErrorCode } from '../src/codec/errors.js';
import type { Raster } from '../src/codec/formats/image.js';
import { parsePng, writePng, type PngAncillaryChunk, type PngBitDepth, type PngColourType, type PngImage } from '../src/codec/formats/png.js';
import { canonicalPnmHeader, parsePnm, writePnm } from '../src/codec/formats/pnm.js';

// ---------------------------------------------------------------------------
// Helpers (independent of the code under test)
// ---------------------------------------------------------------------------

/** Seeded PRNG (mulberry32): uniform integers in [0, n). */
function makeRng(seed: number): (n: number) => number {
  const next = mulberry32(seed);
  return (n: number) => next() * n;
}

function randomInt(rng: (n: number) => number, n: number): number {
  return Math.floor(rng(n));
}

function randomBytes(rng: (n: number) => number, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => randomInt(rng, 256));
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Expects `fn` to throw a FlowzipError with `code`. */
function expectFlowzipError(fn: () => unknown, code: FlowzipErrorCode): FlowzipError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(FlowzipError);
  const err = caught as FlowzipError;
  expect(err.code).toBe(code);
  expect(err.message).not.toContain('\n');
  return err;
}

const CHANNELS: Record<PngColourType, 1 | 2 | 3 | 4> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Every colour type × bit depth combination the PNG specification allows. */
const PNG_COMBOS: Array<[PngColourType, PngBitDepth]> = [
  [0, 1],
  [0, 2],
  [0, 4],
  [0, 8],
  [0, 16],
  [2, 8],
  [2, 16],
  [3, 1],
  [3, 2],
  [3, 4],
  [3, 8],
  [4, 8],
  [4, 16],
  [6, 8],
  [6, 16],
];

const SIZES: Array<[number, number]> = [
  [1, 1],
  [1, 13],
  [13, 1],
  [7, 5],
  [33, 9],
];

/** A random raster for a colour type / bit depth; palette indices stay below `paletteEntries`. */
function randomRaster(rng: (n: number) => number, width: number, height: number, colourType: PngColourType, bitDepth: PngBitDepth, paletteEntries: number): Raster {
  const channels = CHANNELS[colourType];
  const count = width * height * channels;
  const limit = colourType === 3 ? paletteEntries : 2 ** bitDepth;
  const samples = bitDepth === 16 ? new Uint16Array(count) : new Uint8Array(count);
  for (let i = 0; i < count; i++) samples[i] = randomInt(rng, limit);
  return { width, height, channels, bitDepth: bitDepth === 16 ? 16 : 8, samples };
}

/** Packs one row of samples MSB-first into bytes (test-side reference). */
function packRowReference(samples: ArrayLike<number>, start: number, count: number, depth: number): number[] {
  const bytes: number[] = [];
  if (depth === 16) {
    for (let i = 0; i < count; i++) bytes.push(samples[start + i] >> 8, samples[start + i] & 0xff);
    return bytes;
  }
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < count; i++) {
    acc = (acc << depth) | samples[start + i];
    bits += depth;
    if (bits === 8) {
      bytes.push(acc);
      acc = 0;
      bits = 0;
    }
  }
  if (bits > 0) bytes.push(acc << (8 - bits));
  return bytes;
}

/** Applies PNG filter `type` to raw row `cur` given raw previous row `prev` (test-side reference). */
function filterRowReference(type: number, cur: number[], prev: number[], bpp: number): number[] {
  const out = [type];
  for (let i = 0; i < cur.length; i++) {
    const a = i >= bpp ? cur[i - bpp] : 0;
    const b = prev[i] ?? 0;
    const c = i >= bpp ? (prev[i - bpp] ?? 0) : 0;
    let pred = 0;
    if (type === 1) pred = a;
    else if (type === 2) pred = b;
    else if (type === 3) pred = Math.floor((a + b) / 2);
    else if (type === 4) {
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    out.push((cur[i] - pred) & 0xff);
  }
  return out;
}

const ADAM7_REF = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/**
 * Test-side reference encoder of the filtered scanline stream: every filter
 * type in turn (row index mod 5), optionally Adam7-interlaced.
 */
function referenceImageData(raster: Raster, bitDepth: PngBitDepth, interlaced: boolean): Uint8Array {
  const { width, height, channels, samples } = raster;
  const bpp = Math.max(1, (channels * bitDepth) / 8);
  const passes = interlaced ? ADAM7_REF : [[0, 0, 1, 1]];
  const out: number[] = [];
  let rowCounter = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((width - x0) / dx);
    const ph = Math.ceil((height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    let prev: number[] = [];
    for (let j = 0; j < ph; j++) {
      const y = y0 + j * dy;
      const rowSamples: number[] = [];
      for (let i = 0; i < pw; i++) {
        const x = x0 + i * dx;
        for (let c = 0; c < channels; c++) rowSamples.push(samples[(y * width + x) * channels + c]);
      }
      const raw = packRowReference(rowSamples, 0, rowSamples.length, bitDepth);
      out.push(...filterRowReference(rowCounter++ % 5, raw, prev, bpp));
      prev = raw;
    }
  }
  return deflateSync(Uint8Array.from(out));
}

/** Builds a PNG from chunks (test-side reference; computes lengths and CRCs). */
function buildPng(chunks: Array<[string, Uint8Array]>): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)];
  for (const [type, data] of chunks) {
    const chunk = new Uint8Array(12 + data.length);
    const view = new DataView(chunk.buffer);
    view.setUint32(0, data.length);
    chunk.set(ascii(type), 4);
    chunk.set(data, 8);
    view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
    parts.push(chunk);
  }
  return Uint8Array.from(Buffer.concat(parts));
}

function ihdr(width: number, height: number, bitDepth: number, colourType: number, interlace = 0): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([bitDepth, colourType, 0, 0, interlace], 8);
  return data;
}

/** Splits `data` into `n` roughly equal pieces (some may be empty). */
function split(data: Uint8Array, n: number): Uint8Array[] {
  const size = Math.ceil(data.length / n);
  return Array.from({ length: n }, (_, i) => data.subarray(i * size, (i + 1) * size));
}

function textChunk(keyword: string, text: string): Uint8Array {
  return ascii(`${keyword}\0${text}`);
}

function itxtChunk(keyword: string, text: string): Uint8Array {
  return Uint8Array.from([...ascii(`${keyword}\0\0\0en\0`), ...ascii('Titel'), 0, ...new TextEncoder().encode(text)]);
}

function iccpChunk(rng: (n: number) => number): Uint8Array {
  return Uint8Array.from([...ascii('fake profile\0'), 0, ...deflateSync(randomBytes(rng, 200))]);
}

function gamaChunk(): Uint8Array {
  return Uint8Array.of(0, 0, 0xb1, 0x8f);
}

/** A tRNS chunk valid for the colour type (none for types with alpha). */
function trnsChunk(rng: (n: number) => number, colourType: PngColourType, paletteEntries: number): Uint8Array | null {
  if (colourType === 0) return randomBytes(rng, 2);
  if (colourType === 2) return randomBytes(rng, 6);
  if (colourType === 3) return randomBytes(rng, Math.max(1, paletteEntries - 1));
  return null;
}

/** A varied set of ancillary chunks at every position the image allows. */
function ancillaryFor(rng: (n: number) => number, colourType: PngColourType, paletteEntries: number, hasPalette: boolean): PngAncillaryChunk[] {
  const early = hasPalette ? 'beforePLTE' : 'beforeIDAT';
  const chunks: PngAncillaryChunk[] = [
    { type: 'gAMA', data: gamaChunk(), position: early },
    { type: 'iCCP', data: iccpChunk(rng), position: early },
    { type: 'tEXt', data: textChunk('Title', 'before the pixels'), position: 'beforeIDAT' },
  ];
  const trns = trnsChunk(rng, colourType, paletteEntries);
  if (trns) chunks.push({ type: 'tRNS', data: trns, position: 'beforeIDAT' });
  chunks.push(
    { type: 'iTXt', data: itxtChunk('Title', 'après les pixels ✓'), position: 'afterIDAT' },
    { type: 'tEXt', data: textChunk('Comment', ''), position: 'afterIDAT' },
    { type: 'prVt', data: randomBytes(rng, 17), position: 'afterIDAT' },
    { type: 'zeRo', data: new Uint8Array(0), position: 'afterIDAT' },
  );
  return chunks;
}

function paletteEntriesFor(bitDepth: PngBitDepth, rng: (n: number) => number): number {
  // Sometimes the full 2^depth entries, sometimes fewer.
  const max = Math.min(256, 2 ** bitDepth);
  return rng(2) < 1 ? max : 1 + randomInt(rng, max);
}

/** A random PngImage of the given kind, with ancillary chunks. */
function randomPngImage(rng: (n: number) => number, width: number, height: number, colourType: PngColourType, pngBitDepth: PngBitDepth): PngImage {
  const entries = colourType === 3 ? paletteEntriesFor(pngBitDepth, rng) : 0;
  const raster = randomRaster(rng, width, height, colourType, pngBitDepth, entries);
  const palette = colourType === 3 ? randomBytes(rng, entries * 3) : undefined;
  const image: PngImage = {
    raster,
    colourType,
    pngBitDepth,
    interlaced: false,
    ancillary: ancillaryFor(rng, colourType, entries, palette !== undefined),
  };
  if (palette) image.palette = palette;
  return image;
}

/** Asserts two PngImages agree on everything a round trip must keep. */
function expectSameImage(actual: PngImage, expected: PngImage): void {
  expect(actual.colourType).toBe(expected.colourType);
  expect(actual.pngBitDepth).toBe(expected.pngBitDepth);
  expect(actual.raster.width).toBe(expected.raster.width);
  expect(actual.raster.height).toBe(expected.raster.height);
  expect(actual.raster.channels).toBe(expected.raster.channels);
  expect(actual.raster.bitDepth).toBe(expected.raster.bitDepth);
  expect(actual.raster.samples).toEqual(expected.raster.samples);
  expect(actual.palette).toEqual(expected.palette);
  expect(actual.ancillary.map((c) => [c.type, c.position, Array.from(c.data)])).toEqual(expected.ancillary.map((c) => [c.type, c.position, Array.from(c.data)]));
}

// ---------------------------------------------------------------------------
// PNG
// ---------------------------------------------------------------------------

describe('PNG round trip', () => {
  for (const [colourType, bitDepth] of PNG_COMBOS) {
    for (const [width, height] of SIZES) {
      it(`colour type ${colourType}, depth ${bitDepth}, ${width}x${height}: parse(write(img)) keeps everything`, () => {
        const rng = makeRng(colourType * 1000 + bitDepth * 100 + width * 10 + height);
        const image = randomPngImage(rng, width, height, colourType, bitDepth);
        const bytes = writePng(image);
        const parsed = parsePng(bytes);
        expect(parsed).not.toBeNull();
        expect(parsed!.interlaced).toBe(false);
        expectSameImage(parsed!, image);
        // Deterministic, and stable under a second round trip.
        expect(writePng(image)).toEqual(bytes);
        expect(writePng(parsed!)).toEqual(bytes);

        // Cross-check the pixels against an independent decoder. Without the
        // ancillary chunks: fast-png 8.0.0 misreads an RGB tRNS (one colour
        // key) as per-pixel alphas and rejects it on images under 3 pixels.
        const reference = fastPngDecode(writePng({ ...image, ancillary: [] }), { checkCrc: true });
        expect(reference.width).toBe(width);
        expect(reference.height).toBe(height);
        expect(reference.depth).toBe(bitDepth);
        expect(reference.channels).toBe(CHANNELS[colourType]);
        if (bitDepth >= 8) {
          expect(Array.from(reference.data)).toEqual(Array.from(image.raster.samples));
        } else {
          const packed: number[] = [];
          for (let y = 0; y < height; y++) {
            packed.push(...packRowReference(image.raster.samples, y * width, width, bitDepth));
          }
          expect(Array.from(reference.data)).toEqual(packed);
        }
      });
    }
  }

  it('keeps a suggested palette (PLTE) in truecolour images, and chunk positions around it', () => {
    const rng = makeRng(7);
    const raster = randomRaster(rng, 5, 4, 6, 8, 0);
    const image: PngImage = {
      raster,
      colourType: 6,
      pngBitDepth: 8,
      interlaced: false,
      palette: randomBytes(rng, 30),
      ancillary: [
        { type: 'gAMA', data: gamaChunk(), position: 'beforePLTE' },
        { type: 'sPLT', data: randomBytes(rng, 9), position: 'beforeIDAT' },
        { type: 'tIME', data: randomBytes(rng, 7), position: 'afterIDAT' },
      ],
    };
    const parsed = parsePng(writePng(image))!;
    expectSameImage(parsed, image);
  });

  it('writes chunks in the recorded order and positions', () => {
    const rng = makeRng(8);
    const image = randomPngImage(rng, 3, 3, 3, 4);
    const bytes = writePng(image);
    const types: string[] = [];
    for (let p = 8; p < bytes.length;) {
      const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(p);
      types.push(String.fromCharCode(...bytes.subarray(p + 4, p + 8)));
      p += 12 + len;
    }
    expect(types).toEqual(['IHDR', 'gAMA', 'iCCP', 'PLTE', 'tEXt', 'tRNS', 'IDAT', 'iTXt', 'tEXt', 'prVt', 'zeRo', 'IEND']);
  });
});

describe('PNG decoding of foreign files', () => {
  for (const [colourType, bitDepth] of PNG_COMBOS) {
    for (const interlaced of [false, true]) {
      it(`colour type ${colourType}, depth ${bitDepth}, ${interlaced ? 'Adam7' : 'non-interlaced'}, all filter types, split IDAT`, () => {
        const rng = makeRng(31 + colourType * 17 + bitDepth * 3 + (interlaced ? 1 : 0));
        for (const [width, height] of [...SIZES, [9, 10] as [number, number]]) {
          const entries = colourType === 3 ? 2 ** bitDepth : 0;
          const raster = randomRaster(rng, width, height, colourType, bitDepth, entries);
          const chunks: Array<[string, Uint8Array]> = [['IHDR', ihdr(width, height, bitDepth, colourType, interlaced ? 1 : 0)]];
          chunks.push(['tEXt', textChunk('Software', 'test')]);
          if (colourType === 3) chunks.push(['PLTE', randomBytes(rng, entries * 3)]);
          for (const piece of split(referenceImageData(raster, bitDepth, interlaced), 3)) chunks.push(['IDAT', piece]);
          chunks.push(['IEND', new Uint8Array(0)]);

          const parsed = parsePng(buildPng(chunks));
          expect(parsed).not.toBeNull();
          expect(parsed!.interlaced).toBe(interlaced);
          expect(parsed!.raster.samples).toEqual(raster.samples);
          expect(parsed!.ancillary).toEqual([{ type: 'tEXt', data: textChunk('Software', 'test'), position: colourType === 3 ? 'beforePLTE' : 'beforeIDAT' }]);
          if (interlaced) {
            expectFlowzipError(() => writePng(parsed!), 'E_BAD_IMAGE');
          } else {
            expectSameImage(parsePng(writePng(parsed!))!, parsed!);
          }
        }
      });
    }
  }

  it('decodes fast-png Adam7 output (8-bit RGBA, 16-bit grey) like fast-png', () => {
    const rng = makeRng(99);
    for (const [colourType, depth] of [
      [6, 8],
      [0, 16],
    ] as Array<[PngColourType, 8 | 16]>) {
      const raster = randomRaster(rng, 11, 6, colourType, depth, 0);
      const bytes = fastPngEncode({ width: 11, height: 6, data: raster.samples, depth, channels: raster.channels }, { interlace: 'Adam7' });
      const parsed = parsePng(bytes)!;
      expect(parsed.interlaced).toBe(true);
      expect(parsed.raster.samples).toEqual(raster.samples);
    }
  });
});

describe('PNG rejection', () => {
  const rng = makeRng(1234);
  const image = randomPngImage(rng, 7, 5, 3, 4);
  const good = writePng(image);
  const rasterRgb = randomRaster(rng, 4, 3, 2, 8, 0);
  const rgbData = referenceImageData(rasterRgb, 8, false);

  it('returns null without the signature, or with bytes after IEND', () => {
    expect(parsePng(new Uint8Array(0))).toBeNull();
    expect(parsePng(good.subarray(0, 7))).toBeNull();
    expect(parsePng(ascii('P5\n1 1\n255\n\0'))).toBeNull();
    expect(parsePng(Uint8Array.from([...good, 0]))).toBeNull();
    expect(parsePng(Uint8Array.from([...good, ...good]))).toBeNull();
  });

  it('throws E_BAD_IMAGE on every truncation', () => {
    for (let cut = 8; cut < good.length; cut++) {
      expectFlowzipError(() => parsePng(good.subarray(0, cut)), 'E_BAD_IMAGE');
    }
  });

  it('throws E_BAD_IMAGE on a bad CRC in any chunk', () => {
    for (let p = 8; p < good.length;) {
      const len = new DataView(good.buffer, good.byteOffset).getUint32(p);
      for (const at of [p + 4 + randomInt(rng, len + 4), p + 8 + len]) {
        const bad = good.slice();
        bad[at] ^= 0x10;
        expectFlowzipError(() => parsePng(bad), 'E_BAD_IMAGE');
      }
      p += 12 + len;
    }
  });

  const bad: Array<[string, Array<[string, Uint8Array]>]> = [
    [
      'zero width',
      [
        ['IHDR', ihdr(0, 3, 8, 2)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'zero height',
      [
        ['IHDR', ihdr(4, 0, 8, 2)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'width above 2^31-1',
      [
        ['IHDR', ihdr(2 ** 31, 1, 8, 2)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'RGB at depth 4',
      [
        ['IHDR', ihdr(4, 3, 4, 2)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'palette at depth 16',
      [
        ['IHDR', ihdr(4, 3, 16, 3)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'colour type 5',
      [
        ['IHDR', ihdr(4, 3, 8, 5)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'interlace method 2',
      [
        ['IHDR', ihdr(4, 3, 8, 2, 2)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'short IHDR',
      [
        ['IHDR', ihdr(4, 3, 8, 2).subarray(0, 12)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'IHDR not first',
      [
        ['tEXt', textChunk('a', 'b')],
        ['IHDR', ihdr(4, 3, 8, 2)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'duplicate IHDR',
      [
        ['IHDR', ihdr(4, 3, 8, 2)],
        ['IHDR', ihdr(4, 3, 8, 2)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'palette image without PLTE',
      [
        ['IHDR', ihdr(4, 3, 8, 3)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'PLTE in a grey image',
      [
        ['IHDR', ihdr(4, 3, 8, 0)],
        ['PLTE', new Uint8Array(6)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'PLTE of 2 bytes',
      [
        ['IHDR', ihdr(4, 3, 8, 2)],
        ['PLTE', new Uint8Array(2)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'PLTE after IDAT',
      [
        ['IHDR', ihdr(4, 3, 8, 2)],
        ['IDAT', rgbData],
        ['PLTE', new Uint8Array(6)],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'no IDAT',
      [
        ['IHDR', ihdr(4, 3, 8, 2)],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'IDAT split by a chunk',
      [
        ['IHDR', ihdr(4, 3, 8, 2)],
        ['IDAT', rgbData.subarray(0, 5)],
        ['tEXt', textChunk('a', 'b')],
        ['IDAT', rgbData.subarray(5)],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'unknown critical chunk',
      [
        ['IHDR', ihdr(4, 3, 8, 2)],
        ['CRIT', new Uint8Array(1)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'non-letter chunk type',
      [
        ['IHDR', ihdr(4, 3, 8, 2)],
        ['te5t', new Uint8Array(1)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'IEND with data',
      [
        ['IHDR', ihdr(4, 3, 8, 2)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(1)],
      ],
    ],
    [
      'no IEND',
      [
        ['IHDR', ihdr(4, 3, 8, 2)],
        ['IDAT', rgbData],
      ],
    ],
    [
      'image data one row short',
      [
        ['IHDR', ihdr(4, 4, 8, 2)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'image data one row long',
      [
        ['IHDR', ihdr(4, 2, 8, 2)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'image data truncated zlib',
      [
        ['IHDR', ihdr(4, 3, 8, 2)],
        ['IDAT', rgbData.subarray(0, rgbData.length - 6)],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'image data not zlib',
      [
        ['IHDR', ihdr(4, 3, 8, 2)],
        ['IDAT', ascii('not zlib at all')],
        ['IEND', new Uint8Array(0)],
      ],
    ],
    [
      'filter type 5',
      [
        ['IHDR', ihdr(1, 1, 8, 0)],
        ['IDAT', deflateSync(Uint8Array.of(5, 0))],
        ['IEND', new Uint8Array(0)],
      ],
    ],
  ];
  for (const [name, chunks] of bad) {
    it(`throws E_BAD_IMAGE: ${name}`, () => {
      expectFlowzipError(() => parsePng(buildPng(chunks)), 'E_BAD_IMAGE');
    });
  }

  it('accepts the well-formed control case of the table above', () => {
    const parsed = parsePng(
      buildPng([
        ['IHDR', ihdr(4, 3, 8, 2)],
        ['IDAT', rgbData],
        ['IEND', new Uint8Array(0)],
      ]),
    );
    expect(parsed!.raster.samples).toEqual(rasterRgb.samples);
  });

  it('throws E_LIMIT for a 100000x100000 IHDR before reading anything else', () => {
    const headerOnly = buildPng([['IHDR', ihdr(100000, 100000, 8, 6)]]);
    const complete = buildPng([
      ['IHDR', ihdr(100000, 100000, 8, 6)],
      ['IDAT', rgbData],
      ['IEND', new Uint8Array(0)],
    ]);
    const start = performance.now();
    expectFlowzipError(() => parsePng(headerOnly), 'E_LIMIT');
    expectFlowzipError(() => parsePng(complete), 'E_LIMIT');
    expect(performance.now() - start).toBeLessThan(100);
  });

  it('honours maxPixels', () => {
    expectFlowzipError(() => parsePng(good, { maxPixels: 34 }), 'E_LIMIT');
    expect(parsePng(good, { maxPixels: 35 })).not.toBeNull();
  });
});

describe('writePng rejection', () => {
  const rng = makeRng(55);
  const base = (): PngImage => randomPngImage(rng, 4, 3, 0, 4);

  it('refuses interlaced images', () => {
    expectFlowzipError(() => writePng({ ...base(), interlaced: true }), 'E_BAD_IMAGE');
  });

  it('refuses samples that do not fit the bit depth', () => {
    const img = base();
    img.raster.samples[5] = 16;
    expectFlowzipError(() => writePng(img), 'E_BAD_IMAGE');
  });

  it('refuses inconsistent images', () => {
    expectFlowzipError(() => writePng({ ...base(), pngBitDepth: 16 }), 'E_BAD_IMAGE');
    expectFlowzipError(() => writePng({ ...base(), colourType: 2 }), 'E_BAD_IMAGE');
    expectFlowzipError(() => writePng({ ...base(), colourType: 3 }), 'E_BAD_IMAGE');
    expectFlowzipError(() => writePng({ ...base(), palette: new Uint8Array(3) }), 'E_BAD_IMAGE');
    const short = base();
    short.raster = { ...short.raster, samples: short.raster.samples.subarray(1) };
    expectFlowzipError(() => writePng(short), 'E_BAD_IMAGE');
  });

  it('refuses ancillary chunks out of position order or with critical types', () => {
    const img = base();
    img.ancillary = [
      { type: 'tEXt', data: textChunk('a', 'b'), position: 'afterIDAT' },
      { type: 'gAMA', data: gamaChunk(), position: 'beforeIDAT' },
    ];
    expectFlowzipError(() => writePng(img), 'E_BAD_IMAGE');
    img.ancillary = [{ type: 'IDAT', data: new Uint8Array(3), position: 'afterIDAT' }];
    expectFlowzipError(() => writePng(img), 'E_BAD_IMAGE');
  });
});

// ---------------------------------------------------------------------------
// PNM
// ---------------------------------------------------------------------------

/** Sample bytes for a PNM: random values ≤ maxval, 1 or 2 (big-endian) bytes each. */
function pnmData(rng: (n: number) => number, count: number, maxval: number): Uint8Array {
  const wide = maxval > 255;
  const out = new Uint8Array(count * (wide ? 2 : 1));
  for (let i = 0; i < count; i++) {
    // Include maxval itself and 0 often, to probe the boundaries.
    const r = randomInt(rng, 10);
    const v = r === 0 ? maxval : r === 1 ? 0 : randomInt(rng, maxval + 1);
    if (wide) {
      out[2 * i] = v >> 8;
      out[2 * i + 1] = v & 0xff;
    } else {
      out[i] = v;
    }
  }
  return out;
}

const PNM_CASES: Array<{ header: string; width: number; height: number; channels: 1 | 3; maxval: number }> = [
  { header: 'P5\n7 5\n255\n', width: 7, height: 5, channels: 1, maxval: 255 },
  { header: 'P6\n7 5\n255\n', width: 7, height: 5, channels: 3, maxval: 255 },
  { header: 'P5\n7 5\n65535\n', width: 7, height: 5, channels: 1, maxval: 65535 },
  { header: 'P6\n1 1\n65535\n', width: 1, height: 1, channels: 3, maxval: 65535 },
  { header: 'P5\n1 13\n1000\n', width: 1, height: 13, channels: 1, maxval: 1000 },
  { header: 'P6\n13 1\n1000\n', width: 13, height: 1, channels: 3, maxval: 1000 },
  { header: 'P5\n3 2\n1\n', width: 3, height: 2, channels: 1, maxval: 1 },
  { header: 'P5\n3 2\n256\n', width: 3, height: 2, channels: 1, maxval: 256 },
  { header: 'P6 # a comment\n# another\r7\t5\r\n# before maxval\n1000\n', width: 7, height: 5, channels: 3, maxval: 1000 },
  { header: 'P5# comment right after the magic\n4 3\n255\n', width: 4, height: 3, channels: 1, maxval: 255 },
  { header: 'P5 4 3 100 ', width: 4, height: 3, channels: 1, maxval: 100 },
  { header: 'P6\r\n2 2\r\n255\r', width: 2, height: 2, channels: 3, maxval: 255 },
  { header: 'P5\t\v\f 004   003\n\n\n0255\t', width: 4, height: 3, channels: 1, maxval: 255 },
  { header: 'P6 2 3 4095# comment as the final separator\n', width: 2, height: 3, channels: 3, maxval: 4095 },
  { header: 'P53 1 255\n', width: 3, height: 1, channels: 1, maxval: 255 },
];

describe('PNM round trip', () => {
  for (const c of PNM_CASES) {
    it(`${JSON.stringify(c.header)}: writePnm(parsePnm(x)) is byte-identical`, () => {
      const rng = makeRng(c.width * 31 + c.height * 7 + c.maxval);
      const file = Uint8Array.from([...ascii(c.header), ...pnmData(rng, c.width * c.height * c.channels, c.maxval)]);
      const parsed = parsePnm(file);
      expect(parsed).not.toBeNull();
      const { raster, header, maxval } = parsed!;
      expect(header).toEqual(ascii(c.header));
      expect(maxval).toBe(c.maxval);
      expect(raster.width).toBe(c.width);
      expect(raster.height).toBe(c.height);
      expect(raster.channels).toBe(c.channels);
      expect(raster.bitDepth).toBe(c.maxval > 255 ? 16 : 8);
      expect(raster.samples).toBeInstanceOf(c.maxval > 255 ? Uint16Array : Uint8Array);
      expect(Math.max(...raster.samples)).toBeLessThanOrEqual(c.maxval);
      expect(writePnm(header, raster)).toEqual(file);
    });
  }

  it('canonicalPnmHeader reproduces canonical headers and only those', () => {
    for (const c of PNM_CASES) {
      const file = Uint8Array.from([...ascii(c.header), ...new Uint8Array(c.width * c.height * c.channels * (c.maxval > 255 ? 2 : 1))]);
      const parsed = parsePnm(file)!;
      const canonical = canonicalPnmHeader(parsed.raster, parsed.maxval);
      const isCanonical = c.header === `P${c.channels === 1 ? 5 : 6}\n${c.width} ${c.height}\n${c.maxval}\n`;
      expect(Buffer.from(canonical).equals(Buffer.from(parsed.header))).toBe(isCanonical);
    }
    const raster: Raster = { width: 7, height: 5, channels: 1, bitDepth: 8, samples: new Uint8Array(35) };
    expect(canonicalPnmHeader(raster, 255)).toEqual(ascii('P5\n7 5\n255\n'));
    expectFlowzipError(() => canonicalPnmHeader(raster, 1000), 'E_BAD_IMAGE');
    expectFlowzipError(() => canonicalPnmHeader({ ...raster, channels: 2, samples: new Uint8Array(70) }, 255), 'E_BAD_IMAGE');
  });
});

describe('PNM rejection', () => {
  const rng = makeRng(4321);
  const header = ascii('P6\n# c\n7 5\n1000\n');
  const good = Uint8Array.from([...header, ...pnmData(rng, 7 * 5 * 3, 1000)]);

  it('returns null for non-P5/P6 input', () => {
    for (const text of ['', 'P', 'P3\n1 1\n255\n0 0 0\n', 'P4\n8 1\n\0', 'P7\nWIDTH 1\n', 'p5\n1 1\n255\n\0', 'hello']) {
      expect(parsePnm(ascii(text))).toBeNull();
    }
  });

  it('returns null with bytes after the samples', () => {
    expect(parsePnm(Uint8Array.from([...good, 0]))).toBeNull();
    expect(parsePnm(Uint8Array.from([...ascii('P5 1 1 255\n'), 1, 2]))).toBeNull();
  });

  it('returns null when a sample exceeds maxval', () => {
    expect(parsePnm(Uint8Array.from([...ascii('P5 2 1 100\n'), 100, 101]))).toBeNull();
    expect(parsePnm(Uint8Array.from([...ascii('P5 1 1 1000\n'), 0x03, 0xe9]))).toBeNull();
    expect(parsePnm(Uint8Array.from([...ascii('P5 1 1 1000\n'), 0x03, 0xe8]))).not.toBeNull();
  });

  it('throws E_BAD_IMAGE on truncated data and every truncated header', () => {
    for (const cut of [header.length, header.length + 1, good.length - 2, good.length - 1]) {
      expectFlowzipError(() => parsePnm(good.subarray(0, cut)), 'E_BAD_IMAGE');
    }
    for (let cut = 2; cut < header.length; cut++) {
      expectFlowzipError(() => parsePnm(good.subarray(0, cut)), 'E_BAD_IMAGE');
    }
  });

  const badHeaders = [
    'P5\n0 5\n255\n',
    'P5\n5 0\n255\n',
    'P5\n99999999999 1\n255\n',
    'P5\n1 2147483648\n255\n',
    'P5\n1 1\n0\n',
    'P5\n1 1\n65536\n',
    'P5\n-1 1\n255\n',
    'P5\nab 1\n255\n',
    'P5\n1 1\n255x',
    'P6 1 1 255',
    'P5 1 1 # unterminated comment',
  ];
  for (const text of badHeaders) {
    it(`throws E_BAD_IMAGE on header ${JSON.stringify(text)}`, () => {
      expectFlowzipError(() => parsePnm(Uint8Array.from([...ascii(text), ...new Uint8Array(8)])), 'E_BAD_IMAGE');
    });
  }

  it('honours maxPixels', () => {
    expectFlowzipError(() => parsePnm(good, { maxPixels: 34 }), 'E_LIMIT');
    expect(parsePnm(good, { maxPixels: 35 })).not.toBeNull();
    const huge = ascii('P5\n100000 100000\n255\n');
    expectFlowzipError(() => parsePnm(huge), 'E_LIMIT');
  });

  it('writePnm refuses a raster that breaks its invariants', () => {
    const raster: Raster = { width: 2, height: 2, channels: 1, bitDepth: 16, samples: new Uint8Array(4) };
    expectFlowzipError(() => writePnm(ascii('P5 2 2 65535\n'), raster), 'E_BAD_IMAGE');
  });
});
