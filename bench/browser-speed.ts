/**
 * Decode speed of the browser bundle in Chromium and Firefox ESR against the
 * Node decoder, on the same machine and the same streams (the golden streams
 * that hold images, corpus/golden): `npm run bench:browser`. Both browsers
 * stay open and the three engines take turns, ROUNDS times: each round
 * decodes every stream once untimed and once timed in Node (one thread,
 * workers: 1, as a page does), then in Chromium, then in Firefox; the median
 * over the rounds is kept, so a busy machine slows every engine alike. Prints
 * a Markdown table (the README's "In the browser" numbers). A report, not a
 * test.
 *
 *   node dist/bench/browser-speed.js [--rounds 5]
 */
import { decodeInNode, decodeInPage, launch, serveForTests, type BrowserName, type DecodeResult } from '../scripts/browser-harness.js';
import { readGoldenManifest } from '../scripts/golden-manifest.js';

const at = process.argv.indexOf('--rounds');
const ROUNDS = at > 0 ? Number(process.argv[at + 1]) : 5;

/** Streams that hold images (the others decode in well under a millisecond); those of the learned fmnist model run dense nets (fmnist-ctx is the count model: no nets). */
const streams = readGoldenManifest()
  .map((g) => g.stream)
  .filter((s) => /\.(png|ppm|pgm)\.fz$/.test(s) && !/pal8/.test(s));

const engines = ['node', 'chromium', 'firefox'] as const;
const times: Record<(typeof engines)[number], Record<string, number[]>> = { node: {}, chromium: {}, firefox: {} };
const { server, url } = await serveForTests();
const browsers = await Promise.all((['chromium', 'firefox'] as BrowserName[]).map((n) => launch(n)));
try {
  const pages = await Promise.all(browsers.map((b) => b.browser.newPage()));
  await Promise.all(pages.map((p) => p.goto(url, { waitUntil: 'load' })));
  for (let round = 0; round < ROUNDS; round++) {
    const results: Array<Record<string, DecodeResult>> = [await decodeInNode(streams, 1, 1)];
    for (const p of pages) results.push(await decodeInPage(p, streams, 1));
    engines.forEach((e, i) => {
      for (const s of streams) (times[e][s] ??= []).push(results[i][s].ms);
    });
  }
} finally {
  await Promise.all(browsers.map((b) => b.close()));
  server.close();
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const ms = (e: (typeof engines)[number], s: string) => median(times[e][s]);
const total = (e: (typeof engines)[number]) => streams.reduce((n, s) => n + ms(e, s), 0);
const rel = (v: number, base: number) => `${v.toFixed(1)} (${(v / base).toFixed(2)}×)`;

console.log(`Decode time in ms, median of ${ROUNDS} interleaved rounds; × = relative to Node on one thread (Node ${process.version}; ${browsers.map((b) => b.version).join('; ')}).\n`);
console.log('| stream | Node | Chromium | Firefox ESR |');
console.log('| --- | ---: | ---: | ---: |');
const dense = streams.filter((s) => s.includes('fmnist') && !s.includes('fmnist-ctx'));
for (const s of streams
  .filter((x) => !dense.includes(x))
  .sort((a, b) => ms('node', b) - ms('node', a))
  .slice(0, 8)) {
  console.log(`| ${s} | ${ms('node', s).toFixed(1)} | ${rel(ms('chromium', s), ms('node', s))} | ${rel(ms('firefox', s), ms('node', s))} |`);
}
for (const s of dense) console.log(`| ${s} (dense nets) | ${ms('node', s).toFixed(1)} | ${rel(ms('chromium', s), ms('node', s))} | ${rel(ms('firefox', s), ms('node', s))} |`);
const n = total('node');
console.log(`| all ${streams.length} image streams | ${n.toFixed(1)} | ${rel(total('chromium'), n)} | ${rel(total('firefox'), n)} |`);
const sub = (e: (typeof engines)[number]) => streams.filter((s) => !dense.includes(s)).reduce((k, s) => k + ms(e, s), 0);
const nd = sub('node');
console.log(`| the ${streams.length - dense.length} without dense nets | ${nd.toFixed(1)} | ${rel(sub('chromium'), nd)} | ${rel(sub('firefox'), nd)} |`);
