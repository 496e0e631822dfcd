#!/bin/sh
# shellcheck disable=SC2086  # $STRIP and $GRAY8 hold several options on purpose
# Rebuild corpus/photos/ (real-photo crops for round-trip tests) from Debian
# bookworm packages. Every source file is a row of
# /work/shared/data/train-pool.csv; nothing comes from eval-A or from the
# unlisted files of the evaluation packages (libjxl-testdata, python3-skimage,
# opencv-doc, cimg-examples).
#
# Packages are fetched with `apt-get download` and unpacked with `dpkg -x`
# into a cache ($CORPUS_SRC_CACHE, default /tmp/flowzip-corpus-src); a package
# that is installed is read from / instead. Nothing is downloaded from
# anywhere but the configured APT archive.
#
# JPEG sources are downscaled by 2x or more with a box (area) filter before
# cropping, to wash out the 8x8 block artefacts.
#
# Output: 8-bit PNG (colour type 2 = RGB or 0 = gray), metadata stripped,
# plus binary PPM/PGM (P6/P5, maxval 255) copies of two of them.
# At the end the script checks the outputs against the SHA-256 sums recorded
# below (made with bookworm's imagemagick 8:6.9.11.60+dfsg-1.6+deb12u15 and
# libjpeg62-turbo); a mismatch is reported, not fatal, unless STRICT=1.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/corpus/photos"
CACHE=${CORPUS_SRC_CACHE:-/tmp/flowzip-corpus-src}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# Real ImageMagick is required (a stand-in `convert` may shadow it on PATH).
IM=/usr/bin/convert
if ! [ -x "$IM" ] || ! "$IM" -version 2>/dev/null | grep -q ImageMagick; then
  $SUDO apt-get install -y imagemagick || { $SUDO apt-get update && $SUDO apt-get install -y imagemagick; }
fi

# pkgroot PKG -> prints the root under which PKG's files lie ("/" if installed).
pkgroot() {
  if installed "$1"; then echo /; return; fi
  if ! [ -f "$CACHE/x/$1/.done" ]; then
    mkdir -p "$CACHE/deb" "$CACHE/x/$1"
    ( cd "$CACHE/deb" && rm -f "$1"_*.deb &&
      { apt-get download "$1" >/dev/null 2>&1 ||
        { $SUDO apt-get update >/dev/null && apt-get download "$1" >/dev/null; }; } )
    dpkg -x "$CACHE/deb/$1"_*.deb "$CACHE/x/$1"
    touch "$CACHE/x/$1/.done"
  fi
  echo "$CACHE/x/$1"
}

pkgversion() {
  if installed "$1"; then dpkg-query -W -f='${Version}' "$1"
  else dpkg-deb -f "$CACHE/deb/$1"_*.deb Version; fi
}

# src PKG PATH -> absolute path of PATH from PKG, after checking the row is in
# the training pool.
POOL=${TRAIN_POOL:-/work/shared/data/train-pool.csv}
src() {
  if [ -f "$POOL" ]; then
    # the row's package column may be a glob (e.g. "lomiri-wallpapers*")
    poolpkg=$(grep -F ",$2," "$POOL" | head -n 1 | cut -d, -f2)
    # shellcheck disable=SC2254
    case "$1" in
      $poolpkg) [ -n "$poolpkg" ] || { echo "make-corpus-photos: $2 is not a train-pool.csv row" >&2; exit 1; } ;;
      *) echo "make-corpus-photos: $1 $2 is not a train-pool.csv row" >&2; exit 1 ;;
    esac
  fi
  r=$(pkgroot "$1")
  f="${r%/}$2"
  [ -f "$f" ] || { echo "make-corpus-photos: missing $f" >&2; exit 1; }
  echo "  $1 $(pkgversion "$1")  $2" >&2
  echo "$f"
}

