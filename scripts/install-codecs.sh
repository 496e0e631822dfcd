#!/bin/sh
# Install the classic codecs used for benchmarks (Debian bookworm packages).
# Idempotent: skips `apt-get update` and the install when every package is
# already installed. Needs root (or sudo).
set -eu
exec "$(dirname "$0")/apt-install.sh" install-codecs libjxl-tools webp libopenjp2-tools optipng zopfli imagemagick xz-utils zstd brotli
