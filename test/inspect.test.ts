import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compress, FlowzipError } from '../src/codec/index.js';
import { ByteReader } from '../src/codec/bytes.js';
import { FRAME_BYTES, unframe } from '../src/codec/container.js';
import { parsePng } from '../src/codec/formats/png.js';
import { readImageHeader } from '../src/codec/image-header.js';
import { groupPlanes, inspectImage, rampColour } from '../src/codec/inspect.js';
import { MODEL_ID_BYTES, resolveModel } from '../src/codec/models.js';
import { CORPUS_DIR } from './helpers/corpus.js';

const file = (rel: string) => new Uint8Array(readFileSync(join(CORPUS_DIR, rel)));

/** Bytes of the tile payloads: the stream less the container frame and the image header. */
function payloadBytes(stream: Uint8Array): number {
  const { body } = unframe(stream);
  const r = new ByteReader(body);
  readImageHeader(r, MODEL_ID_BYTES, 2 ** 28);
  return stream.length - FRAME_BYTES - r.pos;
}

describe('inspectImage', () => {
  const cases: Array<[string, string | undefined]> = [
    ['photos/rgb-hopper-150x97.png', undefined],
    ['photos/gray-camera-160x120.png', undefined],
    ['photos/rgb-ladybird-256x192.ppm', 'zero-rgb'],
    ['edge/rgba-ladybird-96x64.png', undefined],
    ['edge/graya-gravel-64x64.png', undefined],
    ['edge/rgb-13x7.png', undefined],
    ['edge/rgb-noise-64x64.png', undefined],
  ];
  for (const [rel, model] of cases) {
    it(`totals match the compressed stream: ${rel}`, async () => {
      const bytes = file(rel);
      const info = await inspectImage(bytes, { model });
      const stream = await compress(bytes, { model, method: 'flow' });
      const payload = payloadBytes(stream);
      if (process.env.INSPECT_DEBUG) console.log(rel, info.totalBits / 8, payload, info.fallbackPieces);
      expect(Math.abs(info.totalBits / 8 - payload)).toBeLessThanOrEqual(64 + 0.01 * payload);
      // Ideal code lengths exceed what rANS writes only by what format v4's small initial state absorbs (a few bytes per stream).
      expect(info.totalBits / 8).toBeLessThanOrEqual(payload + 16);
      // Internal consistency: planes, pixels and bpsp all add up to the same total.
      const px = info.bitsPerPixel.reduce((a, b) => a + b, 0);
      expect(px).toBeCloseTo(info.totalBits, 3);
      expect(info.perChannelBpsp.length).toBe(info.channels);
      expect(info.channelNames.length).toBe(info.channels);
      const mean = info.perChannelBpsp.reduce((a, b) => a + b, 0) / info.channels;
      expect(mean).toBeCloseTo(info.bpsp, 9);
      expect(info.bpsp).toBeCloseTo(info.totalBits / (info.width * info.height * info.channels), 9);
      for (const v of info.perChannelBpsp) expect(v).toBeGreaterThan(0);
      // Heatmap: an 8-bit RGB PNG of the image's size.
      const png = parsePng(info.heatmapPng)!;
      expect(png.colourType).toBe(2);
      expect(png.pngBitDepth).toBe(8);
      expect([png.raster.width, png.raster.height]).toEqual([info.width, info.height]);
    });
  }

  it('names the model planes', async () => {
    const rgb = await inspectImage(file('photos/rgb-pixel2xl-64x64.png'));
    expect(rgb.channelNames).toEqual(['Y', 'Co', 'Cg']);
    // Luma carries the most information in a photo.
    expect(rgb.perChannelBpsp[0]).toBeGreaterThan(Math.min(rgb.perChannelBpsp[1], rgb.perChannelBpsp[2]));
    const rgba = await inspectImage(file('edge/rgba-ladybird-96x64.png'));
    expect(rgba.channelNames).toEqual(['Y', 'Co', 'Cg', 'A']);
    const gray = await inspectImage(file('photos/gray-cube-150x97.png'));
    expect(gray.channelNames).toEqual(['gray']);
  });

  it('maps every RGB-model group channel to a plane after the colour transform', () => {
    const m = resolveModel('zero-rgb');
    const planes = groupPlanes(m.flow);
    const seen = new Set<number>();
    for (const ps of planes.values()) for (const p of ps) seen.add(p);
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });

  it('a flat image is cheaper than noise, and noise costs about 8 bits', async () => {
    const flat = await inspectImage(file('edge/rgb-const255-64x64.png'));
    const noise = await inspectImage(file('edge/rgb-noise-64x64.png'));
    expect(flat.bpsp).toBeLessThan(1);
    expect(noise.bpsp).toBeGreaterThan(7);
    expect(noise.bpsp).toBeLessThan(8.5); // brotli fallback pieces or flow, never much over raw
  });

  it('refuses what the flow does not code', async () => {
    await expect(inspectImage(file('edge/text-gpl3-head.txt'))).rejects.toBeInstanceOf(FlowzipError);
    await expect(inspectImage(file('edge/pal8-dandelion-96x80.png'))).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(inspectImage(file('edge/rgb16-ladybird-128x96.png'))).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('ramp goes from dark to bright', () => {
    const lum = (c: number[]) => c[0] * 0.3 + c[1] * 0.59 + c[2] * 0.11;
    expect(lum(rampColour(0))).toBeLessThan(lum(rampColour(0.5)));
    expect(lum(rampColour(0.5))).toBeLessThan(lum(rampColour(1)));
    expect(rampColour(2)).toEqual(rampColour(1));
  });
});
