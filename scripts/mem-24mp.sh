#!/usr/bin/env bash
# Bounded memory (DESIGN.md invariant 5): builds a 24-megapixel RGB photo-like
# PNG from the corpus photos (upscaled, tiled 2×2, light sensor-like noise;
# ImageMagick's /usr/bin/convert), then runs `flowzip compress` and
# `flowzip decompress` on it under `/usr/bin/time -v` and prints the peak RSS
# and wall time of each direction (compress with --method flow, so both
# directions take the image path; then compress again with the default auto). Fails (exit 1) if any peak is over
# LIMIT_KB (default 307,200 kB = 300 MiB, the target of issues 14 and 17) or the round trip is not exact.
#
#   npm run build && bash scripts/mem-24mp.sh
#   WIDTH=2000 HEIGHT=1500 bash scripts/mem-24mp.sh   # a quick, smaller run
#   KEEP=1 … keeps the scratch folder; FLOWZIP_ARGS="--backend wasm" passes options
#
# It takes minutes: the codec runs at roughly 0.1–0.2 megapixels per second.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WIDTH="${WIDTH:-6000}"
HEIGHT="${HEIGHT:-4000}"
LIMIT_KB="${LIMIT_KB:-307200}"
FLOWZIP_ARGS="${FLOWZIP_ARGS:-}"
CONVERT=/usr/bin/convert   # not /usr/local/bin/convert (a stand-in on some machines)
TIME=/usr/bin/time

if [ ! -x "$TIME" ]; then
  echo "mem-24mp: installing GNU time (package 'time')" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -qq time >/dev/null || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq time >/dev/null; }
fi
[ -x "$CONVERT" ] || { echo "mem-24mp: $CONVERT (ImageMagick) is needed" >&2; exit 2; }
[ -f "$ROOT/dist/src/cli/main.js" ] || { echo "mem-24mp: build first (npm run build)" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/flowzip-mem-XXXXXX")"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT

# Four corpus photos, each upscaled to a quarter of the frame, tiled 2×2, plus mild Gaussian noise.
P="$ROOT/corpus/photos"
HW=$((WIDTH / 2)); HH=$((HEIGHT / 2))
"$CONVERT" \
  \( "$P/rgb-ladybird-256x192.png" -resize "${HW}x${HH}!" \) \( "$P/rgb-dandelion-208x160.png" -resize "${HW}x${HH}!" \) +append \
  \( "$P/rgb-hopper-150x97.png" -resize "${HW}x${HH}!" \) \( "$P/rgb-brushes-128x128.png" -resize "${HW}x${HH}!" \) +append \
  -append -attenuate 0.1 +noise Gaussian -depth 8 -strip -type TrueColor "PNG24:$WORK/photo.png"

INPUT_BYTES=$(stat -c %s "$WORK/photo.png")
echo "mem-24mp: input ${WIDTH}x${HEIGHT} RGB PNG ($((WIDTH * HEIGHT)) pixels), $INPUT_BYTES bytes"

# Runs a command under /usr/bin/time -v; sets PEAK_KB and WALL.
measure() {
  local log="$WORK/time.log"
  if ! "$TIME" -v -o "$log" "$@"; then
    echo "mem-24mp: command failed: $*" >&2
    cat "$log" >&2
    exit 1
  fi
  PEAK_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
}

# The command as a user runs it (its shebang sets the V8 flags bin/flowzip.js asks for).
FLOWZIP=("$ROOT/bin/flowzip.js")
# --method flow: the image path in both directions, whatever `auto` would keep for this file.
# shellcheck disable=SC2086
measure "${FLOWZIP[@]}" compress -q -f --method flow $FLOWZIP_ARGS -o "$WORK/photo.png.fz" "$WORK/photo.png"
C_PEAK=$PEAK_KB; C_WALL=$WALL
FZ_BYTES=$(stat -c %s "$WORK/photo.png.fz")
METHOD=$("${FLOWZIP[@]}" info --json "$WORK/photo.png.fz" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const [i]=JSON.parse(s);console.log(i.method+(i.image?`, ${i.image.bpsp.toFixed(3)} bpsp`:""))})')
# shellcheck disable=SC2086
measure "${FLOWZIP[@]}" decompress -q -f $FLOWZIP_ARGS -o "$WORK/back.png" "$WORK/photo.png.fz"
D_PEAK=$PEAK_KB; D_WALL=$WALL
# And the default (auto), which also weighs the stored and brotli candidates.
# shellcheck disable=SC2086
measure "${FLOWZIP[@]}" compress -q -f $FLOWZIP_ARGS -o "$WORK/auto.fz" "$WORK/photo.png"
A_PEAK=$PEAK_KB; A_WALL=$WALL
A_METHOD=$("${FLOWZIP[@]}" info --json "$WORK/auto.fz" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].method))')

# Same pixels, colour type, depth and chunks (the PNG bytes may be re-deflated).
node --input-type=module -e "
import { readFileSync } from 'node:fs';
import { sameContent } from '$ROOT/dist/src/codec/verify.js';
if (!sameContent(readFileSync('$WORK/photo.png'), readFileSync('$WORK/back.png'))) { console.error('mem-24mp: ROUND TRIP FAILED'); process.exit(1); }
"

MP=$(awk "BEGIN { printf \"%.1f\", $WIDTH * $HEIGHT / 1e6 }")
echo "mem-24mp: ${MP} MP, $INPUT_BYTES -> $FZ_BYTES bytes with --method flow ($METHOD)"
printf 'mem-24mp: compress (flow)   peak RSS %8d kB (%6.1f MB), wall %s\n' "$C_PEAK" "$(awk "BEGIN { print $C_PEAK / 1000 }")" "$C_WALL"
printf 'mem-24mp: decompress       peak RSS %8d kB (%6.1f MB), wall %s\n' "$D_PEAK" "$(awk "BEGIN { print $D_PEAK / 1000 }")" "$D_WALL"
printf 'mem-24mp: compress (auto)   peak RSS %8d kB (%6.1f MB), wall %s, kept %s\n' "$A_PEAK" "$(awk "BEGIN { print $A_PEAK / 1000 }")" "$A_WALL" "$A_METHOD"
echo "mem-24mp: round trip exact (same pixels and chunks)"
if [ "$C_PEAK" -gt "$LIMIT_KB" ] || [ "$D_PEAK" -gt "$LIMIT_KB" ] || [ "$A_PEAK" -gt "$LIMIT_KB" ]; then
  echo "mem-24mp: FAIL: peak RSS over the limit of $LIMIT_KB kB" >&2
  exit 1
fi
echo "mem-24mp: PASS (limit $LIMIT_KB kB)"
