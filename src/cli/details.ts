/**
 * What `-v` says about how a file was coded: the model of each plane group,
 * the backend that ran its nets and the coding threads. The backend is the
 * one the library chose (runnerFor is cached per model and backend choice, so
 * asking again runs nothing new).
 */
import { type BackendChoice, type Model, type StreamInfo } from '../codec/index.js';
import { runnerFor, shippedModel } from '../codec/models.js';
import { defaultThreads } from '../codec/pool.js';

/** Coding threads for a `--workers` value, as the library counts them. */
export function threadsFor(workers: number | undefined): number {
  return workers === undefined ? defaultThreads() : Math.max(1, workers);
}

/**
 * `model photo, backend wasm, 2 workers` for a flow-coded stream (models
 * separated by `+` when colour and alpha differ); `no model` else.
 */
export async function codingDetails(info: StreamInfo, extra: Model[], backend: BackendChoice | undefined, workers: number | undefined): Promise<string> {
  if (!info.image) return 'no model';
  const names: string[] = [];
  const backends: string[] = [];
  for (const { id, name } of info.image.models) {
    const model = extra.find((m) => m.id.startsWith(id)) ?? shippedModel({ idPrefix: id });
    names.push(name ?? model?.name ?? id);
    const runner = model ? await runnerFor(model, backend ?? 'auto').catch(() => null) : null;
    backends.push(runner?.name ?? '?');
  }
  const unique = (xs: string[]) => [...new Set(xs)].join('+');
  const threads = threadsFor(workers);
  return `model ${unique(names)}, backend ${unique(backends)}${backend === undefined || backend === 'auto' ? ' (auto)' : ''}, ${threads} worker${threads === 1 ? '' : 's'}`;
}
