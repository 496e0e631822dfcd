#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/cli by `npm run build` (run automatically by `npm ci`/`npm install`).
// The training code (dist/train, needs @tensorflow/tfjs) is wired in here, outside src/, and loaded only by `flowzip train`.
import { main } from '../dist/src/cli/main.js';
main(process.argv, { loadTrainer: () => import('../dist/train/user-train.js') }).then((code) => {
  process.exitCode = code;
});
