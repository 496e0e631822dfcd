/**
 * Execution of quantised nets on a backend: the pure-TS integer reference, or
 * tfjs (`wasm` by default, `cpu`, and `tensorflow` = @tensorflow/tfjs-node when
 * it is installed). The exact-integer discipline (qnet.ts) makes every backend
 * produce identical integers; the canary (canary.ts) checks it before use.
 * This is the only module of the coding path that imports tfjs.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TF from '@tensorflow/tfjs-core';
import type { QConv, QNet } from './qnet.js';
import { runNetReference } from './reference.js';

/** Names of the execution backends. */
export type BackendName = 'reference' | 'cpu' | 'wasm' | 'tensorflow';

/** Evaluates quantised nets on planar Int32 activations (one h*w plane per channel). */
export interface NetRunner {
  readonly name: BackendName;
  run(net: QNet, input: Int32Array[], h: number, w: number): Int32Array[];
}

/**
 * tfjs, loaded on first use of a tfjs backend: the `reference` backend (and a
 * process that only uses it, e.g. model zero through `auto`) never pays the
 * few hundred milliseconds tfjs takes to load.
 */
let tf: typeof TF;
let tfLoading: Promise<void> | null = null;
function loadTf(): Promise<void> {
  tfLoading ??= (async () => {
    const core = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    // Production mode: no debug checks, and no tfjs advert on stderr that would pollute CLI output.
    core.enableProdMode();
    tf = core;
  })();
  return tfLoading;
}

const referenceRunner: NetRunner = { name: 'reference', run: runNetReference };

const ready = new Map<BackendName, Promise<boolean>>();

/** Loads and initialises a tfjs backend once; resolves false if it cannot run here. */
function initBackend(name: Exclude<BackendName, 'reference'>): Promise<boolean> {
  let p = ready.get(name);
  if (!p) {
    p = (async () => {
      try {
        // tfjs-node is optional: when it is not installed, say so without loading tfjs at all.
        if (name === 'tensorflow') createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
        await loadTf();
        if (name === 'wasm') {
          const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
          const require = createRequire(import.meta.url);
          const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
          setWasmPaths(join(dist, '/'));
        }
        if (name === 'tensorflow') {
          const mod = '@tensorflow/tfjs-node';
          await import(mod); // optional dependency: registers the 'tensorflow' backend
        }
        const prev = tf.getBackend();
        const ok = await tf.setBackend(name);
        if (prev && prev !== name) await tf.setBackend(prev);
        return ok;
      } catch {
        return false;
      }
    })();
    ready.set(name, p);
  }
  return p;
}

/** Float32 weight/bias tensors of a layer, built once per layer object. */
const layerTensors = new WeakMap<QConv, { backend: string; w: TF.Tensor4D; b: TF.Tensor1D }>();

function tensorsOf(l: QConv, backend: string) {
  let t = layerTensors.get(l);
  if (!t || t.backend !== backend) {
    t?.w.dispose();
    t?.b.dispose();
    t = {
      backend,
      w: tf.tensor4d(Float32Array.from(l.weights), [l.kh, l.kw, l.cin, l.cout]),
      b: tf.tensor1d(Float32Array.from(l.bias)),
    };
    tf.keep(t.w);
    tf.keep(t.b);
    layerTensors.set(l, t);
  }
  return t;
}

class TfjsRunner implements NetRunner {
  constructor(readonly name: Exclude<BackendName, 'reference'>) {}

  run(net: QNet, input: Int32Array[], h: number, w: number): Int32Array[] {
    // Backends are initialised beforehand, so setBackend switches synchronously.
    if (tf.getBackend() !== this.name) void tf.setBackend(this.name);
    if (tf.getBackend() !== this.name) throw new Error(`tfjs backend ${this.name} is not active`);
    const cin = input.length;
    const n = h * w;
    const hwc = new Float32Array(n * cin);
    for (let c = 0; c < cin; c++) {
      const p = input[c];
      for (let i = 0; i < n; i++) hwc[i * cin + c] = p[i];
    }
    const out = tf.tidy(() => {
      let x: TF.Tensor4D = tf.clipByValue(tf.tensor4d(hwc, [1, h, w, cin]), net.inLo, net.inHi);
      for (const l of net.layers) {
        const { w: wt, b } = tensorsOf(l, this.name);
        const acc = tf.add(tf.conv2d(x, wt, 1, 'same'), b);
        x = tf.clipByValue(tf.floor(tf.mul(acc, 2 ** -l.shift)), l.lo, l.hi) as TF.Tensor4D;
      }
      return x;
    });
    const data = out.dataSync() as Float32Array;
    out.dispose();
    const cout = net.layers.length ? net.layers[net.layers.length - 1].cout : cin;
    const planes: Int32Array[] = [];
    for (let c = 0; c < cout; c++) {
      const p = new Int32Array(n);
      for (let i = 0; i < n; i++) p[i] = data[i * cout + c];
      planes.push(p);
    }
    return planes;
  }
}

/**
 * A runner for `name`, or null when that backend cannot be initialised here
 * (e.g. `tensorflow` without @tensorflow/tfjs-node installed). Exactness is
 * not checked here: callers pass the runner through the model's canary.
 */
export async function createRunner(name: BackendName): Promise<NetRunner | null> {
  if (name === 'reference') return referenceRunner;
  if (!(await initBackend(name))) return null;
  return new TfjsRunner(name);
}

/** The wasm runner when its backend starts, else the reference runner (for offline tools: both give the same integers). */
export async function wasmOrReference(): Promise<NetRunner> {
  return (await createRunner('wasm')) ?? referenceRunner;
}
