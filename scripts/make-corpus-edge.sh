#!/bin/sh
# shellcheck disable=SC2086  # $STRIP and $GRAY8 hold several options on purpose
# Rebuild corpus/edge/ (edge cases for round-trip tests), deterministically.
# Tools: ImageMagick 6 (/usr/bin/convert) and python3 (standard library only;
# the seeded noise uses a self-contained SplitMix64, not `random`, so it does
# not depend on the Python version).
# Inputs: the photo crops in corpus/photos (made first, by
# scripts/make-corpus-photos.sh, if missing), an ICC profile from the Debian
# package icc-profiles-free, and /usr/share/common-licenses/GPL-3 (base-files).
# At the end it lists every file with its PNG header / PNM header and checks
# the SHA-256 sums recorded below (a mismatch is reported; fatal if STRICT=1).
# The existing-.fz case is added separately by the codec author; this script
# does not touch it (it only writes the files named here).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PHOTOS="$ROOT/corpus/photos"
OUT="$ROOT/corpus/edge"
CACHE=${CORPUS_SRC_CACHE:-/tmp/flowzip-corpus-src}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

IM=/usr/bin/convert
if ! [ -x "$IM" ] || ! "$IM" -version 2>/dev/null | grep -q ImageMagick; then
  $SUDO apt-get install -y imagemagick || { $SUDO apt-get update && $SUDO apt-get install -y imagemagick; }
fi

for f in rgb-ladybird-256x192.png rgb-dandelion-208x160.png rgb-brushes-128x128.png \
         rgb-hopper-150x97.png rgb-pixel2xl-64x64.png gray-apriltag-256x192.png \
         gray-camera-160x120.png gray-gravel-128x128.png; do
  if ! [ -f "$PHOTOS/$f" ]; then "$ROOT/scripts/make-corpus-photos.sh"; break; fi
done

# ICC profile (zlib licence) from icc-profiles-free: installed copy, else
# apt-get download + dpkg -x into the cache.
ICC_REL=/usr/share/color/icc/compatibleWithAdobeRGB1998.icc
if installed icc-profiles-free; then
  ICC=$ICC_REL
else
  if ! [ -f "$CACHE/x/icc-profiles-free/.done" ]; then
    mkdir -p "$CACHE/deb" "$CACHE/x/icc-profiles-free"
    ( cd "$CACHE/deb" && rm -f icc-profiles-free_*.deb &&
      { apt-get download icc-profiles-free >/dev/null 2>&1 ||
        { $SUDO apt-get update >/dev/null && apt-get download icc-profiles-free >/dev/null; }; } )
    dpkg -x "$CACHE/deb/"icc-profiles-free_*.deb "$CACHE/x/icc-profiles-free"
    touch "$CACHE/x/icc-profiles-free/.done"
  fi
  ICC="$CACHE/x/icc-profiles-free$ICC_REL"
fi
[ -f "$ICC" ] || { echo "make-corpus-edge: missing $ICC" >&2; exit 1; }
GPL=/usr/share/common-licenses/GPL-3
[ -f "$GPL" ] || { echo "make-corpus-edge: missing $GPL" >&2; exit 1; }

STRIP="-strip +repage -define png:exclude-chunks=date,time"
RGB8="PNG24:"                                                   # colour type 2, 8-bit
GRAY8="-define png:color-type=0 -define png:bit-depth=8 PNG:"   # colour type 0, 8-bit

mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "make-corpus-edge: writing $OUT"

# --- synthetic rasters: python writes raw PNM, ImageMagick makes the PNG ----
python3 - "$TMP" <<'EOF'
import os, sys
tmp = sys.argv[1]
M64 = (1 << 64) - 1
class SplitMix64:
    def __init__(self, seed): self.s = seed & M64
    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & M64
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)
    def bytes(self, n):
        out = bytearray()
        while len(out) < n: out += self.next().to_bytes(8, 'little')
        return bytes(out[:n])
def pnm(name, w, h, ch, data):
    assert len(data) == w * h * ch
    with open(os.path.join(tmp, name), 'wb') as f:
        f.write(b'P%d\n%d %d\n255\n' % (6 if ch == 3 else 5, w, h)); f.write(bytes(data))
pnm('rgb-1x1.ppm', 1, 1, 3, [200, 100, 50])
pnm('gray-1x37.pgm', 1, 37, 1, [(y * 7) % 256 for y in range(37)])
pnm('gray-37x1.pgm', 37, 1, 1, [(x * 7 + 3) % 256 for x in range(37)])
pnm('rgb-13x7.ppm', 13, 7, 3, [v for y in range(7) for x in range(13)
                               for v in ((x * 19) % 256, (y * 37) % 256, (x * y * 5 + 11) % 256)])
