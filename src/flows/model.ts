/**
 * Model files: a JSON document holding the flow (architecture + integer
 * weights), the canary hash, and a free-form manifest (training data, measured
 * bpsp, MACs). The model id is the SHA-256 of the canonical flow JSON — the
 * part that decides symbols — so re-measuring a manifest never changes the id.
 */
import { createHash } from '../platform/hash.js';
import { deflateRawSync, inflateRawSync } from '../platform/zlib.js';
import { fromBase64, toBase64 } from '../platform/encoding.js';
import type { QConv, QNet } from '../quant/qnet.js';
import { checkNet, netMacsPerPixel } from '../quant/qnet.js';
import { causalFromJson, causalToJson, type CausalSpec } from './causal-spec.js';
import { countFromJson, countToJson, type CountSpec } from './count-spec.js';
import { factorOf, flowNets, paramsPerChannel, stepPlaces, unknownStep, visitStep, walkSteps, type FlowSpec, type FlowStep, type PriorGroup } from './spec.js';

/** File format tag and version of model JSON files. */
export const MODEL_FORMAT = 'flowzip-model';
export const MODEL_FORMAT_VERSION = 1;

/** A loaded, validated integer model. */
export interface Model {
  /** Short name (e.g. `zero-rgb`, `photo`). */
  name: string;
  /** SHA-256 hex of the canonical flow JSON. */
  id: string;
  flow: FlowSpec;
  /** SHA-256 hex of the reference outputs on the canary input (canary.ts). */
  canary: string;
  manifest: Record<string, unknown>;
  /**
   * Set for a causal model (flows/causal-spec.ts): its planes are coded by the
   * autoregressive coupling, and `flow` is then an empty flow of the same
   * channel count (no nets, no levels).
   */
  causal?: CausalSpec;
  /**
   * Set for a count-context model (flows/count-spec.ts): its plane is coded
   * with learned context counts (codec/count-models.ts), and `flow` is then
   * an empty 1-channel flow.
   */
  counts?: CountSpec;
}

interface QConvJson {
  kh: number;
  kw: number;
  cin: number;
  cout: number;
  shift: number;
  lo: number;
  hi: number;
  weights: string;
  bias: number[];
}
interface QNetJson {
  inLo: number;
  inHi: number;
  layers: QConvJson[];
}

/** True when typed arrays are little-endian here (then Int32 LE bytes are the array's own bytes). */
const LITTLE_ENDIAN = new Uint8Array(Int32Array.of(1).buffer)[0] === 1;

function i32ToB64(a: Int32Array): string {
  if (LITTLE_ENDIAN) return toBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const le = new Uint8Array(a.length * 4);
  const view = new DataView(le.buffer);
  a.forEach((v, i) => view.setInt32(i * 4, v, true));
  return toBase64(le);
}
/** Weights as stored in files: `deflate:` + base64 of raw-deflated Int32 LE (storage only; ids hash the plain form). */
function compressWeights(plain: string): string {
  return 'deflate:' + toBase64(deflateRawSync(fromBase64(plain), { level: 9 }));
}
function b64ToI32(s: string): Int32Array {
  const b = s.startsWith('deflate:') ? inflateRawSync(fromBase64(s.slice(8))) : fromBase64(s);
  const a = new Int32Array(b.length >> 2);
  if (LITTLE_ENDIAN) new Uint8Array(a.buffer).set(b.subarray(0, a.length * 4));
  else {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < a.length; i++) a[i] = view.getInt32(i * 4, true);
  }
  return a;
}

function netToJson(n: QNet): QNetJson {
  return {
    inLo: n.inLo,
    inHi: n.inHi,
    layers: n.layers.map((l) => ({ kh: l.kh, kw: l.kw, cin: l.cin, cout: l.cout, shift: l.shift, lo: l.lo, hi: l.hi, weights: i32ToB64(l.weights), bias: Array.from(l.bias) })),
  };
}
function netFromJson(j: QNetJson): QNet {
  return {
    inLo: j.inLo,
    inHi: j.inHi,
    layers: j.layers.map((l): QConv => ({ kh: l.kh, kw: l.kw, cin: l.cin, cout: l.cout, shift: l.shift, lo: l.lo, hi: l.hi, weights: b64ToI32(l.weights), bias: Int32Array.from(l.bias) })),
  };
}

function groupToJson(g: PriorGroup): unknown {
  return {
    channels: g.channels,
    mixture: g.mixture,
    net: g.net ? netToJson(g.net) : null,
    ...(g.constant ? { constant: g.constant } : {}),
    ...(g.phase !== undefined ? { phase: g.phase } : {}),
    ...(g.base ? { base: netToJson(g.base) } : {}),
  };
}

