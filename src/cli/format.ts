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
