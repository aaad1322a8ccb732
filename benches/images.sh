#!/bin/sh
# Image processing, parvis against Hugo (extended, with WebP), side by side on the same
# N photos of 3000x2000: each resized to 480, 960 and 1600 pixels wide, in WebP and JPEG
# (quality 80). Cold builds start without a cache (parvis's .parvis-cache/, Hugo's
# resources/_gen/); warm builds keep it. Runs alternate A B A B so that a drifting machine
# shows in both columns. Not a test: figures only.
#
#   cargo build --release --example bench_images --bin parvis
#   benches/images.sh 1000          # N defaults to 100; RUNS defaults to 3
set -eu
N=${1:-100}
RUNS=${RUNS:-3}
DIR=${BENCH_ROOT:-/tmp}/parvis-images-$N
BIN=${CARGO_TARGET_DIR:-target}/release
PARVIS=${PARVIS:-$BIN/parvis}
[ -d "$DIR/parvis" ] || "$BIN/examples/bench_images" "$N" "$DIR"
uptime
t() { /usr/bin/time -f "%e s wall, %U+%S s CPU, %M KB peak" "$@" >/dev/null 2>>"$DIR/time.log"; tail -n 1 "$DIR/time.log"; }
for run in $(seq "$RUNS"); do
  rm -rf "$DIR/parvis/.parvis-cache" "$DIR/hugo/resources" "$DIR/hugo/public"
  printf 'run %s  parvis cold: ' "$run"; t "$PARVIS" build "$DIR/parvis" --quiet
  printf 'run %s  hugo   cold: ' "$run"; t hugo -s "$DIR/hugo" --quiet
  printf 'run %s  parvis warm: ' "$run"; t "$PARVIS" build "$DIR/parvis" --quiet
  printf 'run %s  hugo   warm: ' "$run"; t hugo -s "$DIR/hugo" --quiet
done
uptime
