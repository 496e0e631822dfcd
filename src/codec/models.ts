/**
 * The model registry: shipped models from `models/*.json`, models given by
 * the caller, lookup by the id prefix a stream records, the default model per
 * channel count, and a canary-checked runner for a model.
 */
import { flowNets, parseModel, type Model } from '../flows/model.js';
import { computeCanary } from '../quant/canary.js';
import { createRunner, type BackendName, type NetRunner } from '../quant/runner.js';
import { causalCanary } from './causal-canary.js';
import { countCanary } from './count-models.js';
import { AUTO_CANDIDATES, DECISIVE_RATIO, measureRunner, rankBackends } from './backend-choice.js';
import { FlowzipError } from './errors.js';
import { modelsDir, readModelFileText, shippedModelTexts } from './model-files.js';
import { fromHex, toHex } from '../platform/encoding.js';

export { modelsDir };

/** Bytes of the model id recorded in a stream. */
export const MODEL_ID_BYTES = 4;

/** Backend preference: `auto` takes, per model, the fastest backend that passes the canary (see `autoRunner`). */
export type BackendChoice = BackendName | 'auto';

/** Effort levels: 1 fastest (model zero), 2 the causal models without their stack, 3–6 the default, 7–9 strong (see `defaultModel`). */
export const MIN_EFFORT = 1,
  MAX_EFFORT = 9,
  DEFAULT_EFFORT = 5;

/** Default models by effort tier and channel count, best first; the first one shipped is used. */
const DEFAULTS: Record<'fastest' | 'fast' | 'default' | 'strong', Record<1 | 3, string[]>> = {
  fastest: { 3: ['zero-rgb', 'causal-rgb-fast'], 1: ['zero-gray', 'causal-gray-fast'] },
  fast: { 3: ['causal-rgb-fast', 'zero-rgb'], 1: ['causal-gray-fast', 'zero-gray'] },
  default: { 3: ['causal-rgb', 'photo', 'zero-rgb'], 1: ['causal-gray', 'gray', 'zero-gray'] },
  strong: { 3: ['causal-rgb-strong', 'causal-rgb', 'photo', 'zero-rgb'], 1: ['causal-gray-strong', 'causal-gray', 'gray', 'zero-gray'] },
};

/** E_USAGE unless `effort` is an integer in MIN_EFFORT..MAX_EFFORT. */
export function checkEffort(effort: number): void {
  if (!Number.isInteger(effort) || effort < MIN_EFFORT || effort > MAX_EFFORT) throw new FlowzipError('E_USAGE', `effort must be a whole number from ${MIN_EFFORT} to ${MAX_EFFORT}, got ${effort}`);
}

/** A shipped model file, known by the name and id in its head and parsed only when first used (the learned models' weights take ~50 MB of heap). */
interface ShippedEntry {
  file: string;
  text: string;
  name: string;
  id: string;
  model: Model | null;
}

let shipped: ShippedEntry[] | null = null;

/** The head every model file starts with (flows/model.ts writes it): its name and id. */
const MODEL_HEAD = /^\{"format":"flowzip-model","version":\d+,"name":("(?:[^"\\]|\\.)*"),"id":"([0-9a-f]{64})"/;

/** The shipped model files in name order, each with its name and id (read from the head; a file without that head is parsed for them). */
function shippedIndex(): ShippedEntry[] {
  if (!shipped) {
    shipped = shippedModelTexts().map(({ name: file, text }) => {
      const head = MODEL_HEAD.exec(text.slice(0, 400));
      if (head) return { file, text, name: JSON.parse(head[1]) as string, id: head[2], model: null };
      const model = parseModelText(text, file);
      return { file, text, name: model.name, id: model.id, model };
    });
  }
  return shipped;
}

/** The model of a shipped entry, parsed and validated on first use (E_BAD_MODEL if malformed, or if its content does not match its id). */
function loadedModel(e: ShippedEntry): Model {
  if (!e.model) e.model = parseModelText(e.text, e.file);
  return e.model;
}

/** Every model in `models/*.json`, parsed and validated once. */
export function shippedModels(): Model[] {
  return shippedIndex().map(loadedModel);
}

/** The name and id of every shipped model, in name order, read from the files' heads (nothing is parsed unless a file lacks the head). */
export function shippedNames(): Array<{ name: string; id: string }> {
  return shippedIndex().map(({ name, id }) => ({ name, id }));
}

/**
 * A shipped model known before it is parsed: name, id, channel count, and
 * whether it is a count-context model; `load` parses it (once), and refuses
 * it (E_BAD_MODEL) if the parsed model is not what was announced.
 */
export interface ShippedCandidate {
  name: string;
  id: string;
  channels: number;
  /** Whether it is a count-context model (flows/count-context.ts). */
  counts: boolean;
  /** Whether it is a causal model (flows/causal-kernel.ts). */
  causal: boolean;
  load: () => Model;
}

