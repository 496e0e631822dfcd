/**
 * What `npm pack` would ship (package.json `files`), checked cheaply with
 * `npm pack --dry-run --json --ignore-scripts` (no build, no tarball): no
 * training runs, tests, corpus or benchmark; the entry points in `exports`,
 * `bin` and `main` exist and are packed; every relative import of a packed
 * module resolves to a packed file; and the whole stays far below 3 MB.
 * (README, "Install as a package", is checked by hand: the tarball installs in
 * an empty folder, `npx flowzip` and the library work there.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

interface PackEntry {
  path: string;
  size: number;
}
interface PackInfo {
  files: PackEntry[];
  size: number;
  unpackedSize: number;
}
interface Pkg {
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, unknown>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Pkg;
let packed: PackInfo;
let paths: Set<string>;

beforeAll(() => {
  expect(existsSync(join(ROOT, 'dist', 'src', 'codec', 'index.js')), 'build first (npm test does it)').toBe(true);
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  packed = (JSON.parse(r.stdout) as PackInfo[])[0];
  paths = new Set(packed.files.map((f) => f.path));
});

/** Every string leaf of an `exports` map. */
function targets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(targets);
  return [];
}

describe('npm pack', () => {
  it('ships no training runs, tests, corpus, benchmark or scripts', () => {
    const banned = /^(train|test|corpus|bench|scripts|src|\.ci|dist\/(test|bench|scripts))\//;
    expect(packed.files.filter((f) => banned.test(f.path)).map((f) => f.path)).toEqual([]);
    expect(packed.files.filter((f) => /ckpt\.json$|\.tgz$/.test(f.path))).toEqual([]);
    for (const p of ['package.json', 'README.md', 'bin/flowzip.js', 'models/photo.json', 'dist/src/cli/main.js']) expect(paths.has(p), p).toBe(true);
  });

  it('is small: tarball under 3 MB', () => {
    expect(packed.size).toBeLessThan(3e6);
    expect(packed.unpackedSize).toBeLessThan(10e6);
  });

  it('packs the entry points of exports, main, types and bin, and they exist', () => {
    const entries = [pkg.main, pkg.types, ...Object.values(pkg.bin), ...targets(pkg.exports)].map((p) => normalize(p));
    expect(entries).toContain(normalize('./index.cjs'));
    for (const e of entries) {
      expect(paths.has(e), `${e} is not in the pack`).toBe(true);
      expect(existsSync(join(ROOT, e)), `${e} does not exist`).toBe(true);
    }
  });

  it('every relative import of a packed module is packed too', () => {
    const missing: string[] = [];
    let imports = 0;
    for (const file of [...paths].filter((p) => /\.(c?js)$/.test(p))) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
        imports++;
        const target = normalize(join(dirname(file), m[1]));
        if (!paths.has(target)) missing.push(`${file} → ${m[1]}`);
      }
    }
    expect(imports).toBeGreaterThan(100); // the scan sees the imports at all
    expect(missing).toEqual([]);
  });
});
