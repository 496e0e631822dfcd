import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { trainCommand } from '../src/cli/train.js';
import { main } from '../src/cli/main.js';
import { TRAIN_PRESET_NAMES } from '../src/codec/trainer.js';
import { PRESETS } from '../src/flows/presets.js';

const ROOT = new URL('..', import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Captures what is written to stderr while `f` runs. */
async function stderrOf(f: () => Promise<number>): Promise<{ status: number; err: string }> {
  let err = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  try {
    return { status: await f(), err };
  } finally {
    spy.mockRestore();
  }
}

describe('training is optional and outside src/', () => {
  afterEach(() => vi.restoreAllMocks());

  it('no module under src/ imports train/, bench/ or scripts/', () => {
    const offenders: string[] = [];
    for (const f of tsFiles(join(ROOT, 'src'))) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        if (/(^|\/)(train|bench|scripts)\//.test(m[1])) offenders.push(`${f}: ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the CLI lists the presets of src/flows/presets.ts', () => {
    expect([...TRAIN_PRESET_NAMES]).toEqual(Object.keys(PRESETS));
    expect(TRAIN_PRESET_NAMES).toContain('photo');
  });

  it('a missing training module gives a clear one-line error and status 1', async () => {
    const load = () => Promise.reject(Object.assign(new Error("Cannot find package '@tensorflow/tfjs'"), { code: 'ERR_MODULE_NOT_FOUND' }));
    const { status, err } = await stderrOf(() => trainCommand('dir', { out: 'x.json' }, load));
    expect(status).toBe(1);
    expect(err).toMatch(/npm install @tensorflow\/tfjs/);
    expect(err).toMatch(/Cannot find package '@tensorflow\/tfjs'/);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).not.toMatch(/internal error/);
  });

  it('without a trainer (library use of main) train fails the same way', async () => {
    const { status, err } = await stderrOf(() => main(['node', 'flowzip', 'train', 'dir', '--out', 'x.json']));
    expect(status).toBe(1);
    expect(err).toMatch(/npm install @tensorflow\/tfjs/);
  });

  it('a trainer that loads is called with the parsed flags', async () => {
    const calls: unknown[] = [];
    const load = async () => ({ trainOnFolder: async (r: unknown) => (calls.push(r), { steps: 3, valBpsp: 4.5, run: 'r' }) });
    const { status } = await stderrOf(() => trainCommand('imgs', { out: 'm.json', steps: '3', arch: 'gray', quiet: true }, load));
    expect(status).toBe(0);
    expect(calls).toEqual([{ dir: 'imgs', out: 'm.json', arch: 'gray', minutes: undefined, steps: 3, run: undefined, batch: undefined, patch: undefined, quiet: true }]);
  });

  it('@tensorflow/tfjs is not a runtime dependency', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.dependencies['@tensorflow/tfjs']).toBeUndefined();
    expect(pkg.dependencies['@tensorflow/tfjs-core']).toBeDefined();
  });
});