pnm('gray-const0-64x64.pgm', 64, 64, 1, [0] * 4096)
pnm('rgb-const255-64x64.ppm', 64, 64, 3, [255] * (4096 * 3))
pnm('rgb-noise-64x64.ppm', 64, 64, 3, SplitMix64(20240601).bytes(64 * 64 * 3))
pnm('gray-hgrad-256x16.pgm', 256, 16, 1, [x for y in range(16) for x in range(256)])
EOF
$IM "$TMP/rgb-1x1.ppm"            $STRIP ${RGB8}"$OUT/rgb-1x1.png"
$IM "$TMP/gray-1x37.pgm"          $STRIP $GRAY8"$OUT/gray-1x37.png"
$IM "$TMP/gray-37x1.pgm"          $STRIP $GRAY8"$OUT/gray-37x1.png"
$IM "$TMP/rgb-13x7.ppm"           $STRIP ${RGB8}"$OUT/rgb-13x7.png"
$IM "$TMP/gray-const0-64x64.pgm"  $STRIP $GRAY8"$OUT/gray-const0-64x64.png"
$IM "$TMP/rgb-const255-64x64.ppm" $STRIP ${RGB8}"$OUT/rgb-const255-64x64.png"
$IM "$TMP/rgb-noise-64x64.ppm"    $STRIP ${RGB8}"$OUT/rgb-noise-64x64.png"
$IM "$TMP/gray-hgrad-256x16.pgm"  $STRIP $GRAY8"$OUT/gray-hgrad-256x16.png"

# --- alpha ----------------------------------------------------------------
# gray + alpha (colour type 4, 8-bit): gravel crop, alpha = left-to-right ramp.
$IM "$PHOTOS/gray-gravel-128x128.png" -crop 64x64+32+32 +repage \
    \( -size 64x64 gradient:black-white -rotate -90 \) -alpha off -compose CopyOpacity -composite \
    $STRIP -define png:color-type=4 -define png:bit-depth=8 "PNG:$OUT/graya-gravel-64x64.png"
# RGBA (colour type 6, 8-bit): ladybird crop, alpha = top-to-bottom ramp 255..0.
$IM "$PHOTOS/rgb-ladybird-256x192.png" -crop 96x64+96+48 +repage \
    \( -size 96x64 gradient:white-black \) -alpha off -compose CopyOpacity -composite \
    $STRIP "PNG32:$OUT/rgba-ladybird-96x64.png"

# --- palette / low bit depth -------------------------------------------------
# 8-bit palette indices, 64 colours (no dithering).
$IM "$PHOTOS/rgb-dandelion-208x160.png" -crop 96x80+56+40 +repage +dither -colors 64 \
    $STRIP "PNG8:$OUT/pal8-dandelion-96x80.png"
# 4-bit palette indices, 16 colours.
$IM "$PHOTOS/rgb-brushes-128x128.png" -crop 64x64+32+32 +repage +dither -colors 16 \
    $STRIP -define png:color-type=3 -define png:bit-depth=4 "PNG:$OUT/pal4-brushes-64x64.png"
# 1-bit gray (bilevel), threshold at 50 %.
$IM "$PHOTOS/gray-camera-160x120.png" -threshold 50% -type bilevel \
    $STRIP -define png:color-type=0 -define png:bit-depth=1 "PNG:$OUT/gray1-camera-160x120.png"

# --- 16-bit / odd maxval (box-downscaled by 2 in ImageMagick Q16, so the low
#     byte carries real information, not just v*257) ------------------------------
$IM "$PHOTOS/rgb-ladybird-256x192.png" -depth 16 -filter Box -resize 50% \
    $STRIP -depth 16 "PNG48:$OUT/rgb16-ladybird-128x96.png"
$IM "$PHOTOS/gray-apriltag-256x192.png" -depth 16 -filter Box -resize 50% \
    -strip -depth 16 "PGM:$OUT/gray16-apriltag-128x96.pgm"
# 24x16 RGB crop for the PNM-with-comments case.
$IM "$PHOTOS/rgb-hopper-150x97.png" -crop 24x16+60+30 +repage -strip -depth 8 "PPM:$TMP/hopper-24x16.ppm"

