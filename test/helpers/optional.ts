/**
 * Tests that need a tool the project does not install itself (a classic codec
 * from apt, a second Node binary): they run when it is present, and are
 * skipped with a notice on stderr when it is not, so `npm install && npm test`
 * passes on a fresh machine. `.ci/run` installs every such tool and sets
 * FLOWZIP_CI=1, which makes them required: there a missing tool fails the test.
 */

/** True when such tools must be present (CI). */
export const TOOLS_REQUIRED = process.env.FLOWZIP_CI === '1';

/**
 * Whether a test that needs a tool should be skipped: false when it is
 * present or required; otherwise true, after printing
 * `SKIPPED <test>: <why> (<how to get it>)`.
 */
export function skipWithout(test: string, present: boolean, why: string, how: string): boolean {
  if (present || TOOLS_REQUIRED) return false;
  console.warn(`SKIPPED ${test}: ${why} (${how}; .ci/run installs it)`);
  return true;
}
