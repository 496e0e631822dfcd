/**
 * Runs the real flowzip CLI (`node bin/flowzip.js …`) as a child process,
 * and sets up scratch folders with copies of the corpus.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The launcher the `flowzip` bin points at. */
export const BIN = join(ROOT, 'bin', 'flowzip.js');

/** The compiled CLI the launcher imports (built by `npx tsc -p tsconfig.json`). */
export const BUILT_CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

/** Corpus folders whose every file the CLI tests round-trip. */
export const CORPUS_DIRS = [join(ROOT, 'corpus', 'photos'), join(ROOT, 'corpus', 'edge')];

/** Outcome of one CLI run. */
export interface CliResult {
  /** Exit status (null if killed by a signal). */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  /** Working folder (default: the repository root). */
  cwd?: string;
  /** Bytes for stdin; without it stdin is empty (a pipe, never a terminal). */
  input?: Uint8Array | string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Milliseconds before the child is killed (default 60 s). */
  timeout?: number;
}

/** Runs `node bin/flowzip.js ...args` and waits for it. */
export function runCli(args: string[], options: RunOptions = {}): CliResult {
  const env: NodeJS.ProcessEnv = { ...process.env, FLOWZIP_DEBUG: '', ...options.env };
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    env,
    timeout: options.timeout ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** A fresh empty scratch folder. */
export function makeTempDir(prefix = 'flowzip-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** For one test file: a maker of fresh scratch folders, all removed after its tests. */
export function scratchFolders(prefix?: string): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = makeTempDir(prefix);
    dirs.push(dir);
    return dir;
  };
}

/** Every corpus file (absolute paths), sorted, README files excluded. */
export function corpusFiles(): string[] {
  return CORPUS_DIRS.flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => !/^readme/i.test(name) && statSync(join(dir, name)).isFile())
      .sort()
      .map((name) => join(dir, name)),
  );
}

/**
 * Copies files into `dir` under their base names (prefixing the corpus folder
 * name where two folders hold the same name); returns the copied names.
 */
export function copyInto(dir: string, files: string[]): string[] {
  const names: string[] = [];
  for (const file of files) {
    let name = file.split(/[\\/]/).pop() as string;
    if (names.includes(name) || existsSync(join(dir, name))) name = `${file.split(/[\\/]/).slice(-2).join('-')}`;
    copyFileSync(file, join(dir, name));
    names.push(name);
  }
  return names;
}

/** Names in a folder, sorted (hidden files included, so leftover temp files show). */
export function listDir(dir: string): string[] {
  return readdirSync(dir).sort();
}
