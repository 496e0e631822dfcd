/**
 * Drives the system browsers (Debian's `chromium` and `firefox-esr`, no
 * downloaded builds) with puppeteer-core — Chromium over CDP, Firefox over
 * WebDriver BiDi — to decode golden streams with the browser bundle
 * (dist/web/flowzip-decode.js) inside a page, for scripts/test-browser.ts,
 * bench/browser-speed.ts and scripts/golden-table.ts.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { decodeStream, imageFileBytes, parseModelText } from '../src/decode/index.js';
import { ROOT, WEB_OUT } from './build-browser.js';
import { serve, type Mounts } from './serve-web.js';

/** The browsers driven, with their Debian executables. */
export const BROWSERS = {
  chromium: process.env.FLOWZIP_CHROMIUM ?? '/usr/bin/chromium',
  firefox: process.env.FLOWZIP_FIREFOX ?? '/usr/bin/firefox-esr',
} as const;
/** A browser name. */
export type BrowserName = keyof typeof BROWSERS;

/** What serveForTests mounts: the built site at /, the golden streams and their models at /golden/. */
export const TEST_MOUNTS: Mounts = { '/golden/': join(ROOT, 'corpus', 'golden'), '/': WEB_OUT };

/** Starts the static server for tests (any free port on 127.0.0.1). */
export function serveForTests() {
  return serve(TEST_MOUNTS, 0);
}

/** Chromium flags for a root, offline, GPU-less sandbox. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A launched browser with its throw-away profile; close() ends both. */
export interface Launched {
  name: BrowserName;
  browser: Browser;
  version: string;
  close(): Promise<void>;
}

/** Launches `name` headless with a fresh profile. */
export async function launch(name: BrowserName): Promise<Launched> {
  const profile = mkdtempSync(join(tmpdir(), `flowzip-${name}-`));
  const browser =
    name === 'chromium'
      ? await puppeteer.launch({ browser: 'chrome', executablePath: BROWSERS.chromium, headless: true, userDataDir: profile, args: CHROMIUM_ARGS, timeout: 60_000 })
      : await puppeteer.launch({ browser: 'firefox', executablePath: BROWSERS.firefox, headless: true, userDataDir: profile, timeout: 60_000 });
  const version = await browser.version();
  return {
    name,
    browser,
    version,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** One stream decoded: SHA-256 of the samples (images) or bytes (others), of the decoded file, and the median decode time. */
export interface DecodeResult {
  samplesSha256: string;
  fileSha256: string;
  ms: number;
  error?: string;
}

/** The model files kept beside the golden streams (corpus/golden/models/), which the page loads from /golden/models/. */
export function goldenModelFiles(): string[] {
  return readdirSync(join(ROOT, 'corpus', 'golden', 'models')).filter((f) => f.endsWith('.json'));
}

/**
 * Decodes `streams` (file names in corpus/golden/) in `page`, which must be
 * at the site's root: each `repeat` times (decodeStream only, after one
 * untimed run), models from /models/ (shipped) and /golden/models/.
 */
export async function decodeInPage(page: Page, streams: string[], repeat = 1): Promise<Record<string, DecodeResult>> {
  return page.evaluate(
    async (streams: string[], goldenModels: string[], repeat: number) => {
      const dec = await import(new URL('flowzip-decode.js', location.href).href);
      const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
      const sha = async (u: Uint8Array) => hex(await crypto.subtle.digest('SHA-256', u.slice()));
      const get = async (url: string) => {
        const res = await fetch(url);
        if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
        return res;
      };
      const models = [];
      for (const f of goldenModels) models.push(dec.parseModelText(await (await get(`golden/models/${f}`)).text(), f));
      const options = { models, loadModel: dec.modelsFromUrl(new URL('models/', location.href)) };
      const out: Record<string, { samplesSha256: string; fileSha256: string; ms: number; error?: string }> = {};
      for (const s of streams) {
        const z = new Uint8Array(await (await get(`golden/${s}`)).arrayBuffer());
        try {
          const d = await dec.decodeStream(z, options);
          const times: number[] = [];
          for (let k = 0; k < repeat; k++) {
            const t0 = performance.now();
            await dec.decodeStream(z, options);
            times.push(performance.now() - t0);
          }
          times.sort((a, b) => a - b);
          const samples = d.kind === 'image' ? new Uint8Array(d.image.samples.buffer, d.image.samples.byteOffset, d.image.samples.byteLength) : d.bytes;
          const file = d.kind === 'image' ? dec.imageFileBytes(d.image) : d.bytes;
          out[s] = { samplesSha256: await sha(samples), fileSha256: await sha(file), ms: times[Math.floor(times.length / 2)] ?? 0 };
        } catch (e) {
          out[s] = { samplesSha256: '', fileSha256: '', ms: 0, error: String((e as Error).message ?? e) };
        }
      }
      return out;
    },
    streams,
    goldenModelFiles(),
    repeat,
  );
}

/** The same decode on this Node (src/decode, node:zlib; `workers` coding threads, 1 by default like a page), for comparison. */
export async function decodeInNode(streams: string[], repeat = 1, workers = 1): Promise<Record<string, DecodeResult>> {
  const models = goldenModelFiles().map((f) => parseModelText(readFileSync(join(ROOT, 'corpus', 'golden', 'models', f), 'utf8'), f));
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const out: Record<string, DecodeResult> = {};
  for (const s of streams) {
    const z = new Uint8Array(readFileSync(join(ROOT, 'corpus', 'golden', s)));
    try {
      const d = await decodeStream(z, { models, workers });
      const times: number[] = [];
      for (let k = 0; k < repeat; k++) {
        const t0 = performance.now();
        await decodeStream(z, { models, workers });
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const samples = d.kind === 'image' ? new Uint8Array(d.image.samples.buffer, d.image.samples.byteOffset, d.image.samples.byteLength) : d.bytes;
      const file = d.kind === 'image' ? imageFileBytes(d.image) : d.bytes;
      out[s] = { samplesSha256: sha(samples), fileSha256: sha(file), ms: times[Math.floor(times.length / 2)] ?? 0 };
    } catch (e) {
      out[s] = { samplesSha256: '', fileSha256: '', ms: 0, error: (e as Error).message };
    }
  }
  return out;
}

/** Every golden stream decoded in each browser (a fresh page at the test server's root): browser version and results. */
export async function decodeInBrowsers(streams: string[], repeat = 1): Promise<Record<BrowserName, { version: string; decoded: Record<string, DecodeResult> }>> {
  const { server, url } = await serveForTests();
  const out = {} as Record<BrowserName, { version: string; decoded: Record<string, DecodeResult> }>;
  try {
    for (const name of Object.keys(BROWSERS) as BrowserName[]) {
      const b = await launch(name);
      try {
        const page = await b.browser.newPage();
        await page.goto(url, { waitUntil: 'load' });
        out[name] = { version: b.version, decoded: await decodeInPage(page, streams, repeat) };
      } finally {
        await b.close();
      }
    }
  } finally {
    server.close();
  }
  return out;
}
