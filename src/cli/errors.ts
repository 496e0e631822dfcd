/**
 * CLI error kinds and how any error becomes the one-line message the user
 * sees (`flowzip: FILE: message`): flowzip's own typed errors keep their
 * message, file-system errors get a readable phrase, anything else is a bug
 * and says so.
 */
import { FlowzipError } from '../codec/index.js';

/** A problem with the command line itself (exit status 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A problem the CLI found with one file (exit status 1; other files go on). */
export class FileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FileError';
  }
}

/** Readable phrases for the file-system error codes a user can run into. */
const FS_MESSAGES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EBUSY: 'resource busy',
  EIO: 'input/output error',
  EPIPE: 'broken pipe',
  EXDEV: 'cross-device link',
  ENOTEMPTY: 'directory not empty',
  ERR_FS_FILE_TOO_LARGE: 'file too large to read into memory',
};

/** True when `FLOWZIP_DEBUG` asks for stack traces. */
export function debugEnabled(): boolean {
  const v = process.env.FLOWZIP_DEBUG;
  return v !== undefined && v !== '' && v !== '0';
}

/**
 * One line describing `error` for the user: never a stack trace, never a
 * newline. Unknown errors are reported as internal errors (they are bugs).
 */
export function describeError(error: unknown): string {
  let message: string;
  if (error instanceof FlowzipError || error instanceof FileError || error instanceof UsageError) {
    message = error.message;
  } else if (isErrnoError(error) && error.code !== undefined && FS_MESSAGES[error.code]) {
    message = FS_MESSAGES[error.code];
  } else if (error instanceof Error) {
    message = `internal error: ${error.message}${debugEnabled() ? '' : ' (set FLOWZIP_DEBUG=1 for details)'}`;
  } else {
    message = `internal error: ${String(error)}`;
  }
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** The stack of an error, when debugging is on and it has one. */
export function debugDetails(error: unknown): string | null {
  if (!debugEnabled() || !(error instanceof Error) || !error.stack) return null;
  const cause = debugDetails(error.cause);
  return cause ? `${error.stack}\ncaused by: ${cause}` : error.stack;
}

/** Wraps a file-system error with the path it concerns: `PATH: no such file or directory`. */
export function withPath(path: string, error: unknown): unknown {
  if (error instanceof FileError || error instanceof FlowzipError || !(error instanceof Error)) return error;
  return new FileError(`${path}: ${describeError(error)}`, { cause: error });
}

function isErrnoError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
