/**
 * `npm run test:browser`: the browser decoder in headless Chromium and
 * Firefox ESR (the system browsers, scripts/install-browsers.sh), driven by
 * puppeteer-core (scripts/browser-harness.ts). Run after `npm run
 * build:browser`. Checks, in each browser:
 *
 * - every golden stream (corpus/golden/*.fz) decodes in a page to the same
 *   samples as the Node decoder (SHA-256), and to the file the manifest
 *   records (decodedSha256; PNGs are rebuilt with pako, byte-identical to
 *   node:zlib);
 * - the causal tiles were decoded by the WebAssembly twin (causalWasmActive);
 * - the demo page, given a stream (?src=), shows a decoded image that is not
 *   blank (a screenshot of its canvas, read back with the PNG reader);
 *   the page screenshots are written to dist/browser-test/.
 *
 * Ends with the line `N passed, M failed`; exits non-zero on any failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePng } from '../src/codec/formats/png.js';
import { ROOT } from './build-browser.js';
import { decodeInNode, decodeInPage, launch, serveForTests, type BrowserName } from './browser-harness.js';
import { readGoldenManifest } from './golden-manifest.js';

/** The stream the demo page shows in the screenshot check. */
export const DEMO_STREAM = 'v5-causal-rgb-ladybird-256x192.ppm.fz';
const OUT = join(ROOT, 'dist', 'browser-test');

let passed = 0,
  failed = 0;
function check(ok: boolean, what: string): void {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

/** Distinct RGB colours in a screenshot (PNG bytes): a blank or one-colour area has 1 or 2. */
function distinctColours(png: Uint8Array): number {
  const img = parsePng(png);
  if (!img) return 0;
  const { raster } = img;
  const seen = new Set<number>();
  const c = raster.channels;
  for (let i = 0; i < raster.width * raster.height; i++) {
    const j = i * c;
    seen.add(c >= 3 ? (raster.samples[j] << 16) | (raster.samples[j + 1] << 8) | raster.samples[j + 2] : raster.samples[j]);
  }
  return seen.size;
}

async function main(): Promise<void> {
  const manifest = readGoldenManifest();
  const streams = manifest.map((g) => g.stream);
  const node = await decodeInNode(streams);
  for (const g of manifest)
    check(node[g.stream].fileSha256 === g.decodedSha256, `node ${process.version}: ${g.stream} decodes to the manifest's file${node[g.stream].error ? ` (${node[g.stream].error})` : ''}`);
  mkdirSync(OUT, { recursive: true });
  const { server, url } = await serveForTests();
  const results: Record<string, unknown> = { node: { version: process.version, decoded: node } };
  try {
    for (const name of ['chromium', 'firefox'] as BrowserName[]) {
      const b = await launch(name);
      try {
        const page = await b.browser.newPage();
        await page.setViewport({ width: 900, height: 820 });
        await page.goto(url, { waitUntil: 'load' });
        const got = await decodeInPage(page, streams);
        results[name] = { version: b.version, decoded: got };
        for (const s of streams) {
          const r = got[s];
          check(
            !r.error && r.samplesSha256 === node[s].samplesSha256 && r.fileSha256 === node[s].fileSha256,
            `${name} ${b.version}: ${s} decodes to Node's samples and file${r.error ? ` (${r.error})` : ''}`,
          );
        }
        // The causal tiles were decoded by the WebAssembly twin (codec/causal-tile-wasm.ts), not the TypeScript fallback.
        const twin = await page.evaluate(async () => (await import(new URL('flowzip-decode.js', location.href).href)).causalWasmActive() as boolean);
        check(twin === true, `${name} ${b.version}: causal tiles are decoded by the WebAssembly twin`);
        await page.goto(`${url}?src=golden/${DEMO_STREAM}`, { waitUntil: 'load' });
        await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 60_000 });
        const state = await page.evaluate(() => document.body.dataset.state);
        const shot = await page.screenshot({ type: 'png' });
        writeFileSync(join(OUT, `demo-${name}.png`), shot);
        const canvas = await page.$('#canvas');
        const colours = state === 'done' && canvas ? distinctColours(await canvas.screenshot({ type: 'png' })) : 0;
        check(colours > 1000, `${name}: the demo page shows ${DEMO_STREAM}, not blank (${colours} distinct colours in its canvas; dist/browser-test/demo-${name}.png)`);
      } finally {
        await b.close();
      }
    }
  } finally {
    server.close();
  }
  writeFileSync(join(OUT, 'results.json'), JSON.stringify(results, null, 1) + '\n');
  console.log(`${passed} passed, ${failed} failed`);
  if (failed) process.exitCode = 1;
}

await main();
