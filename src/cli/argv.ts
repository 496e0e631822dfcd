/**
 * zstd/gzip-style `-d`: `flowzip -d FILE.fz…` (anywhere among the options,
 * also bundled as in `-df`) is rewritten to `flowzip decompress FILE.fz…`
 * before commander sees the arguments.
 */

/** Options (of any command) that take a value, so the scan skips their value. */
const VALUE_OPTIONS = new Set(['-o', '--output', '--model', '--backend', '--method', '--workers', '--max-pixels', '--max-output']);

/** Short flags that take no value, which may be bundled with -d (e.g. -dfv). */
const BUNDLABLE = /^-[cdfqv]+$/;

/**
 * Returns the arguments (without node and script) with a `-d` /
 * `--decompress` turned into the `decompress` command, when the first
 * operand is not already a command in `commands`. Other arguments are
 * returned unchanged.
 */
export function rewriteDecompressFlag(args: string[], commands: ReadonlySet<string>): string[] {
  const rest: string[] = [];
  let found = false;
  let firstOperandSeen = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (!firstOperandSeen && !a.startsWith('-')) {
      if (commands.has(a)) return args; // an explicit command: leave everything to commander
      firstOperandSeen = true;
    }
    if (a === '-d' || a === '--decompress') {
      found = true;
      continue;
    }
    if (BUNDLABLE.test(a) && a.includes('d')) {
      found = true;
      const others = a.slice(1).replaceAll('d', '');
      if (others) rest.push(`-${others}`);
      continue;
    }
    rest.push(a);
    if (VALUE_OPTIONS.has(a) && i + 1 < args.length) rest.push(args[++i]);
  }
  return found ? ['decompress', ...rest] : args;
}
