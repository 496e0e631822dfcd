/**
 * Number formatting for the CLI's human-readable output.
 */

/** A byte count with thousands separators: `73246` → `73,246 B`. */
export function bytes(n: number): string {
  return `${n.toLocaleString('en-US')} B`;
}

/** Output size as a percentage of the input size (`-` for an empty input). */
export function percent(output: number, input: number): string {
  return input === 0 ? '-' : `${((100 * output) / input).toFixed(2)}%`;
}

/** Elapsed time since `start` (a `performance.now()` value), in seconds. */
export function elapsed(start: number): string {
  return `${((performance.now() - start) / 1000).toFixed(2)} s`;
}

/** Bits per subpixel with three decimals. */
export function bpsp(value: number): string {
  return `${value.toFixed(3)} bpsp`;
}

/**
 * A duration for people: `45s`, `7m00s`, `2h05m`. The value is rounded (to a
 * multiple of `step` seconds, and to whole minutes from an hour on) before it
 * is split, so a carry goes into the next unit: 419 s to a step of 5 is
 * `7m00s`, never `6m60s`. Not finite or negative: `-`.
 */
export function duration(seconds: number, step = 1): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const s = step * Math.round(seconds / step);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
