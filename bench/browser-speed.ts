/**
 * Decode speed of the browser bundle in Chromium and Firefox ESR against the
 * Node decoder, on the same machine and the same streams (the golden streams
 * that hold images, corpus/golden): `npm run bench:browser`. Each stream is
 * decoded once untimed, then REPEAT times; the median is kept. Node decodes
 * with one thread (workers: 1), as a page does; its default (two threads)
 * is shown too. Prints a Markdown table (the README's "In the browser"
 * numbers come from it). A report, not a test.
 *
 *   node dist/bench/browser-speed.js [--repeat 5]
 */
import { decodeInBrowsers, decodeInNode } from '../scripts/browser-harness.js';
import { readGoldenManifest } from '../scripts/golden-manifest.js';

const at = process.argv.indexOf('--repeat');
const REPEAT = at > 0 ? Number(process.argv[at + 1]) : 5;

/** Streams that hold images (the others decode in well under a millisecond). */
const streams = readGoldenManifest()
  .map((g) => g.stream)
  .filter((s) => /\.(png|ppm|pgm)\.fz$/.test(s) && !/pal8/.test(s));

const node1 = await decodeInNode(streams, REPEAT, 1);
const node2 = await decodeInNode(streams, REPEAT, 2);
const browsers = await decodeInBrowsers(streams, REPEAT);
const sum = (r: Record<string, { ms: number }>) => streams.reduce((n, s) => n + r[s].ms, 0);
const f = (ms: number) => ms.toFixed(1);
const rel = (ms: number, base: number) => `${f(ms)} (${(ms / base).toFixed(2)}×)`;

console.log(`Decode time in ms, median of ${REPEAT}, per stream; × = relative to Node with one thread (${process.version}; ${browsers.chromium.version}; ${browsers.firefox.version}).\n`);
console.log('| stream | Node, 1 thread | Node, default threads | Chromium | Firefox |');
console.log('| --- | ---: | ---: | ---: | ---: |');
const largest = [...streams].sort((a, b) => node1[b].ms - node1[a].ms).slice(0, 8);
for (const s of largest) console.log(`| ${s} | ${f(node1[s].ms)} | ${f(node2[s].ms)} | ${rel(browsers.chromium.decoded[s].ms, node1[s].ms)} | ${rel(browsers.firefox.decoded[s].ms, node1[s].ms)} |`);
const n1 = sum(node1);
console.log(`| all ${streams.length} image streams | ${f(n1)} | ${f(sum(node2))} | ${rel(sum(browsers.chromium.decoded), n1)} | ${rel(sum(browsers.firefox.decoded), n1)} |`);
