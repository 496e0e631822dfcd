/**
 * Builds the browser decoder and its demo page into dist/web/ (`npm run
 * build:browser`):
 *
 * - flowzip-decode.js: src/decode/index.ts bundled by esbuild as one ES
 *   module for browsers, with every `X.ts` that has an `X.browser.ts` beside
 *   it replaced by that file (platform primitives, pool, runner, model
 *   files). esbuild refuses any `node:` import left on the path, so a
 *   successful build proves there is none.
 * - models/: a copy of the shipped model files, fetched on demand by
 *   `modelsFromUrl`, not bundled; the bundle carries only their index (id,
 *   name, file: `__FLOWZIP_SHIPPED_MODELS__`, about 1 KiB).
 * - the demo page (web/).
 *
 * Prints the bundle's size, raw and gzip (level 9), models excluded, and
 * writes it to dist/web/bundle-size.json.
 */
import { build, type Plugin } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Repository root (this file is scripts/build-browser.ts or dist/scripts/build-browser.js). */
export const ROOT = ((): string => {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src', 'decode'))) return dir;
    if (dirname(dir) === dir) throw new Error('cannot find the repository root');
  }
})();
/** Output folder: a static site (page, bundle, models). */
export const WEB_OUT = join(ROOT, 'dist', 'web');
/** File name of the bundle inside WEB_OUT. */
export const BUNDLE = 'flowzip-decode.js';

/** esbuild plugin: a relative import of `X.js` whose `X.browser.ts` exists resolves to that file (except from that file itself). */
const browserSiblings: Plugin = {
  name: 'browser-siblings',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const ts = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      const sibling = ts.replace(/\.ts$/, '.browser.ts');
      if (existsSync(sibling) && args.importer !== sibling) return { path: sibling };
      return undefined;
    });
  },
};

/** The index of the shipped models (models/*.json): id, name and file name of each, in file order. */
export function shippedModelIndex(): Array<{ id: string; name: string; file: string }> {
  const src = join(ROOT, 'models');
  return readdirSync(src)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const j = JSON.parse(readFileSync(join(src, file), 'utf8')) as { id: string; name: string };
      return { id: j.id, name: j.name, file };
    });
}

/** Bundles the decoder; returns its size in bytes, raw and gzip. */
export async function buildBundle(outDir = WEB_OUT): Promise<{ bytes: number; gzipBytes: number }> {
  const outfile = join(outDir, BUNDLE);
  await build({
    entryPoints: [join(ROOT, 'src', 'decode', 'index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'eof',
    outfile,
    plugins: [browserSiblings],
    define: { __FLOWZIP_SHIPPED_MODELS__: JSON.stringify(shippedModelIndex()) },
    logLevel: 'warning',
  });
  const code = readFileSync(outfile);
  return { bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}

/** Copies the shipped models into `dir`. */
export function writeModels(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const { file } of shippedModelIndex()) copyFileSync(join(ROOT, 'models', file), join(dir, file));
}

async function main(): Promise<void> {
  rmSync(WEB_OUT, { recursive: true, force: true });
  mkdirSync(WEB_OUT, { recursive: true });
  const size = await buildBundle();
  writeModels(join(WEB_OUT, 'models'));
  for (const f of readdirSync(join(ROOT, 'web'))) copyFileSync(join(ROOT, 'web', f), join(WEB_OUT, f));
  writeFileSync(join(WEB_OUT, 'bundle-size.json'), JSON.stringify(size) + '\n');
  console.log(`${BUNDLE}: ${(size.bytes / 1024).toFixed(1)} KiB, ${(size.gzipBytes / 1024).toFixed(1)} KiB gzip (models excluded) → ${WEB_OUT}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
