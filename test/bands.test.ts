/**
 * Images are coded in bands (DESIGN.md invariant 5): a PNG too large to hold
 * is decoded band by band, twice (a survey for the causal fit, then the
 * tiles), and decoded pieces become PNG rows band by band. None of it may
 * change a byte: the streams and decoded files below are those the
 * whole-image coder made before banding (format 5, one worker), and every
 * banding, hold limit and worker count must give them again.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compressWith, decompressWith, DEFAULT_IMAGE_BANDING } from '../src/codec/api.js';
import { parsePng, readPngLayout } from '../src/codec/formats/png.js';
import { fitCausalGroup, TILE_SIZE, type CodingPlane } from '../src/codec/image-codec.js';
import { fitTileSamples, surveyImage } from '../src/codec/image-survey.js';
import { runnerFor, shippedModels } from '../src/codec/models.js';
import { pngSource } from '../src/codec/sample-source.js';
import { tileGrid } from '../src/codec/tiling.js';
import { sameContent } from '../src/codec/verify.js';
import { flowLevels } from '../src/flows/spec.js';
import { bandCases, photoPng } from './helpers/band-images.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').slice(0, 16);

/**
 * [stream, decoded file] SHA-256 prefixes, `method: 'flow'`, one worker. At format 5 the streams were
 * those of the whole-image coder before banding (commit 78d8b1e); the format 6 streams (version byte,
 * 2-bit piece kinds) and then the format 7 streams (version byte, two-rate copy bits, the strong models
 * for repetitive images, thresholds from 2^14 activities) are the held path's, and the decoded files are unchanged.
 */
const WHOLE_IMAGE: Record<string, [string, string]> = {
  'gray 520x400': ['a2ab6e3c7d35fe94', '23b1324cdcf8a0f1'],
  'rgb 300x260': ['d6c9f91c32e8197f', '0d963fbad8962ff9'],
  'rgba 270x300': ['53e6d1c41998a001', '4eadf2388e19eac8'],
  'graya 257x130': ['27d23f06c1ddd2c6', '32979aeb69b63dad'],
  'rgb 1x300': ['cc9b55953291bdd1', '69f2a635ed03da81'],
  'rgb 300x1': ['b1fbf473ea19cede', 'fcfe08a4eb053e68'],
  'rgb posterised 200x280': ['b924372bbb610654', 'b698ec018dd0d002'],
  'ppm 260x200': ['11beffa841eb19aa', 'd74ef87e8e606f07'],
};

/** Held whole (the default for these sizes), read in passes a band of one tile row at a time, or two. */
const BANDINGS = [
  { name: 'held', banding: DEFAULT_IMAGE_BANDING },
  { name: 'passes, 1-tile bands', banding: { bandTiles: 1, holdBytes: 0 } },
  { name: 'passes, 2-tile bands', banding: { bandTiles: 2, holdBytes: 0 } },
];

