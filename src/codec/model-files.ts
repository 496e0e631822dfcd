/**
 * Where model files come from: the shipped `models/*.json` of this package
 * and model files named by path. Node implementation (node:fs);
 * `model-files.browser.ts` is the browser bundle's, where models are passed
 * in by the caller instead (src/decode/models-fetch.ts fetches them).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlowzipError } from './errors.js';

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'models'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new FlowzipError('E_BAD_MODEL', 'cannot find the shipped models folder');
    dir = up;
  }
}

/** Folder of the shipped models. */
export function modelsDir(): string {
  return join(packageRoot(), 'models');
}

/** The text of every shipped model file (`models/*.json`), in file-name order; `name` is the file name. */
export function shippedModelTexts(): Array<{ name: string; text: string }> {
  const dir = modelsDir();
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

/** The text of the model file at `path` (throws the read error). */
export function readModelFileText(path: string): string {
  return readFileSync(path, 'utf8');
}
