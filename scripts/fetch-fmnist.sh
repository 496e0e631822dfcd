#!/bin/sh
# Install Fashion-MNIST from the Debian package `dataset-fashion-mnist`
# (idempotent) and print the paths of its files.
# Train on train-*; report on the full 10,000-image t10k-* split.
set -eu

PKG=dataset-fashion-mnist
DIR=/usr/share/datasets/fashion-mnist

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if ! dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "install ok installed"; then
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "$PKG"; then
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "$PKG"
  fi
fi

echo "$PKG $(dpkg-query -W -f='${Version}' "$PKG")"
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz \
         t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  if [ -f "$DIR/$f" ]; then
    echo "$DIR/$f"
  else
    echo "fetch-fmnist: missing $DIR/$f" >&2
    exit 1
  fi
done
