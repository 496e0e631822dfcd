#!/usr/bin/env bash
# The decision set of the causal coder's levers (bench/causal-levers.ts --dir …):
# training-pool images only (shared/data/train-pool.csv), never eval-A or eval-S.
#   python3-skimage  camera, grass, gravel, brick, moon (512×512 lossless gray camera photos)
#   lxqt-themes      flowers.png (lossless camera photo), a 768×512 crop at +1000+600
# Packages are unpacked from Debian's archive (apt-get download; nothing else is fetched).
#
#   bench/make-decision-set.sh [OUT_DIR]      (default /tmp/flowzip-decide; needs ImageMagick's convert)
set -euo pipefail
out="${1:-/tmp/flowzip-decide}"
cache="${FLOWZIP_PKG_CACHE:-/tmp/flowzip-pkg-cache}"
mkdir -p "$out" "$cache/deb" "$cache/x"
unpack() {
  local pkg="$1"
  if [ ! -d "$cache/x/$pkg" ]; then
    (cd "$cache/deb" && { apt-get download -qq "$pkg" 2>/dev/null || { apt-get update -qq && apt-get download -qq "$pkg"; }; })
    dpkg -x "$cache/deb/${pkg}"_*.deb "$cache/x/$pkg"
  fi
}
unpack python3-skimage
unpack lxqt-themes
for f in camera grass gravel brick moon; do
  cp "$cache/x/python3-skimage/usr/lib/python3/dist-packages/skimage/data/$f.png" "$out/$f.png"
done
convert "$cache/x/lxqt-themes/usr/share/lxqt/wallpapers/flowers.png" -crop 768x512+1000+600 +repage -strip "PNG24:$out/flowers-c.png"
ls "$out"