# Common output options: no metadata, no time/date chunks, no page offset.
STRIP="-strip +repage -define png:exclude-chunks=date,time"
RGB8="PNG24:"                                                          # colour type 2, 8-bit
GRAY8="-define png:color-type=0 -define png:bit-depth=8 PNG:"          # colour type 0, 8-bit

mkdir -p "$OUT"
echo "make-corpus-photos: writing $OUT"

# --- RGB -------------------------------------------------------------------
# 1. lossless RGB photo (CC0), 64x64, kept whole.
s=$(src libjxl-testdata /usr/share/libjxl-testdata/external/raw.pixls/Google-Pixel2XL-16bit_srgb8_v4_krita.png)
$IM "$s" $STRIP ${RGB8}"$OUT/rgb-pixel2xl-64x64.png"

# 2. JPEG 2560x1600 -> box 25% (640x400) -> crop 256x192+320+110.
s=$(src mate-backgrounds /usr/share/backgrounds/mate/nature/LadyBird.jpg)
$IM "$s" -filter Box -resize 25% -crop 256x192+320+110 $STRIP ${RGB8}"$OUT/rgb-ladybird-256x192.png"

# 3. JPEG 5312x2988 -> box 12.5% (664x374) -> crop 208x160+84+28.
s=$(src lomiri-wallpapers-16.04 /usr/share/backgrounds/seeding_by_Clements_Engelhardt.jpg)
$IM "$s" -filter Box -resize 12.5% -crop 208x160+84+28 $STRIP ${RGB8}"$OUT/rgb-dandelion-208x160.png"

# 4. JPEG 1365x1074 -> box 50% (683x537) -> crop 128x128+236+150.
s=$(src lomiri-wallpapers-16.04 /usr/share/backgrounds/Picture_1A_by_freespace.jpg)
$IM "$s" -filter Box -resize 50% -crop 128x128+236+150 $STRIP ${RGB8}"$OUT/rgb-brushes-128x128.png"

# 5. JPEG 512x600 -> box 50% (256x300) -> crop 150x97+40+40 (odd size).
s=$(src python-matplotlib-data /usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg)
$IM "$s" -filter Box -resize 50% -crop 150x97+40+40 $STRIP ${RGB8}"$OUT/rgb-hopper-150x97.png"

# --- gray (lossless sources) -----------------------------------------------
# 6. ViSP camera frame 640x480 -> crop 256x192+100+60.
s=$(src visp-images-data /usr/share/visp-images-data/ViSP-images/AprilTag/AprilTag.pgm)
$IM "$s" -crop 256x192+100+60 $STRIP $GRAY8"$OUT/gray-apriltag-256x192.png"

# 7. ViSP camera frame 384x288 -> crop 150x97+180+60 (odd size).
s=$(src visp-images-data /usr/share/visp-images-data/ViSP-images/cube/image.0001.pgm)
$IM "$s" -crop 150x97+180+60 $STRIP $GRAY8"$OUT/gray-cube-150x97.png"

# 8. scikit-image camera.png 512x512 -> crop 160x120+200+80.
s=$(src python3-skimage /usr/lib/python3/dist-packages/skimage/data/camera.png)
$IM "$s" -crop 160x120+200+80 $STRIP $GRAY8"$OUT/gray-camera-160x120.png"

# 9. scikit-image gravel.png 512x512 (texture) -> crop 128x128+0+0.
s=$(src python3-skimage /usr/lib/python3/dist-packages/skimage/data/gravel.png)
$IM "$s" -crop 128x128+0+0 $STRIP $GRAY8"$OUT/gray-gravel-128x128.png"

# 10. Fashion-MNIST training image 0 (28x28 gray, lossless IDX) -> binary PGM: the shape and
#     statistics the fmnist model codes (black background, sharp edges to near-white).
s=$(src dataset-fashion-mnist /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz)
python3 - "$s" "$OUT/gray-fmnist0-28x28.pgm" <<'PY'
import gzip, struct, sys
d = gzip.open(sys.argv[1]).read()
magic, n, h, w = struct.unpack('>IIII', d[:16])
assert magic == 2051 and (h, w) == (28, 28)
open(sys.argv[2], 'wb').write(b'P5\n28 28\n255\n' + d[16:16 + 28 * 28])
PY

