/**
 * `-r` / `--recursive`: folders among the inputs are replaced by the files
 * in them (and in their subfolders), sorted by path, as gzip -r does.
 * Symbolic links found inside a folder are not followed (no loops, nothing
 * outside the tree); a link named on the command line is an ordinary input.
 * Which files count is up to the command: compress skips .fz files,
 * decompress / test / info take only .fz files.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { STDIO } from './io.js';

/**
 * The inputs of a command: stdin when no FILE is given; with `recursive`,
 * folders replaced by the files below them that `wanted` accepts (which may
 * leave none).
 */
export async function commandInputs(files: string[], recursive: boolean | undefined, wanted: (path: string) => boolean): Promise<string[]> {
  if (files.length === 0) return [STDIO];
  return recursive ? expandFolders(files, wanted) : files;
}

/** The inputs with each folder replaced by the files below it that `wanted` accepts; other inputs unchanged. */
export async function expandFolders(inputs: string[], wanted: (path: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    const s = input === STDIO ? null : await stat(input).catch(() => null);
    if (s?.isDirectory()) out.push(...(await filesBelow(input)).filter(wanted));
    else out.push(input); // files, stdin and missing paths: reported by the command, per file
  }
  return out;
}

/** Every regular file below `dir` (not following symbolic links), sorted by path. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries: Dirent[] = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await filesBelow(path)));
    else if (e.isFile()) files.push(path);
  }
  return files;
}
