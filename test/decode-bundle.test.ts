/**
 * The decode entry point (`flowzip/decode`) without a browser: the browser
 * bundle, built here with scripts/build-browser.ts into a temporary folder,
 * is imported by Node and must decode every golden stream to the manifest's
 * file and to the samples the Node entry point (src/decode, node:zlib)
 * decodes; the bundle has no `node:` import; models are fetched over HTTP
 * (modelsFromUrl, from the demo's static server) only when a stream names
 * them. `npm run test:browser` runs the same bundle in Chromium and Firefox.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as nodeEntry from '../src/decode/index.js';
import { BUNDLE, buildBundle, ROOT } from '../scripts/build-browser.js';
import { serve } from '../scripts/serve-web.js';
import { goldenModels, readGoldenManifest } from '../scripts/golden-manifest.js';

type Entry = typeof nodeEntry;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const manifest = readGoldenManifest();
const stream = (name: string) => new Uint8Array(readFileSync(join(ROOT, 'corpus', 'golden', name)));

let dir: string;
let web: Entry;
let code: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowzip-bundle-'));
  await buildBundle(dir);
  code = readFileSync(join(dir, BUNDLE), 'utf8');
  web = (await import(pathToFileURL(join(dir, BUNDLE)).href)) as Entry;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('browser bundle (in Node)', () => {
  it('imports nothing: no node: module, no bare import left', () => {
    expect(code).not.toMatch(/\bfrom\s*["'](node:|[a-z@])/);
    expect(code).not.toMatch(/\bimport\s*\(\s*["']/);
    expect(code).not.toMatch(/["']node:(zlib|fs|crypto|worker_threads|os|path|url|module|buffer)["']/);
  });

  it('decodes every golden stream to the manifest file and to the Node entry point samples', async () => {
    const models = [...goldenModels(), ...web.SHIPPED_MODEL_INDEX.map((e) => web.parseModelText(readFileSync(join(ROOT, 'models', e.file), 'utf8'), e.file))];
    expect(web.SHIPPED_MODEL_INDEX.map((e) => e.file)).toContain('causal-rgb.json');
    for (const g of manifest) {
      const z = stream(g.stream);
      const d = await web.decodeStream(z, { models });
      const n = await nodeEntry.decodeStream(z, { models: goldenModels(), workers: 1 });
      expect(d.kind, g.stream).toBe(n.kind);
      const samples = (x: typeof d) => (x.kind === 'image' ? x.image.samples : x.bytes);
      expect(sha(samples(d)), g.stream).toBe(sha(samples(n)));
      expect(sha(d.kind === 'image' ? web.imageFileBytes(d.image) : d.bytes), g.stream).toBe(g.decodedSha256);
    }
  });

  it('fetches only the models a stream names, from the demo server', async () => {
    const { server, url } = await serve({ '/models/': join(ROOT, 'models') });
    try {
      const asked: string[] = [];
      const fetchModel = web.modelsFromUrl(`${url}models/`);
      const loadModel = (id: string) => (asked.push(id), fetchModel(id));
      const img = await web.decodeImage(stream('v5-causal-rgba-ladybird-96x64.png.fz'), { loadModel });
      expect([img.width, img.height, img.channels, img.bitDepth, img.format]).toEqual([96, 64, 4, 8, 'png']);
      expect(img.models.map((m) => m.name)).toEqual(['causal-rgb', 'causal-gray']);
      expect(asked).toEqual(img.models.map((m) => m.id));
      const png = await web.decodeToPng(stream('v5-causal-rgb-ladybird-256x192.ppm.fz'), { loadModel });
      const again = await nodeEntry.decodeToPng(stream('v5-causal-rgb-ladybird-256x192.ppm.fz'));
      expect(sha(png)).toBe(sha(again));
      expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    } finally {
      server.close();
    }
  });

  it('says which model is missing, and that a raw-bytes stream is no image', async () => {
    await expect(web.decodeImage(stream('v5-causal-rgb-13x7.png.fz'))).rejects.toMatchObject({ code: 'E_UNKNOWN_MODEL' });
    await expect(web.decodeImage(stream('v5-text-gpl3-head.txt.fz'))).rejects.toMatchObject({ code: 'E_USAGE' });
    const text = await web.decodeFile(stream('v5-text-gpl3-head.txt.fz'));
    expect(new TextDecoder().decode(text)).toMatch(/GNU GENERAL PUBLIC LICENSE/);
    await expect(web.decodeImage('FZ' as unknown as Uint8Array)).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(web.decodeImage(stream('v5-empty.bin.fz'), { maxPixels: -1 })).rejects.toMatchObject({ code: 'E_USAGE' });
    const z = stream('v5-causal-rgb-13x7.png.fz');
    z[z.length - 1] ^= 1;
    await expect(nodeEntry.decodeImage(z)).rejects.toMatchObject({ code: 'E_CHECKSUM' });
  });
});