# --- containers / chunks --------------------------------------------------------
# Adam7 interlaced PNG (odd size, so the passes have ragged edges).
$IM "$PHOTOS/rgb-hopper-150x97.png" $STRIP -interlace PNG ${RGB8}"$OUT/rgb-interlaced-150x97.png"
# iCCP chunk (a non-sRGB profile, only assigned: pixel values are unchanged).
# -strip would drop the profile at write time in IM6, so the other chunks are
# excluded by name instead (excluding zTXt or "all" also drops iCCP in IM6).
$IM "$PHOTOS/rgb-ladybird-256x192.png" -crop 64x48+96+72 +repage -profile "$ICC" \
    -define png:exclude-chunks=bKGD,cHRM,gAMA,date,time,tEXt,pHYs,oFFs,vpAg ${RGB8}"$OUT/rgb-iccp-64x48.png"
# Base for the tEXt / zTXt case (chunks are inserted by python below).
$IM "$PHOTOS/rgb-pixel2xl-64x64.png" $STRIP ${RGB8}"$TMP/base-text.png"

python3 - "$TMP" "$OUT" "$GPL" <<'EOF'
import os, struct, sys, zlib
tmp, out, gpl = sys.argv[1:4]
M64 = (1 << 64) - 1
class SplitMix64:
    def __init__(self, seed): self.s = seed & M64
    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & M64
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)
    def bytes(self, n):
        b = bytearray()
        while len(b) < n: b += self.next().to_bytes(8, 'little')
        return bytes(b[:n])

def read_pnm(path):
    d = open(path, 'rb').read(); i = 2; vals = []
    while len(vals) < 3:
        while d[i:i+1].isspace(): i += 1
        if d[i:i+1] == b'#':
            while d[i:i+1] not in (b'\n', b'\r'): i += 1
            continue
        j = i
        while not d[j:j+1].isspace(): j += 1
        vals.append(int(d[i:j])); i = j
    return d[:2], vals[0], vals[1], vals[2], d[i+1:]

# PNM with comments in its header (after the magic and before maxval).
magic, w, h, mx, px = read_pnm(os.path.join(tmp, 'hopper-24x16.ppm'))
assert magic == b'P6' and mx == 255
with open(os.path.join(out, 'rgb-comment-24x16.ppm'), 'wb') as f:
    f.write(b'P6\n# flowzip corpus: a comment line after the magic number\n%d %d\n'
            b'# and another one before maxval\n255\n' % (w, h))
    f.write(px)