/**
 * Where a model file's body starts, as flows/model.ts writes it (the last
 * key, after the manifest): `,"flow":{"channels":N`,
 * `,"counts":{"kind":"counts","channels":N` or `,"causal":{"kind":"causal","channels":N`.
 */
const BODY_HEADS: Array<{ head: string; counts: boolean; causal: boolean }> = [
  { head: ',"counts":{"kind":"counts","channels":', counts: true, causal: false },
  { head: ',"causal":{"kind":"causal","channels":', counts: false, causal: true },
  { head: ',"flow":{"channels":', counts: false, causal: false },
];

/** The body kind and channel count of a model file, from its text without parsing it; null when the text does not show them plainly. */
function peekBody(text: string): { channels: number; counts: boolean; causal: boolean } | null {
  let best: { at: number; channels: number; counts: boolean; causal: boolean } | null = null;
  for (const { head, counts, causal } of BODY_HEADS) {
    const at = text.lastIndexOf(head);
    if (at < 0 || (best && best.at > at)) continue;
    const digits = /^(\d+)[,}]/.exec(text.slice(at + head.length, at + head.length + 12));
    if (digits) best = { at, channels: Number(digits[1]), counts, causal };
  }
  return best && { channels: best.channels, counts: best.counts, causal: best.causal };
}

/**
 * The shipped models as candidates (automatic model choice): kind and
 * channel count read from each file's text, each parsed only when loaded.
 * A file whose body cannot be read plainly is parsed at once.
 */
export function shippedCandidates(): ShippedCandidate[] {
  candidates ??= shippedIndex().map((e) => {
    const kindOf = (m: Model) => ({ channels: m.flow.channels, counts: !!m.counts, causal: !!m.causal });
    const peek = e.model ? kindOf(e.model) : (peekBody(e.text) ?? kindOf(loadedModel(e)));
    return {
      name: e.name,
      id: e.id,
      ...peek,
      load: () => {
        const m = loadedModel(e);
        if (m.flow.channels !== peek.channels || !!m.counts !== peek.counts || !!m.causal !== peek.causal)
          throw new FlowzipError('E_BAD_MODEL', `${e.file}: the model is not the kind its file announces`);
        return m;
      },
    };
  });
  return candidates;
}

let candidates: ShippedCandidate[] | null = null;

/** The shipped model named `name`, or whose id starts with `idPrefix` (lower-case hex): only that file is parsed; null when none. */
export function shippedModel(match: { name?: string; idPrefix?: string }): Model | null {
  const e = shippedIndex().find((x) => x.name === match.name || (match.idPrefix !== undefined && x.id.startsWith(match.idPrefix)));
  return e ? loadedModel(e) : null;
}

/** Parses and validates model file text; E_BAD_MODEL naming `source` (a file name or URL) when it is malformed or out of bounds. */
export function parseModelText(text: string, source: string): Model {
  try {
    return parseModel(text);
  } catch (e) {
    throw new FlowzipError('E_BAD_MODEL', `${source}: ${(e as Error).message}`);
  }
}

/** Loads a model file (E_BAD_MODEL if malformed or out of bounds). */
export function loadModelFile(path: string): Model {
  if (typeof path !== 'string' || path === '') throw new FlowzipError('E_USAGE', `loadModelFile needs a file path, got ${path === '' ? 'an empty string' : typeof path}`);
  let text: string;
  try {
    text = readModelFileText(path);
  } catch {
    throw new FlowzipError('E_BAD_MODEL', `cannot read model file ${path}`);
  }
  return parseModelText(text, path);
}

/** The id prefix recorded in streams. */
export function modelIdBytes(m: Model): Uint8Array {
  return fromHex(m.id.slice(0, 2 * MODEL_ID_BYTES));
}

/** A model by name or id prefix of ≥ 8 hex digits (from `extra` first, then shipped), or a path to a .json model file; E_UNKNOWN_MODEL / E_BAD_MODEL otherwise. */
export function resolveModel(ref: string | Model, extra: Model[] = []): Model {
  if (typeof ref !== 'string') return ref;
  const idPrefix = /^[0-9a-f]{8,64}$/i.test(ref) ? ref.toLowerCase() : undefined;
  const m = extra.find((x) => x.name === ref || (idPrefix !== undefined && x.id.startsWith(idPrefix))) ?? shippedModel({ name: ref, idPrefix });
  if (m) return m;
  if (ref.endsWith('.json')) return loadModelFile(ref);
  throw new FlowzipError(
    'E_UNKNOWN_MODEL',
    `unknown model "${ref}" (shipped: ${shippedNames()
      .map((x) => x.name)
      .join(', ')})`,
  );
}

