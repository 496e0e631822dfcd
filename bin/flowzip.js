#!/usr/bin/env -S node --max-semi-space-size=2
// The V8 flag caps the young generation's semi-spaces at 2 MB (V8 lets them grow to 16 MB): on a 24 MP
// photo that took ~40 MB off the peak RSS of `flowzip compress` at no measurable cost in time
// (docs/ARCHITECTURE.md, "Memory"). It applies when flowzip runs as a command (this shebang), not `node bin/flowzip.js`.
// Thin launcher: the CLI is compiled from src/cli by `npm run build` (run automatically by `npm ci`/`npm install`).
// The training code (dist/train, needs @tensorflow/tfjs) is wired in here, outside src/, and loaded only by `flowzip train`.
import { main } from '../dist/src/cli/main.js';
main(process.argv, { loadTrainer: () => import('../dist/train/user-train.js') }).then((code) => {
  process.exitCode = code;
});
