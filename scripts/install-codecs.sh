#!/bin/sh
# Install the classic codecs used for benchmarks (Debian bookworm packages).
# Idempotent: skips `apt-get update` and the install when every package is
# already installed. Needs root (or sudo).
set -eu

PKGS="libjxl-tools webp libopenjp2-tools optipng zopfli imagemagick xz-utils zstd brotli"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  echo "install-codecs: installing:$missing"
  $SUDO apt-get update
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y $PKGS
else
  echo "install-codecs: all present ($PKGS)"
fi

# Report versions.
for p in $PKGS; do
  printf '%-18s %s\n' "$p" "$(dpkg-query -W -f='${Version}' "$p")"
done
