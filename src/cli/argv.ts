/**
 * gzip/zstd-style command lines, rewritten to flowzip's commands before
 * commander sees the arguments:
 *
 * - `flowzip -d FILE.fz…` (`--decompress`) → `flowzip decompress FILE.fz…`
 * - `flowzip -t FILE.fz…` (`--test`)       → `flowzip test FILE.fz…`
 * - `flowzip -l FILE.fz…` (`--list`)       → `flowzip info FILE.fz…`
 * - `flowzip FILE…`, `flowzip -c a.png`    → `flowzip compress …`
 *
 * The mode flags may stand anywhere among the options and be bundled with
 * other short flags (`-dfv`, `-tv`). A command named as the first operand
 * wins: then nothing is rewritten. No arguments at all, or only help /
 * version flags, are left to commander (it prints the help).
 */
import { UsageError } from './errors.js';

/** Options (of any command) that take a value, so the scan skips their value. */
const VALUE_OPTIONS = new Set(['-o', '--output', '--model', '--backend', '--method', '--workers', '--max-pixels', '--max-output']);

/** Short flags that take no value, which may be bundled with a mode flag (e.g. -dfv). */
const BUNDLABLE = /^-[cdfqvkrtl]+$/;

/** Mode flags: short letter, long name, the command they stand for. */
const MODES: ReadonlyArray<{ short: string; long: string; command: string }> = [
  { short: 'd', long: '--decompress', command: 'decompress' },
  { short: 't', long: '--test', command: 'test' },
  { short: 'l', long: '--list', command: 'info' },
];

/** Flags that ask commander for help or the version: without a mode they are left alone. */
const HELP_FLAGS = new Set(['-h', '--help', '-V', '--version']);

/**
 * Returns the arguments (without node and script) with a mode flag turned
 * into its command, or `compress` put in front when the first operand is not
 * a command; throws UsageError when two different modes are asked for
 * (e.g. `-d -t`).
 */
export function rewriteGzipStyle(args: string[], commands: ReadonlySet<string>): string[] {
  const rest: string[] = [];
  const modes = new Set<string>();
  let firstOperandSeen = false;
  let helpAsked = false;
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
    if (HELP_FLAGS.has(a)) helpAsked = true;
    const long = MODES.find((m) => m.long === a);
    if (long) {
      modes.add(long.command);
      continue;
    }
    if (BUNDLABLE.test(a) && MODES.some((m) => a.includes(m.short))) {
      for (const m of MODES) if (a.includes(m.short)) modes.add(m.command);
      const others = a.slice(1).replace(/[dtl]/g, '');
      if (others) rest.push(`-${others}`);
      continue;
    }
    rest.push(a);
    if (VALUE_OPTIONS.has(a) && i + 1 < args.length) rest.push(args[++i]);
  }
  if (modes.size > 1) {
    const flags = MODES.filter((m) => modes.has(m.command)).map((m) => `-${m.short}`);
    throw new UsageError(`${flags.join(' and ')} cannot be used together: give one of decompress (-d), test (-t) or list (-l)`);
  }
  if (modes.size === 1) return [[...modes][0], ...rest];
  if (args.length === 0 || (helpAsked && !firstOperandSeen)) return args;
  return ['compress', ...args];
}