/** The model a stream names by id prefix, or E_UNKNOWN_MODEL naming it. */
export function modelForStream(prefix: Uint8Array, extra: Model[] = []): Model {
  const hex = toHex(prefix);
  const m = extra.find((x) => x.id.startsWith(hex)) ?? shippedModel({ idPrefix: hex });
  if (!m) throw new FlowzipError('E_UNKNOWN_MODEL', `stream was made with model ${hex}…, which this build does not have (pass it with --model)`);
  return m;
}

/**
 * The default model for gray (1) or colour (3) planes at an effort level:
 * 1 model zero (the fastest, about 15 % larger), 2 the causal models without
 * their online stack, 3–6 the causal defaults (NLMS stack), 7–9 the strong
 * causal models (RLS stack, smallest, slowest).
 */
export function defaultModel(channels: 1 | 3, extra: Model[] = [], effort = DEFAULT_EFFORT): Model {
  checkEffort(effort);
  const tier = effort <= 1 ? 'fastest' : effort <= 2 ? 'fast' : effort <= 6 ? 'default' : 'strong';
  for (const name of DEFAULTS[tier][channels]) {
    const m = extra.find((x) => x.name === name && x.flow.channels === channels) ?? shippedModel({ name });
    if (m && m.flow.channels === channels) return m;
  }
  throw new FlowzipError('E_BAD_MODEL', `no shipped model for ${channels}-channel images`);
}

const checked = new Map<string, Promise<NetRunner | null>>();

/**
 * True when `runner` reproduces the model's stored canary hash exactly
 * (DESIGN.md invariant 1); a runner that throws on the canary fails it too.
 * A backend that fails is never used for coding.
 */
export function passesCanary(model: Model, runner: NetRunner): boolean {
  try {
    if (model.counts) return countCanary(model.counts) === model.canary;
    if (model.causal) return causalCanary(model.causal) === model.canary;
    return computeCanary(flowNets(model.flow), runner) === model.canary;
  } catch {
    return false;
  }
}

/** Runs the model's canary on a backend: the runner if it reproduces the stored hash, else null. */
export function canaryRunner(model: Model, backend: BackendName): Promise<NetRunner | null> {
  const key = `${model.id}:${backend}`;
  let p = checked.get(key);
  if (!p) {
    p = (async () => {
      const r = await createRunner(backend);
      if (!r) return null;
      return passesCanary(model, r) ? r : null;
    })();
    checked.set(key, p);
  }
  return p;
}

/** A canary-checked runner for the model; E_BACKEND if the chosen backend (or, for auto, every backend) fails. */
export async function runnerFor(model: Model, choice: BackendChoice = 'auto'): Promise<NetRunner> {
  // A causal or count-context model runs no nets: the pure-TypeScript reference is all it needs (whatever `choice`), behind its canary.
  if (model.causal || model.counts) {
    const cr = await canaryRunner(model, 'reference');
    if (cr) return cr;
    throw new FlowzipError('E_BACKEND', `this JavaScript engine does not reproduce model ${model.name}'s canary`);
  }
  const r = choice === 'auto' ? await autoRunner(model) : await canaryRunner(model, choice);
  if (r) return r;
  const order: BackendName[] = choice === 'auto' ? AUTO_ORDER : [choice];
  throw new FlowzipError('E_BACKEND', `no backend (${order.join(', ')}) reproduces model ${model.name}'s canary`);
}

/** Backends `auto` considers; their order is decided per model (backend-choice.ts). */
export const AUTO_ORDER: BackendName[] = AUTO_CANDIDATES;

const autoChosen = new Map<string, Promise<NetRunner | null>>();

/**
 * `auto`, once per model: the candidates in order of estimated cost
 * (backend-choice.ts); each must pass the canary. Candidates whose estimate is
 * within DECISIVE_RATIO of the cheapest that passed are timed and the fastest
 * is kept; the rest are not even loaded (model zero never loads tfjs).
 */
function autoRunner(model: Model): Promise<NetRunner | null> {
  let p = autoChosen.get(model.id);
  if (!p) {
    p = (async () => {
      let best: { runner: NetRunner; ns: number; ms?: number } | null = null;
      for (const { backend, ns } of rankBackends(model)) {
        if (best && ns > best.ns * DECISIVE_RATIO) break;
        const runner = await canaryRunner(model, backend);
        if (!runner) continue;
        if (!best) {
          best = { runner, ns };
          continue;
        }
        best.ms ??= measureRunner(model, best.runner);
        const ms = measureRunner(model, runner);
        if (ms < best.ms) best = { runner, ns: best.ns, ms };
      }
      return best?.runner ?? null;
    })();
    autoChosen.set(model.id, p);
  }
  return p;
}
