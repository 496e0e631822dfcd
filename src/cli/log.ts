/**
 * Messages on stderr: errors always (one line each, `flowzip: FILE: …`),
 * warnings unless `--quiet`, per-file details only with `--verbose`. Stdout is
 * kept for data (`-c`) and for `info` / `--help` output.
 */
import { debugDetails, describeError } from './errors.js';

/** How chatty the CLI is. */
export interface Verbosity {
  quiet?: boolean;
  verbose?: boolean;
}

/** Writes the CLI's messages to stderr according to {@link Verbosity}. */
export class Log {
  constructor(private readonly level: Verbosity) {}

  /** Reports a failure about one file (or stdin) as `flowzip: LABEL: message`. */
  fileError(label: string, error: unknown): void {
    this.line(`flowzip: ${label}: ${describeError(error)}`);
    const stack = debugDetails(error);
    if (stack) process.stderr.write(`${stack}\n`);
  }

  /** Reports a failure that concerns no single file. */
  error(error: unknown): void {
    this.line(`flowzip: ${describeError(error)}`);
    const stack = debugDetails(error);
    if (stack) process.stderr.write(`${stack}\n`);
  }

  /** A warning (hidden by --quiet). */
  warn(message: string): void {
    if (!this.level.quiet) this.line(`flowzip: warning: ${message}`);
  }

  /** A detail line (shown with --verbose only, never with --quiet). */
  detail(message: string): void {
    if (this.level.verbose && !this.level.quiet) this.line(message);
  }

  private line(text: string): void {
    process.stderr.write(`${text}\n`);
  }
}
