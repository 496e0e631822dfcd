/**
 * Models over HTTP, for a decoder in a page: only the models a stream names
 * are fetched, each once, from a folder of model files (the package's
 * `models/` served as is, or dist/web/models/ of `npm run build:browser`).
 * Which file holds which id comes from an index: by default the one of the
 * shipped models that the browser bundle carries (scripts/build-browser.ts
 * defines `__FLOWZIP_SHIPPED_MODELS__`); outside the bundle it is empty.
 */
import type { Model } from '../flows/model.js';
import { parseModelText } from '../codec/models.js';

/** One model file of an index. */
export interface ModelIndexEntry {
  /** The model id (SHA-256 hex). */
  id: string;
  name: string;
  /** File name, relative to the models folder. */
  file: string;
}

declare const __FLOWZIP_SHIPPED_MODELS__: ModelIndexEntry[] | undefined;

/** The shipped models' index built into the browser bundle (empty outside it). */
export const SHIPPED_MODEL_INDEX: readonly ModelIndexEntry[] = typeof __FLOWZIP_SHIPPED_MODELS__ === 'undefined' ? [] : __FLOWZIP_SHIPPED_MODELS__;

/**
 * A `loadModel` for DecodeOptions that fetches, from the folder at `base`
 * (a URL ending in `/`, relative to the page), the file of `index` whose id
 * starts with the requested prefix; null when no entry does. Network errors
 * reject; a malformed model file is E_BAD_MODEL.
 */
export function modelsFromUrl(base: string | URL, index: readonly ModelIndexEntry[] = SHIPPED_MODEL_INDEX): (idPrefix: string) => Promise<Model | null> {
  const folder = new URL(base, globalThis.location?.href);
  const loaded = new Map<string, Promise<Model>>();
  return async (idPrefix) => {
    const entry = index.find((e) => e.id.startsWith(idPrefix.toLowerCase()));
    if (!entry) return null;
    let m = loaded.get(entry.id);
    if (!m) {
      const url = new URL(entry.file, folder);
      m = fetch(url).then(async (res) => {
        if (!res.ok) throw new Error(`cannot fetch model ${url.href} (HTTP ${res.status})`);
        return parseModelText(await res.text(), url.href);
      });
      loaded.set(entry.id, m);
    }
    return m;
  };
}
