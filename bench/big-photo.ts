/**
 * Whole CLI processes on large photos: wall time (start-up included) and
 * peak RSS (GNU time %M) of `flowzip compress` and `flowzip decompress`, with
 * `cjxl -e 7` / `djxl` timed on the same file in the same run. The photos are
 * mosaics of the eval-A images (each a lossless camera photo), built here:
 * --mp 2 gives a ~2 MP photo, --mp 24 a ~24 MP one.
 *
 *   node dist/bench/big-photo.js [--mp 2,24] [--eval-a DIR] [--workers 2] [--effort 5]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePng, writePng } from '../src/codec/formats/png.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
}

const ROOT = new URL('../../', import.meta.url).pathname;
const evalA = arg('--eval-a', join(ROOT, '..', 'shared', 'data', 'eval-A'));
const sizes = arg('--mp', '2,24').split(',').map(Number);
const workers = arg('--workers', '2');
const effort = arg('--effort', '5');

/** An RGB mosaic of about `mp` megapixels (4:3), filled row by row with the eval-A photos, cropped at the edges. */
function mosaic(mp: number): { width: number; height: number; png: Uint8Array } {
  const photos = readdirSync(evalA)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((f) => parsePng(new Uint8Array(readFileSync(join(evalA, f))))!.raster);
  const width = Math.round(Math.sqrt((mp * 1e6 * 4) / 3)),
    height = Math.round((mp * 1e6) / width);
  const out = new Uint8Array(width * height * 3);
  let x0 = 0,
    y0 = 0,
    rowH = 0,
    k = 0;
  while (y0 < height) {
    const p = photos[k++ % photos.length];
    for (let y = 0; y < p.height && y0 + y < height; y++) {
      for (let x = 0; x < p.width && x0 + x < width; x++) {
        for (let c = 0; c < 3; c++) out[((y0 + y) * width + x0 + x) * 3 + c] = p.samples[(y * p.width + x) * p.channels + c];
      }
    }
    rowH = Math.max(rowH, p.height);
    x0 += p.width;
    if (x0 >= width) {
      x0 = 0;
      y0 += rowH;
      rowH = 0;
    }
  }
  return { width, height, png: writePng({ raster: { width, height, channels: 3, bitDepth: 8, samples: out }, colourType: 2, pngBitDepth: 8, interlaced: false, ancillary: [] }) };
}

/** Runs argv under GNU time: wall seconds and peak RSS in MiB. */
function timed(argv: string[]): { s: number; mib: number } {
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  const kib = Number(r.stderr.trim().split('\n').pop());
  return { s, mib: kib / 1024 };
}

const dir = mkdtempSync(join(tmpdir(), 'flowzip-big-'));
const cli = join(ROOT, 'bin', 'flowzip.js');
console.log(`| photo | codec | compress s | compress MP/s | compress peak MiB | decompress s | decompress MP/s | decompress peak MiB | bpsp |`);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
try {
  for (const mp of sizes) {
    const { width, height, png } = mosaic(mp);
    const src = join(dir, `mosaic-${mp}mp.png`);
    writeFileSync(src, png);
    const px = width * height;
    const label = `${width}×${height} (${(px / 1e6).toFixed(2)} MP)`;
    const fz = join(dir, 'out.fz'),
      back = join(dir, 'back.png');
    // The CLI run as a command (as an installed flowzip is), so that its shebang's V8 flags apply.
    const c = timed([cli, 'compress', '-q', '-f', '--workers', workers, '--effort', effort, '-o', fz, src]);
    const d = timed([cli, 'decompress', '-q', '-f', '--workers', workers, '-o', back, fz]);
    const same = Buffer.from(parsePng(new Uint8Array(readFileSync(back)))!.raster.samples).equals(Buffer.from(parsePng(png)!.raster.samples));
    if (!same) throw new Error('flowzip round trip differs');
    const bpsp = (8 * statSync(fz).size) / (px * 3);
    console.log(
      `| ${label} | flowzip (effort ${effort}, ${workers} workers) | ${c.s.toFixed(2)} | ${(px / 1e6 / c.s).toFixed(2)} | ${c.mib.toFixed(0)} | ${d.s.toFixed(2)} | ${(px / 1e6 / d.s).toFixed(2)} | ${d.mib.toFixed(0)} | ${bpsp.toFixed(3)} |`,
    );
    if (existsSync('/usr/bin/cjxl')) {
      const jxl = join(dir, 'out.jxl');
      const cj = timed(['cjxl', src, jxl, '-d', '0', '-e', '7', '--num_threads=0', '--quiet']);
      const dj = timed(['djxl', jxl, back, '--num_threads=0', '--quiet']);
      console.log(
        `| ${label} | cjxl -d 0 -e 7 / djxl, one thread | ${cj.s.toFixed(2)} | ${(px / 1e6 / cj.s).toFixed(2)} | ${cj.mib.toFixed(0)} | ${dj.s.toFixed(2)} | ${(px / 1e6 / dj.s).toFixed(2)} | ${dj.mib.toFixed(0)} | ${((8 * statSync(jxl).size) / (px * 3)).toFixed(3)} |`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log('\nWall time of whole processes, start-up included; peak RSS by GNU time (%M).');
