/**
 * Count-context models at run time: their unpacked tables and quantised
 * distributions (one CountCdfCache per model, made on first use), and their
 * canary — the SHA-256 of the tile stream written for the fixed canary image
 * (causal-canary.ts), which shows every table entry it visits and the binary64
 * arithmetic that quantises them.
 */
import { createHash } from '../platform/hash.js';
import { CountCdfCache } from '../flows/count-context.js';
import { unpackCounts, type CountSpec } from '../flows/count-spec.js';
import type { Model } from '../flows/model.js';
import { canaryImage, CANARY_H, CANARY_W } from './causal-canary.js';
import { encodeCountTile } from './count-coder.js';
import { FlowzipError } from './errors.js';

const caches = new Map<string, CountCdfCache>();

/** The distributions of a count-context spec (unpacked once per packed table); E_BAD_MODEL when its tables are malformed. */
export function countCdfsOf(spec: CountSpec): CountCdfCache {
  let c = caches.get(spec.tables);
  if (!c) {
    try {
      c = new CountCdfCache(unpackCounts(spec.tables, spec.alpha));
    } catch (e) {
      throw new FlowzipError('E_BAD_MODEL', `count model tables: ${(e as Error).message}`);
    }
    caches.set(spec.tables, c);
  }
  return c;
}

/** The distributions of a count-context model (see countCdfsOf). */
export function countCdfs(model: Model): CountCdfCache {
  if (!model.counts) throw new Error(`model ${model.name} is not a count-context model`);
  return countCdfsOf(model.counts);
}

/** The canary hash of a count-context spec on this engine. */
export function countCanary(spec: CountSpec): string {
  const stream = encodeCountTile(canaryImage(1), CANARY_W, CANARY_H, countCdfsOf(spec));
  return createHash('sha256').update(stream).digest('hex');
}
