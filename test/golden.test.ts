import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compress, decompress } from '../src/codec/index.js';
import { CORPUS_DIR } from './helpers/corpus.js';
import { FORMAT_VERSION } from '../src/codec/container.js';

import { goldenCompressOptions, goldenDecompressOptions, readGoldenManifest } from '../scripts/golden-manifest.js';

const manifest = readGoldenManifest();
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('golden streams', () => {
  it('the manifest lists streams of every format version so far', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(10);
    expect(new Set(manifest.map((g) => g.formatVersion))).toContain(1);
  });
  it('streams made by the current format version re-encode identically (the encoder has not drifted)', async () => {
    const current = manifest.filter((g) => g.formatVersion === FORMAT_VERSION);
    expect(current.length).toBeGreaterThan(0);
    for (const g of current) {
      const source = new Uint8Array(readFileSync(`${CORPUS_DIR}${g.source}`));
      expect(sha(await compress(source, goldenCompressOptions(g))), g.stream).toBe(g.streamSha256);
    }
  });
  for (const g of manifest) {
    it(`${g.stream} decodes byte-exact on every backend`, async () => {
      const z = new Uint8Array(readFileSync(`${CORPUS_DIR}golden/${g.stream}`));
      expect(sha(z)).toBe(g.streamSha256);
      for (const backend of ['reference', 'wasm'] as const) {
        const out = await decompress(z, { ...goldenDecompressOptions(g), backend });
        expect(sha(out)).toBe(g.decodedSha256);
      }
      const source = readFileSync(`${CORPUS_DIR}${g.source}`);
      expect(sha(source)).toBe(g.sourceSha256);
      if (!g.source.endsWith('.png')) expect(g.decodedSha256).toBe(g.sourceSha256);
    });
  }
});
