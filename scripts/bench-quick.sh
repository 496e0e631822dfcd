#!/bin/sh
# Build, then run the quick benchmark (eval-A + the first 1000 Fashion-MNIST
# images + their 1120×700 grid) against the classic codecs. Extra arguments go
# to bench/run.ts (see `npm run bench -- --help`). Results: bench/results/.
set -eu
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
exec node dist/bench/run.js --quick "$@"
