/**
 * A seeded subset of the stream fuzzer (scripts/fuzz.ts, built to dist/):
 * a few hundred mutants of real .fz streams, each decoded in a worker under a
 * time limit. None may crash, hang, or decode without error to something
 * other than the original. The full run: `node dist/scripts/fuzz.js --cases 5000`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const SCRIPT = join(ROOT, 'dist', 'scripts', 'fuzz.js');
const CASES = 400;

describe('stream fuzzing (seeded subset)', () => {
  it(`${CASES} mutants: typed errors only — no crash, no hang, no silent wrong output`, () => {
    if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: build first with \`npx tsc -p tsconfig.json\` (\`npm test\` does it)`);
    const r = spawnSync(process.execPath, [SCRIPT, '--cases', String(CASES), '--seed', '20251129', '--seconds', '50', '--json'], { cwd: ROOT, timeout: 90_000, encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      ran: number;
      seeds: number;
      seedFailures: unknown[];
      counts: Record<string, number>;
      typedCodes: Record<string, number>;
      byOp: Record<string, unknown>;
      bySeedMethod: Record<string, unknown>;
      findings: Array<{ class: string; seed: string; what: string; detail: string }>;
    };
    const bad = summary.findings.filter((f) => f.class !== 'ok-identical');
    expect(bad, JSON.stringify(bad.slice(0, 5), null, 1)).toEqual([]);
    expect(summary.counts.crash + summary.counts.hang + summary.counts['silent-wrong']).toBe(0);
    // Every seed stream, unmutated, decoded to its original (as a Uint8Array and as a Buffer).
    expect(summary.seeds).toBeGreaterThan(25);
    expect(summary.seedFailures).toEqual([]);
    expect(r.status).toBe(0);
    // It really ran, over every operator and method, and the decoder said why it refused.
    expect(summary.ran).toBeGreaterThanOrEqual(CASES / 2);
    expect(summary.counts.typed).toBeGreaterThan(summary.ran * 0.9);
    expect(Object.keys(summary.byOp).sort()).toEqual(['delete', 'flip', 'header', 'insert', 'set', 'splice', 'truncate']);
    expect(Object.keys(summary.bySeedMethod).sort()).toEqual(['brotli', 'chunked', 'image', 'small', 'stored']);
    expect(Object.keys(summary.typedCodes)).toEqual(expect.arrayContaining(['E_CORRUPT', 'E_CHECKSUM', 'E_TRUNCATED']));
  });
});
