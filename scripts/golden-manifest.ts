/**
 * The golden-stream manifest (corpus/golden/manifest.json) and the codec
 * options each entry was made with. Most entries name shipped models; an entry
 * with `modelFile` was made with a model kept beside the streams
 * (corpus/golden/models/), so that it decodes even after the shipped model of
 * that name has been replaced.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModelFile, type CompressOptions, type DecompressOptions } from '../src/codec/index.js';
import type { Model } from '../src/flows/model.js';

/** Folder holding photos/, edge/ and golden/: corpus/ of the package this file is in (as scripts/*.ts or dist/scripts/*.js). */
export const CORPUS_ROOT = ((): string => {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'corpus', 'golden'))) return join(dir, 'corpus');
    if (dirname(dir) === dir) throw new Error('cannot find the corpus folder');
  }
})();

/** One manifest entry. Paths are relative to the corpus folder (stream: to corpus/golden). */
export interface Golden {
  stream: string;
  source: string;
  formatVersion: number;
  options: { model: string; grayModel: string; method: 'auto' | 'flow' };
  /** A model file (relative to the corpus folder) used for `options.model`, instead of a shipped model. */
  modelFile?: string;
  sourceSha256: string;
  streamSha256: string;
  decodedSha256: string;
}

/** The manifest's entries, in file order. */
export function readGoldenManifest(): Golden[] {
  return JSON.parse(readFileSync(join(CORPUS_ROOT, 'golden', 'manifest.json'), 'utf8')) as Golden[];
}

/** Options that re-encode an entry's source to its stream (an entry's model file codes every plane it fits, gray ones included). */
export function goldenCompressOptions(g: Golden): CompressOptions {
  if (!g.modelFile) return { ...g.options };
  const model = loadModelFile(join(CORPUS_ROOT, g.modelFile));
  return { ...g.options, model, grayModel: model };
}

/** Every model kept beside the golden streams (corpus/golden/models/*.json): what a decoder of all of them needs besides the shipped ones. */
export function goldenModels(): Model[] {
  const dir = join(CORPUS_ROOT, 'golden', 'models');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => loadModelFile(join(dir, f)))
    : [];
}

/** Options that decode an entry's stream (the entry's model file among the known models). */
export function goldenDecompressOptions(g: Golden): DecompressOptions {
  return g.modelFile ? { models: [loadModelFile(join(CORPUS_ROOT, g.modelFile))] } : {};
}