/** The flow as canonical JSON-able data (weights base64 Int32 LE). */
export function flowToJson(f: FlowSpec): unknown {
  return {
    channels: f.channels,
    inputMin: f.inputMin,
    inputMax: f.inputMax,
    steps: walkSteps<unknown>(f, {
      squeeze: () => ({ op: 'squeeze' }),
      permute: (s) => ({ op: 'permute', perm: s.perm }),
      coupling: (s) => ({ op: 'coupling', target: s.target, cond: s.cond, net: netToJson(s.net) }),
      split: (s) => ({ op: 'split', factor: s.factor, groups: s.groups.map(groupToJson) }),
      top: (s) => ({ op: 'top', groups: s.groups.map(groupToJson) }),
    }),
  };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- untyped model JSON, checked by validateFlow once built */
function flowFromJson(j: any): FlowSpec {
  const group = (g: any): PriorGroup => ({
    channels: g.channels,
    mixture: g.mixture,
    net: g.net ? netFromJson(g.net) : null,
    constant: g.constant,
    phase: g.phase,
    ...(g.base ? { base: netFromJson(g.base) } : {}),
  });
  return {
    channels: j.channels,
    inputMin: j.inputMin,
    inputMax: j.inputMax,
    steps: j.steps.map((s: any): FlowStep => {
      switch (s.op) {
        case 'squeeze':
          return { op: 'squeeze' };
        case 'permute':
          return { op: 'permute', perm: s.perm };
        case 'coupling':
          return { op: 'coupling', target: s.target, cond: s.cond, net: netFromJson(s.net) };
        case 'split':
          return { op: 'split', factor: s.factor, groups: s.groups.map(group) };
        case 'top':
          return { op: 'top', groups: s.groups.map(group) };
        default:
          return unknownStep(s);
      }
    }),
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** SHA-256 hex of the canonical flow JSON: the model id. */
export function flowId(f: FlowSpec): string {
  return createHash('sha256')
    .update(JSON.stringify(flowToJson(f)))
    .digest('hex');
}

const isPerm = (a: number[], n: number) => a.length === n && new Set(a).size === n && a.every((v) => Number.isInteger(v) && v >= 0 && v < n);
const isSubset = (a: number[], n: number) => new Set(a).size === a.length && a.every((v) => Number.isInteger(v) && v >= 0 && v < n);

/** Why the coded groups of a split or top step receiving `c` channels are not valid, or null. */
function codedStepError(s: Extract<FlowStep, { op: 'split' | 'top' }>, c: number, at: string): string | null {
  const factor = factorOf(s, c);
  if (!isSubset(factor, c) || factor.length === 0 || (s.op === 'split' && factor.length === c)) return `${at}: bad factor set`;
  const cover = new Map<number, string>();
  for (const g of s.groups) for (const j of g.channels) cover.set(j, (cover.get(j) ?? '') + (g.phase ?? 'a'));
  const okCover = cover.size === factor.length && [...cover].every(([j, v]) => Number.isInteger(j) && j >= 0 && j < factor.length && (v === 'a' || v === '01'));
  if (!okCover) return `${at}: groups must cover each factored channel once (or as phase 0 then phase 1)`;
  let ctx = c - factor.length;
  for (const [gi, g] of s.groups.entries()) {
    const nOut = paramsPerChannel(g.mixture) * g.channels.length;
    if (!(Number.isInteger(g.mixture) && g.mixture >= 1 && g.mixture <= 16)) return `${at} group ${gi}: mixture`;
    if (g.net) {
      if (g.net.layers.length === 0 || g.net.layers[0].cin !== ctx || g.net.layers[g.net.layers.length - 1].cout !== nOut) return `${at} group ${gi}: net shape`;
      const e = checkNet(g.net);
      if (e) return `${at} group ${gi}: ${e}`;
    } else if (!g.constant || g.constant.length !== nOut || !g.constant.every(Number.isInteger)) {
      return `${at} group ${gi}: needs a net or ${nOut} integer constants`;
    }
    if (g.base) {
      if (g.base.layers.length === 0 || g.base.layers[0].cin !== ctx || g.base.layers[g.base.layers.length - 1].cout !== 2 * g.channels.length) return `${at} group ${gi}: base net shape`;
      const e = checkNet(g.base);
      if (e) return `${at} group ${gi} base: ${e}`;
    }
    ctx += g.channels.length;
  }
  return null;
}

/** Checks channel bookkeeping and every net's shapes and 2^24 bound; null if valid, else a one-line reason. Throws on an unknown step type. */
export function validateFlow(f: FlowSpec): string | null {
  if (f.channels !== 1 && f.channels !== 3) return `channels must be 1 or 3, got ${f.channels}`;
  for (const place of stepPlaces(f)) {
    const s = f.steps[place.index],
      c = place.channels;
    const at = `step ${place.index} (${s.op})`;
    const error = visitStep<string | null>(s, place, {
      squeeze: () => null,
      permute: (p) => (isPerm(p.perm, c) ? null : `${at}: not a permutation of ${c} channels`),
      coupling: (p) => {
        if (!isSubset(p.target, c) || !isSubset(p.cond, c) || p.target.some((t) => p.cond.includes(t))) return `${at}: bad channel sets`;
        if (p.net.layers.length === 0 || p.net.layers[0].cin !== p.cond.length || p.net.layers[p.net.layers.length - 1].cout !== p.target.length) return `${at}: net shape`;
        const e = checkNet(p.net);
        return e ? `${at}: ${e}` : null;
      },
      split: (p) => codedStepError(p, c, at),
      top: (p) => (place.index !== f.steps.length - 1 ? `${at}: top must be the last step` : codedStepError(p, c, at)),
    });
    if (error) return error;
  }
  if (f.steps[f.steps.length - 1]?.op !== 'top') return 'the last step must be top';
  return null;
}

/** Multiply-accumulates per input pixel of one forward pass (all nets). */
export function flowMacsPerPixel(f: FlowSpec): number {
  let scale = 1; // pixels of the current tensor per input pixel
  let macs = 0;
  for (const s of f.steps) {
    if (s.op === 'squeeze') scale /= 4;
    if (s.op === 'coupling') macs += scale * netMacsPerPixel(s.net);
    if (s.op === 'split' || s.op === 'top') for (const g of s.groups) for (const n of [g.base, g.net]) if (n) macs += scale * netMacsPerPixel(n);
  }
  return macs;
}

/** Serialises a model to its JSON file text (weights deflated; the id is of the plain form). */
export function modelToJson(name: string, flow: FlowSpec, canary: string, manifest: Record<string, unknown>): string {
  const stored = JSON.parse(JSON.stringify(flowToJson(flow)), (k, v) => (k === 'weights' && typeof v === 'string' ? compressWeights(v) : v));
  return JSON.stringify({ format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, name, id: flowId(flow), canary, manifest, flow: stored });
}

/** The empty flow a causal model carries in `Model.flow`. */
export function causalFlow(channels: 1 | 3): FlowSpec {
  return { channels, inputMin: 0, inputMax: 255, steps: [] };
}

/** SHA-256 hex of a causal spec's canonical JSON: a causal model's id. */
export function causalId(s: CausalSpec): string {
  return createHash('sha256')
    .update(JSON.stringify(causalToJson(s)))
    .digest('hex');
}

/** SHA-256 hex of a count-context spec's canonical JSON (packed tables included): its model id. */
export function countId(s: CountSpec): string {
  return createHash('sha256')
    .update(JSON.stringify(countToJson(s)))
    .digest('hex');
}

/** Serialises a count-context model to its JSON file text. */
export function countModelToJson(name: string, spec: CountSpec, canary: string, manifest: Record<string, unknown>): string {
  return JSON.stringify({ format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, name, id: countId(spec), canary, manifest, counts: countToJson(spec) });
}

/** Serialises a causal model to its JSON file text. */
export function causalModelToJson(name: string, spec: CausalSpec, canary: string, manifest: Record<string, unknown>): string {
  return JSON.stringify({ format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, name, id: causalId(spec), canary, manifest, causal: causalToJson(spec) });
}

/**
 * Parses and validates a model file. Throws Error with a one-line reason on a
 * malformed file, a wrong id, or a net breaking the exact-integer bound.
 * (The canary is checked by the caller against the backend it will use.)
 */
export function parseModel(text: string): Model {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped JSON, checked field by field below
  let j: any;
  try {
    j = JSON.parse(text);
  } catch {
    throw new Error('model file is not JSON');
  }
  if (j?.format !== MODEL_FORMAT) throw new Error('not a flowzip model file');
  if (j.version !== MODEL_FORMAT_VERSION) throw new Error(`model file version ${j.version} is not supported`);
  if (typeof j.canary !== 'string') throw new Error('model has no canary');
  if (j.causal !== undefined) {
    let causal: CausalSpec;
    try {
      causal = causalFromJson(j.causal);
    } catch (e) {
      throw new Error(`malformed model: ${(e as Error).message}`, { cause: e });
    }
    const cid = causalId(causal);
    if (j.id !== cid) throw new Error('model id does not match its content');
    return { name: String(j.name), id: cid, flow: causalFlow(causal.channels), canary: j.canary, manifest: j.manifest ?? {}, causal };
  }
  if (j.counts !== undefined) {
    let counts: CountSpec;
    try {
      counts = countFromJson(j.counts);
    } catch (e) {
      throw new Error(`malformed model: ${(e as Error).message}`, { cause: e });
    }
    const id = countId(counts);
    if (j.id !== id) throw new Error('model id does not match its content');
    return { name: String(j.name), id, flow: causalFlow(1), canary: j.canary, manifest: j.manifest ?? {}, counts };
  }
  let flow: FlowSpec;
  try {
    flow = flowFromJson(j.flow);
  } catch (e) {
    throw new Error(`malformed model: ${(e as Error).message}`, { cause: e });
  }
  const bad = validateFlow(flow);
  if (bad) throw new Error(`model refused: ${bad}`);
  const id = flowId(flow);
  if (j.id !== id) throw new Error('model id does not match its content');
  if (typeof j.canary !== 'string') throw new Error('model has no canary');
  return { name: String(j.name), id, flow, canary: j.canary, manifest: j.manifest ?? {} };
}

/** All nets, for canary and inspection. */
export { flowNets };
