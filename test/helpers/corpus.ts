/** The round-trip corpus: every file under corpus/photos and corpus/edge. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS_DIR = new URL('../../corpus/', import.meta.url).pathname;

/** [relative path, bytes] of every corpus file (not README.md, not golden/). */
export function corpusFiles(): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = [];
  for (const dir of ['photos', 'edge']) {
    for (const f of readdirSync(join(CORPUS_DIR, dir)).sort()) out.push([`${dir}/${f}`, new Uint8Array(readFileSync(join(CORPUS_DIR, dir, f)))]);
  }
  return out;
}
