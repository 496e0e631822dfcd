#!/usr/bin/env bash
# Lossless camera photos from Debian packages (never eval-A's packages, never a
# download other than Debian's archive), for training beside the JPEG-derived
# photos of prepare-data.sh:
#   lxqt-themes     flowers.png (3000×1993, Pentax K-7; LGPL-2.1+)
#   stellarium-data landscape panoramas (GPL-2+); their skies are transparent,
#                   so each is cut to its largest fully opaque rectangle
#                   (train/opaque-crop.ts; ones without a 64×64 one are left out)
# Chosen by a survey of bookworm main: PNGs of camera photos with no 8×8 JPEG
# grid in their gradients (MODELS.md). lxqt's Valendas.png is left out (its
# EXIF says CC BY-NC-SA), and so are its wallpapers with a JPEG grid; of the
# Stellarium landscapes, grossmugl (few colours: processed), hurricaneb (a
# warped ground projection) and trees (its opaque part is near-uniform ground).
#
#   train/prepare-lossless-photos.sh [OUT_DIR]      (default /tmp/flowzip-train; needs `npm run build`)
#
# Output: OUT_DIR/photo-lossless/*.png (8-bit RGB), and OUT_DIR/photo-plus/
# with links to those and to OUT_DIR/photo/*.png (run prepare-data.sh first).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-/tmp/flowzip-train}"
cache="${FLOWZIP_PKG_CACHE:-/tmp/flowzip-pkg-cache}"
crop="$here/../dist/train/opaque-crop.js"
[ -f "$crop" ] || { echo "needs the build: npm run build" >&2; exit 1; }
[ -d "$out/photo" ] || { echo "run train/prepare-data.sh first ($out/photo is missing)" >&2; exit 1; }
mkdir -p "$out/photo-lossless" "$out/photo-plus" "$cache/deb" "$cache/x"

unpack() {
  local pkg="$1"
  if [ ! -d "$cache/x/$pkg" ]; then
    (cd "$cache/deb" && { apt-get download -qq "$pkg" 2>/dev/null || { apt-get update -qq && apt-get download -qq "$pkg"; }; })
    dpkg -x "$cache/deb/${pkg}"_*.deb "$cache/x/$pkg"
  fi
}

files=(
  lxqt-themes:/usr/share/lxqt/wallpapers/flowers.png
)
land=/usr/share/stellarium/landscapes
for f in garching/garching-gl{1,2,3,4} garching/garching-ground3 \
         guereins/guereins{1,2,3,4,5,6,7,8} hurricane/hurricane{1,2,3,4,5,6,7,8} \
         mars/mars; do
  files+=("stellarium-data:$land/$f.png")
done

for entry in "${files[@]}"; do
  pkg="${entry%%:*}" path="${entry#*:}"
  unpack "$pkg"
  src="$cache/x/$pkg$path"
  [ -f "$src" ] || { echo "missing $pkg:$path" >&2; continue; }
  dst="$out/photo-lossless/$(echo "$pkg$path" | tr '/' '_' | sed 's/\.png$//').png"
  [ -f "$dst" ] || node "$crop" "$src" "$dst" 64 >/dev/null || true
done
for f in "$out/photo"/*.png "$out/photo-lossless"/*.png; do ln -sf "$f" "$out/photo-plus/$(basename "$f")"; done
echo "photo-lossless: $(ls "$out/photo-lossless" | wc -l) files; photo-plus: $(ls "$out/photo-plus" | wc -l) files in $out"
