import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePng } from '../src/codec/formats/png.js';

const ROOT = new URL('..', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/flowzip.js'), ...args], { encoding: 'utf8' });

describe('flowzip inspect', () => {
  it('writes a heatmap PNG of the image size and its total matches the compressed size within the headers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fz-inspect-'));
    const src = join(ROOT, 'corpus/photos/rgb-ladybird-256x192.ppm');
    const heat = join(dir, 'heat.png'),
      fz = join(dir, 'x.fz');
    const r = cli('inspect', src, '-o', heat, '--json', '--model', 'zero-rgb');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    const png = parsePng(new Uint8Array(readFileSync(heat)))!;
    expect([png.raster.width, png.raster.height]).toEqual([256, 192]);
    expect(cli('compress', '--model', 'zero-rgb', '--method', 'flow', '-o', fz, src).status).toBe(0);
    const bytes = statSync(fz).size;
    expect(j.totalBits / 8).toBeLessThanOrEqual(bytes);
    expect(bytes - j.totalBits / 8).toBeLessThan(64 + 0.01 * bytes); // container, tile records, rANS flush, coder overhead
    expect(j.planes.map((p: { plane: string }) => p.plane)).toEqual(['Y', 'Co', 'Cg']);
  });

  it('asks for -o or --json', () => {
    const r = cli('inspect', join(ROOT, 'corpus/photos/rgb-hopper-150x97.png'));
    expect(r.status).toBe(2);
  });
});