# PGM with maxval 1000 (2 bytes per sample, big-endian), from the 16-bit PGM.
magic, w, h, mx, px = read_pnm(os.path.join(out, 'gray16-apriltag-128x96.pgm'))
assert magic == b'P5' and mx == 65535 and len(px) == 2 * w * h
v16 = struct.unpack('>%dH' % (w * h), px)
v1000 = [(v * 1000 + 32767) // 65535 for v in v16]
with open(os.path.join(out, 'gray-maxval1000-128x96.pgm'), 'wb') as f:
    f.write(b'P5\n%d %d\n1000\n' % (w, h)); f.write(struct.pack('>%dH' % (w * h), *v1000))

# PNG with tEXt and zTXt chunks, inserted right after IHDR.
def chunk(t, data):
    return struct.pack('>I', len(data)) + t + data + struct.pack('>I', zlib.crc32(t + data) & 0xffffffff)
png = open(os.path.join(tmp, 'base-text.png'), 'rb').read()
assert png[:8] == b'\x89PNG\r\n\x1a\n' and png[12:16] == b'IHDR'
ihdr_end = 8 + 12 + 13
ztext = open(gpl, 'rb').read()[:1500]
extra = (chunk(b'tEXt', b'Title\x00flowzip test corpus: PNG with tEXt and zTXt chunks')
         + chunk(b'tEXt', b'Software\x00scripts/make-corpus-edge.sh')
         + chunk(b'zTXt', b'Comment\x00\x00' + zlib.compress(ztext, 9)))
open(os.path.join(out, 'rgb-text-chunks-64x64.png'), 'wb').write(png[:ihdr_end] + extra + png[ihdr_end:])

# Non-image files.
open(os.path.join(out, 'empty.bin'), 'wb').close()
text = open(gpl, 'rb').read()
cut = text.rfind(b'\n', 0, 4096) + 1          # whole lines, just under 4 KiB
open(os.path.join(out, 'text-gpl3-head.txt'), 'wb').write(text[:cut])
open(os.path.join(out, 'random-4096.bin'), 'wb').write(SplitMix64(0xF10C21B).bytes(4096))
EOF

# --- listing ------------------------------------------------------------------
python3 - "$OUT" <<'EOF'
import os, struct, sys
out = sys.argv[1]
CT = {0: 'gray', 2: 'RGB', 3: 'palette', 4: 'gray+alpha', 6: 'RGBA'}
for n in sorted(os.listdir(out)):
    p = os.path.join(out, n); d = open(p, 'rb').read()
    if d[:8] == b'\x89PNG\r\n\x1a\n':
        w, h, bd, ct, _, _, il = struct.unpack('>IIBBBBB', d[16:29])
        i, names = 8, []
        while i < len(d):
            ln, = struct.unpack('>I', d[i:i+4]); names.append(d[i+4:i+8].decode()); i += 12 + ln
        extra = [c for c in dict.fromkeys(names) if c not in ('IHDR', 'IDAT', 'IEND')]
        print(f"  {n:32s} {len(d):6d} B  PNG {w}x{h} {CT[ct]} {bd}-bit{' interlaced' if il else ''}"
              f"  chunks+: {','.join(extra) or '-'}")
    elif d[:1] == b'P' and d[1:2] in b'56':
        print(f"  {n:32s} {len(d):6d} B  PNM {d[:2].decode()}")
    else:
        print(f"  {n:32s} {len(d):6d} B")
EOF

if command -v sha256sum >/dev/null; then
  if ( cd "$OUT" && sha256sum -c --quiet <<'EOF'
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty.bin
131cbc76a78abe82eb94a832827fa61e67cf4576bfebad72366526b4e367365e  gray-1x37.png
3f88e4ffa823d95e95761d1c8be9d703fd985eab6d2bddf786fc5d370dfb69e3  gray-37x1.png
13d3d2201d1aaf0471ebe8ddd89ff1ac3880465ea9b09136e67a861bdbfb0b09  gray-const0-64x64.png
9bce3aa55dcf459943991107a7976ea011ef7c88a7fdbc8f68a9ca452356355d  gray-hgrad-256x16.png
1bba919a592d03a21db36089866de1f1622c40de11e164a5f162bf36b4c8eeab  gray-maxval1000-128x96.pgm
54f002496e258089440236d7ae936da9e955017b2057f932dc0de64fd5ae3441  gray1-camera-160x120.png
15ad917a58296877d08f5972372d585cfb6e8d99715762e5e093380a3949c733  gray16-apriltag-128x96.pgm
f4d95af0fae10a2a91998390f0342b5817f0cd9b569d9f8be7716b85305fdec1  graya-gravel-64x64.png
9c2f623fc0edc26bcb15bd79c34ae878b7d32b1995e443b9e44c8a6acf417ac3  pal4-brushes-64x64.png
91f63a21088fd504aad48bf7c1dccebed008d2dd332450d191bb302c04950450  pal8-dandelion-96x80.png
2dae48d7a70c656258859d3730c36bc8be03027eec8ed053f9419a626d84d2a7  random-4096.bin
f0eea1eedd2046021b780d4eb144fda342061e637a8a4668153f36de158651fc  rgb-13x7.png
12c9a4d8359dc9c1691233778de36a65369da9c7048ccaadd8052ef66b81a1a9  rgb-1x1.png
9cf4c6c5ccf02e624c9485e79cf4dc6ad952e356a44f70d4de579235cd2fefdb  rgb-comment-24x16.ppm
3c0454ab4ff422ded07e0a9e244d7442839ae96f08060275a9117dcf4d3d560a  rgb-const255-64x64.png
efca625f234ef94432fd10dbb3b9a31a02b948b739c4f636147c3babd8d5bf7e  rgb-iccp-64x48.png
93a821786c046be35e0a25b37156289092c2c0d524fafc53ba4436db54ea399c  rgb-interlaced-150x97.png
3861390248c7d400f906fd7d25bebfec80b7ff13d31b73542c0f1b054c51c108  rgb-noise-64x64.png
827c61b83c01d73814488db0ccf3d8f61b00d0740db279f0fdfacd09a760ebde  rgb-text-chunks-64x64.png
e401814c4e3f6403fc080bdfaf0d4c2a98990a8620c0ea8b073615df6a9f96f8  rgb16-ladybird-128x96.png
4ff190c682376dabd4fcaae8944c06393bf4da97601a17a32f8b88cd0d2fddfc  rgba-ladybird-96x64.png
3556768de613dae1bb5d1b55f65ddc83364250b80d2772f5f94defcef05b7c29  text-gpl3-head.txt
EOF
  ); then
    echo "make-corpus-edge: SHA-256 sums match the recorded ones"
  else
    echo "make-corpus-edge: outputs differ from the recorded SHA-256 (different package versions?)" >&2
    if [ "${STRICT:-0}" = 1 ]; then exit 1; fi
  fi
fi
