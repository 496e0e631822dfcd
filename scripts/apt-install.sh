#!/bin/sh
# Install Debian packages unless they are all installed already (then no
# `apt-get update` either), and print their versions. Needs root (or sudo).
#   scripts/apt-install.sh LABEL [--no-install-recommends] PKG...
set -eu

LABEL="$1"
shift
FLAGS=""
if [ "${1:-}" = "--no-install-recommends" ]; then FLAGS="$1"; shift; fi
PKGS="$*"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  echo "$LABEL: installing:$missing"
  $SUDO apt-get update
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y $FLAGS $PKGS
else
  echo "$LABEL: all present ($PKGS)"
fi

for p in $PKGS; do
  printf '%-18s %s\n' "$p" "$(dpkg-query -W -f='${Version}' "$p")"
done
