#!/usr/bin/env bash
# Prepares training images from Debian packages (never from eval-A, never a
# download other than Debian's archive): only rows of train-pool.csv whose
# category starts with "photo". JPEG photos are downscaled with an area (box)
# filter by 2× or more, so their 8×8 block artefacts average away.
#
#   train/prepare-data.sh [OUT_DIR]      (default /tmp/flowzip-train)
#
# Output: OUT_DIR/photo/*.png (8-bit RGB) and OUT_DIR/gray/*.png (8-bit gray).
# Packages are fetched with `apt-get download` and unpacked with `dpkg -x`
# into $FLOWZIP_PKG_CACHE (default /tmp/flowzip-pkg-cache). Deterministic.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pool="${FLOWZIP_TRAIN_POOL:-$here/../../shared/data/train-pool.csv}"
out="${1:-/tmp/flowzip-train}"
cache="${FLOWZIP_PKG_CACHE:-/tmp/flowzip-pkg-cache}"
convert=/usr/bin/convert
[ -x "$convert" ] || { echo "needs ImageMagick: apt-get install -y imagemagick" >&2; exit 1; }
mkdir -p "$out/photo" "$out/gray" "$cache/deb" "$cache/x"

python3 - "$pool" > "$cache/rows.tsv" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r['category'].startswith('photo') and r['category'] != 'photo-jpeg-decoded-in-lossless-file':
        print('\t'.join([r['category'], r['package'].rstrip('*'), r['path'], r['width'] or '0']))
PY

unpack() { # package name (a trailing * in the pool means a versioned name: take the first match)
  local pkg="$1"
  if [ ! -d "$cache/x/$pkg" ]; then
    local name
    name=$(apt-cache pkgnames "$pkg" | sort | head -n 1)
    [ -n "$name" ] || { apt-get update -qq && name=$(apt-cache pkgnames "$pkg" | sort | head -n 1); }
    (cd "$cache/deb" && apt-get download -qq "$name")
    dpkg -x "$cache/deb/${name}"_*.deb "$cache/x/$pkg"
  fi
}

while IFS=$'\t' read -r category pkg path width; do
  unpack "$pkg"
  src="$cache/x/$pkg$path"
  [ -f "$src" ] || { echo "missing $pkg:$path" >&2; continue; }
  base="$(echo "$pkg$path" | tr '/' '_' | sed 's/\.[A-Za-z]*$//')"
  case "$category" in
    photo-jpeg)
      # Downscale by 2× at least; large wallpapers by about 3× and 5× (two images).
      if [ "$width" -ge 1800 ]; then scales="33.333 20"; else scales="50"; fi
      for s in $scales; do
        dst="$out/photo/${base}-s${s%%.*}.png"
        [ -f "$dst" ] || "$convert" "$src" -colorspace sRGB -type TrueColor -filter Box -resize "$s%" -strip "PNG24:$dst"
      done
      ;;
    photo-lossless-tiny-rgb)
      dst="$out/photo/${base}.png"
      [ -f "$dst" ] || "$convert" "$src" -depth 8 -type TrueColor -strip "PNG24:$dst"
      ;;
    photo-lossless-gray)
      dst="$out/gray/${base}.png"
      [ -f "$dst" ] || "$convert" "$src" -depth 8 -colorspace Gray -strip "PNG8:$dst" 2>/dev/null || "$convert" "$src" -depth 8 -colorspace Gray -strip "$dst"
      ;;
  esac
done < "$cache/rows.tsv"
echo "photo: $(ls "$out/photo" | wc -l) files, gray: $(ls "$out/gray" | wc -l) files in $out"
