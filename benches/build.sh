#!/usr/bin/env bash
# Full-build benchmark on generated sites (not a test: figures, not pass/fail).
#
#   benches/build.sh [N ...]          default: 1000 10000
#
# Generates a deterministic site of N pages with the shared corpus generator
# (../shared/bench/gen_corpus.py: nested sections, 600-1200 words a page, headings, a table,
# links, a code block in one page of three), builds it with the release binary RUNS times
# (default 3) after one warm-up, and prints the median wall time, pages per second and peak
# memory. For the side-by-side comparison with Hugo, use ../shared/bench/run.sh.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GEN=${GEN:-$HERE/../shared/bench/gen_corpus.py}
RUNS=${RUNS:-3}
ROOT=${BENCH_ROOT:-/tmp}
[[ -f $GEN ]] || { echo "corpus generator not found at $GEN (set GEN=...)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "needs GNU time: apt-get install -y time" >&2; exit 2; }
(cd "$HERE" && cargo build --release --quiet)
BIN=$HERE/target/release/parvis
SIZES=("$@"); [[ ${#SIZES[@]} -gt 0 ]] || SIZES=(1000 10000)

printf '%-8s %10s %12s %12s %10s\n' pages wall_s pages_per_s peak_mib files
for n in "${SIZES[@]}"; do
  site=$ROOT/parvis-bench-$n
  [[ -f $site/site.yaml ]] || python3 "$GEN" "$n" "$site" --flavor parvis >/dev/null
  "$BIN" build "$site" -q >/dev/null 2>&1   # warm-up: file cache, first-touch
  walls=(); mems=()
  for _ in $(seq "$RUNS"); do
    log=$(mktemp)
    start=$(date +%s.%N)
    /usr/bin/time -v "$BIN" build "$site" -q 2>"$log" >/dev/null
    end=$(date +%s.%N)
    walls+=("$(echo "$end - $start" | bc -l)")
    mems+=("$(awk '/Maximum resident set size/ {print $6}' "$log")")
    rm -f "$log"
  done
  wall=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mem=$(printf '%s\n' "${mems[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  files=$(find "$site/public" -type f | wc -l)
  printf '%-8s %10.2f %12.0f %12.0f %10s\n' "$n" "$wall" "$(echo "$n / $wall" | bc -l)" "$(echo "$mem / 1024" | bc -l)" "$files"
done
