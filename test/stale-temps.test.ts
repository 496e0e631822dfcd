/**
 * Temporary outputs left by a process that died without cleaning up
 * (`kill -9`) are removed by the next flowzip run that writes into that
 * folder (issue 17, item 4) — and nothing else is: not a live process's
 * file, not another host's, not a name flowzip did not make.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, listDir, runCli, scratchFolders } from './helpers/cli.js';
import { mulberry32 } from './helpers/prng.js';

const newDir = scratchFolders('flowzip-stale-');
const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
const TEMP = /^\..+\.tmp-\d+-[0-9a-f]{20}$/;

/** The id of a process that has exited (so no process has it, barring reuse). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

/** Seeded incompressible bytes. */
function noise(n: number, seed: number): Buffer {
  const rand = mulberry32(seed),
    out = Buffer.alloc(n);
  for (let i = 0; i < n; i += 4) out.writeUInt32LE((rand() * 2 ** 32) >>> 0, i);
  return out;
}

describe('stale temporary outputs', () => {
  it('a dead process of this host: removed by the next run; live, foreign-host, foreign-name files and folders stay', () => {
    const dir = newDir();
    writeFileSync(join(dir, 'a.txt'), 'hello\n'.repeat(100));
    const dead = deadPid();
    const stale = `.x.fz.tmp-${dead}-${HOST_TAG}0123456789ab`;
    const live = `.y.fz.tmp-${process.pid}-${HOST_TAG}0123456789ab`;
    const otherHost = `.z.fz.tmp-${dead}-${HOST_TAG === 'deadbeef' ? 'feedface' : 'deadbeef'}0123456789ab`;
    const foreign = `.w.tmp-${dead}-0123456789ab`;
    const folder = `.v.fz.tmp-${dead}-${HOST_TAG}0123456789ab`;
    for (const name of [stale, live, otherHost, foreign]) writeFileSync(join(dir, name), 'partial');
    mkdirSync(join(dir, folder));
    const r = runCli(['compress', 'a.txt'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(listDir(dir)).toEqual([folder, foreign, live, otherHost, 'a.txt', 'a.txt.fz'].sort());
  });

  it('kill -9 mid-write leaves a temporary file; the next run in that folder removes it', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'next.txt'), 'next\n');
    let left: string[] = [];
    // Kill the process as soon as its temporary file appears (retry with a larger file if it finished first).
    for (let attempt = 0; attempt < 4 && left.length === 0; attempt++) {
      writeFileSync(join(dir, 'big.bin'), noise((24 << 20) << attempt, attempt + 1));
      const child = spawn(process.execPath, [BIN, 'compress', '-f', 'big.bin'], { cwd: dir, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      const poll = setInterval(() => {
        if (readdirSync(dir).some((n) => TEMP.test(n))) child.kill('SIGKILL');
      }, 2);
      await exited;
      clearInterval(poll);
      left = readdirSync(dir).filter((n) => TEMP.test(n));
      spawnSync('rm', ['-f', join(dir, 'big.bin.fz')]);
    }
    expect(left).toEqual([expect.stringMatching(/^\.big\.bin\.fz\.tmp-/)]);
    const r = runCli(['compress', 'next.txt'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(listDir(dir)).toEqual(['big.bin', 'next.txt', 'next.txt.fz']);
  }, 120_000);
});