describe('images coded in bands', () => {
  for (const c of bandCases()) {
    it(`${c.name}: the whole-image stream, whatever the banding and workers; decodes to the same file band by band`, async () => {
      const [streamSha, decodedSha] = WHOLE_IMAGE[c.name];
      for (const { name, banding } of BANDINGS) {
        for (const workers of [1, 2]) {
          const z = await compressWith(c.file, { method: 'flow', workers }, banding);
          expect(sha(z), `${name}, ${workers} workers`).toBe(streamSha);
        }
      }
      const z = await compressWith(c.file, { method: 'flow', workers: 1 }, DEFAULT_IMAGE_BANDING);
      for (const bandTiles of [1, 2, 5]) {
        const out = await decompressWith(z, { workers: bandTiles === 2 ? 2 : 1 }, { bandTiles });
        expect(sha(out), `${bandTiles}-tile bands`).toBe(decodedSha);
        expect(sameContent(c.file, out)).toBe(true);
      }
    }, 120_000);
  }

  it('the causal fit from the survey rows equals the fit on the whole image (1.1 MP: the fit reads every 17th row of a tile)', async () => {
    const png = photoPng(1100, 1000, 3, 9);
    const layout = readPngLayout(png)!;
    const held = await pngSource(layout);
    const passes = await pngSource(layout, 0);
    expect([held.whole !== null, passes.whole]).toEqual([true, null]);
    const survey = await surveyImage(passes, TILE_SIZE);
    // Only the rows the fit reads are kept: 3 (a row and the two above it) of each 17.
    expect(survey.fitRows.size).toBeLessThan(1000 / 4);
    const model = shippedModels().find((m) => m.name === 'causal-rgb')!;
    const plane = (): CodingPlane => ({ first: 0, count: 3, model, runner });
    const runner = await runnerFor(model);
    const rects = tileGrid(1100, 1000, TILE_SIZE, flowLevels(model.flow));
    const a = plane(),
      b = plane();
    const fromWhole = await fitCausalGroup(held, null, a, [a], rects, 1);
    const fromSurvey = await fitCausalGroup(passes, survey, b, [b], rects, 2);
    expect(fromSurvey).toEqual(fromWhole);
    // The rebuilt tiles hold only values of the image (the rows the fit skips repeat the tile's first).
    const tile = fitTileSamples(survey, 3, 0, 3, rects[5]);
    expect(tile.length).toBe(rects[5].w * rects[5].h * 3);
  }, 120_000);

  it('a pass that reuses the arrays handed back reads the same rows, and never hands out an array still held', async () => {
    const png = photoPng(300, 530, 3, 4);
    const source = await pngSource(readPngLayout(png)!, 0);
    const read = async (recycle: boolean): Promise<string> => {
      const pass = source.pass();
      const parts: Uint8Array[] = [];
      // Like BandLoader: the last two bands stay held, the one before goes back.
      const held: Array<{ band: Uint8Array; copy: Uint8Array }> = [];
      for (const rows of [64, 64, 64, 64, 64, 7, 64, 64, 64, 11]) {
        const band = await pass.next(rows);
        held.push({ band, copy: band.slice() });
        for (const h of held) expect(Buffer.from(h.band).equals(Buffer.from(h.copy))).toBe(true);
        parts.push(band.slice());
        if (held.length > 2) {
          const gone = held.shift()!;
          if (recycle) pass.recycle(gone.band);
        }
      }
      await pass.end();
      pass.close();
      return sha(Buffer.concat(parts));
    };
    expect(await read(true)).toBe(await read(false));
    expect(await read(true)).toBe(sha(parsePng(png)!.raster.samples));
  });

  it('a PNG read in passes with bad image data is stored with the same warning as one held whole', async () => {
    const png = photoPng(300, 260, 3, 2);
    // Flip a byte deep in the IDAT payload (CRC fixed up): the zlib stream no longer inflates.
    const layout = readPngLayout(png)!;
    const idat = layout.idat[0];
    const at = idat.byteOffset + Math.floor(idat.length / 2);
    const bad = png.slice();
    bad[at] ^= 0xff;
    const { crc32 } = await import('node:zlib');
    const chunkStart = idat.byteOffset - 8;
    new DataView(bad.buffer).setUint32(idat.byteOffset + idat.length, crc32(bad.subarray(chunkStart + 4, idat.byteOffset + idat.length)));
    const warned = async (banding: typeof DEFAULT_IMAGE_BANDING) => {
      const warnings: string[] = [];
      await compressWith(bad, { onWarning: (m) => warnings.push(m), workers: 1 }, banding);
      return warnings;
    };
    const held = await warned(DEFAULT_IMAGE_BANDING);
    expect(held).toEqual([expect.stringMatching(/^not a valid PNG \(image data .*\); stored as raw bytes$/)]);
    expect(await warned({ bandTiles: 1, holdBytes: 0 })).toEqual(held);
  });
});