# --- binary PNM copies (P6/P5, maxval 255; ImageMagick writes binary PNM by default)
$IM "$OUT/rgb-ladybird-256x192.png" -strip -depth 8 "PPM:$OUT/rgb-ladybird-256x192.ppm"
$IM "$OUT/gray-apriltag-256x192.png" -strip -depth 8 "PGM:$OUT/gray-apriltag-256x192.pgm"

# --- check -----------------------------------------------------------------
python3 - "$OUT" <<'EOF'
import struct, sys, os
out = sys.argv[1]
for n in sorted(os.listdir(out)):
    p = os.path.join(out, n); d = open(p, 'rb').read()
    if n.endswith('.png'):
        w, h, bd, ct = struct.unpack('>IIBB', d[16:26])
        i, names = 8, []
        while i < len(d):
            ln, = struct.unpack('>I', d[i:i+4]); names.append(d[i+4:i+8].decode()); i += 12 + ln
        extra = sorted(set(names) - {'IHDR', 'IDAT', 'IEND'})
        assert bd == 8 and ct in (0, 2), (n, bd, ct)
        print(f"  {n:28s} {w}x{h} {'RGB' if ct == 2 else 'gray'} 8-bit  extra chunks: {extra or 'none'}")
    else:
        print(f"  {n:28s} header {d[:2].decode()} {d[2:20].split()[:3]}")
EOF

if command -v sha256sum >/dev/null; then
  if ( cd "$OUT" && sha256sum -c --quiet <<'EOF'
7fdffbd2a34860fb6c24d9b3822abd18dff0d8acf47eb24fa09aed917c56adb8  gray-apriltag-256x192.pgm
b45fb9edaa19b625c6ef7ee85ba556e57ff37dd7d8525fa7e08605eb0af736a3  gray-apriltag-256x192.png
e48b06753c1fc8d6c87452d3932914f34cb03a933f79d905aea2a7b81b834490  gray-camera-160x120.png
1abe05768dfe34b885c74d251b16dab4c7a6c96ba4e757d857814fb3525838de  gray-cube-150x97.png
a3ac19cb11897bc2374790010d2780c4bfc50a5fea2b63beb6c20c1f075a39b8  gray-fmnist0-28x28.pgm
ea0b2b5c5f30421c9b8f3a78be27c57875a5d7601ba23085a8d2d61e32c23b29  gray-gravel-128x128.png
aa03b7620a4f6be0a1b06c32b0cb2fe47b88031f49590b7fbc74f37e7a9d5610  rgb-brushes-128x128.png
85a65d2c34c8c9d0775ef4b65e74be073dca0080171876746a3d74c0ea7c264f  rgb-dandelion-208x160.png
1c70133230b4f84fe346a9fba3003e8a70b342bb04b65abd909a9e901bf88bfd  rgb-hopper-150x97.png
9a42a25e9bbb5da0561573bb0f435e086c2f0c40dce0a433e687710723dcfd7c  rgb-ladybird-256x192.png
0262b6283dfc402c279d062e5003e4c26fc582fe35e61be302c3860b92301f6e  rgb-ladybird-256x192.ppm
850fcf4cc334170750a6221646619c850f88af192cf58c2406bd2382235099a0  rgb-pixel2xl-64x64.png
EOF
  ); then
    echo "make-corpus-photos: SHA-256 sums match the recorded ones"
  else
    echo "make-corpus-photos: outputs differ from the recorded SHA-256 (different package versions?)" >&2
    if [ "${STRICT:-0}" = 1 ]; then exit 1; fi
  fi
fi
