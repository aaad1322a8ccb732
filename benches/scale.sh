#!/usr/bin/env bash
# Speed at scale, side by side with Hugo (issue 13): not a test, figures.
#
#   benches/scale.sh              1,000 and 10,000 pages: Hugo, Hugo + Pagefind (10k, when
#                                 `pagefind` is installed), parvis
#   benches/scale.sh --big        also 30,000 and 100,000 pages, parvis only (peak memory)
#   benches/scale.sh --big --hugo-100k
#                                 and Hugo at 100,000 pages (about 110 s and 19 GB here)
#   benches/scale.sh --cold       parvis with an empty cache at every run: the warm-up round
#                                 otherwise leaves highlighted code in SITE/.parvis-cache/, and
#                                 the timed runs highlight nothing (as a second build does)
#
# Each size is one round of ../shared/bench/run.sh (round-robin A B C A B C after a warm-up, so
# a drift in machine speed hits every tool alike). The script then prints the issue's table:
# median wall time (min-max) and peak memory per tool, and parvis's ratio to Hugo taken round by
# round, with the machine's load before and after (2 shared cores: read the ratios).
#
# Environment: PARVIS (default: the release binary under $CARGO_TARGET_DIR or target/), RUNS
# (default 3), WARMUP (default 1), BENCH_ROOT (default /tmp), PAGEFIND (default `pagefind`),
# SIZES (overrides the list of sizes, e.g. SIZES="10000"), CACHE_ROOT (parvis's cache folder
# for each site under CACHE_ROOT/<site>/ instead of SITE/.parvis-cache/: a build over 128 MiB of
# Markdown moves its packed bodies to a file there, so with the corpora on tmpfs, a cache on
# disk is what keeps that file out of memory, as on a user's machine).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN=${RUN_SH:-$HERE/../shared/bench/run.sh}
[[ -x $RUN ]] || { echo "run.sh not found at $RUN (set RUN_SH=...)" >&2; exit 2; }

big=0 hugo_100k=0 cold=0
for arg in "$@"; do
  case $arg in
    --big) big=1 ;;
    --cold) cold=1 ;;
    --hugo-100k) hugo_100k=1 ;;
    -h|--help) sed -n '2,24p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

if [[ -z ${PARVIS:-} ]]; then
  for c in "${CARGO_TARGET_DIR:-$HERE/target}/release/parvis" "$HERE/target/release/parvis"; do
    [[ -x $c ]] && { PARVIS=$c; break; }
  done
fi
[[ -n ${PARVIS:-} && -x $PARVIS ]] || {
  echo "no parvis release binary: cargo build --release, or set PARVIS=..." >&2; exit 2; }
ROOT=${BENCH_ROOT:-/tmp}
# run.sh starts `(cd SITE && $PARVIS build)`: a wrapper picks the site's cache folder there
# (CACHE_ROOT), and with --cold empties it first.
if ((cold)) || [[ -n ${CACHE_ROOT:-} ]]; then
  wrapper=$ROOT/parvis-wrapped
  {
    echo '#!/bin/sh'
    if [[ -n ${CACHE_ROOT:-} ]]; then
      printf 'PARVIS_CACHE_DIR=%q/"$(basename "$PWD")"; export PARVIS_CACHE_DIR\n' "$CACHE_ROOT"
      cache='"$PARVIS_CACHE_DIR"'
    else
      cache=.parvis-cache
    fi
    ((cold)) && echo "[ \"\$1\" = build ] && rm -rf $cache"
    printf 'exec %q "$@"\n' "$PARVIS"
  } >"$wrapper"
  chmod +x "$wrapper"
  PARVIS=$wrapper
fi
export PARVIS RUNS=${RUNS:-3} WARMUP=${WARMUP:-1}
PAGEFIND=${PAGEFIND:-pagefind}
have_pagefind=0; command -v "$PAGEFIND" >/dev/null 2>&1 && have_pagefind=1

if [[ -n ${SIZES:-} ]]; then
  read -r -a sizes <<<"$SIZES"
else
  sizes=(1000 10000); ((big)) && sizes+=(30000 100000)
fi

load_before=$(uptime)
for n in "${sizes[@]}"; do
  tools="hugo parvis"
  if ((n == 10000 && have_pagefind)); then tools="hugo hugo+pagefind parvis"; fi
  if ((n > 10000)); then tools="parvis"; fi
  if ((n >= 100000 && hugo_100k)); then tools="hugo parvis"; fi
  echo "== $n pages: $tools" >&2
  TOOLS=$tools "$RUN" "$n" >"$ROOT/bench-$n-scale.log" 2>&1 ||
    { echo "run.sh $n failed: see $ROOT/bench-$n-scale.log" >&2; tail -5 "$ROOT/bench-$n-scale.log" >&2; exit 1; }
done
load_after=$(uptime)

python3 - "$ROOT" "${sizes[@]}" <<'PY'
import os, statistics, sys
root, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]

def cell(rs):
    if not rs:
        return "not run"
    w = [r[0] for r in rs]
    return "%.1f s (%.1f-%.1f), %.2f GB" % (statistics.median(w), min(w), max(w),
                                           statistics.median(r[1] for r in rs) / 1048576)

print("| pages | Hugo (no search) | Hugo + Pagefind | parvis | parvis files per page |")
print("| --- | --- | --- | --- | --- |")
for n in sizes:
    res = os.path.join(root, "bench-%d-results" % n)
    runs, rounds = {}, {}
    for line in open(os.path.join(res, "runs.tsv")):
        tool, rnd, wall, rss, _, _, rc = line.rstrip("\n").split("\t")
        if rnd.startswith("w") or rc != "0":
            continue
        runs.setdefault(tool, []).append((float(wall), int(rss)))
        rounds.setdefault(rnd, {})[tool] = float(wall)
    parvis = cell(runs.get("parvis"))
    ratios = [r["parvis"] / r["hugo"] for r in rounds.values() if "parvis" in r and "hugo" in r]
    if ratios:
        parvis += " (%.2fx Hugo)" % statistics.median(ratios)
    files = "-"
    for line in open(os.path.join(res, "outputs.tsv")):
        tool, rest = line.rstrip("\n").split("\t")
        if tool == "parvis":
            files = "%.2f" % (int(rest.split()[2]) / n)
    print("| %s | %s | %s | %s | %s |" % ("{:,}".format(n), cell(runs.get("hugo")),
                                          cell(runs.get("hugo+pagefind")), parvis, files))
PY
echo
[[ -n ${CACHE_ROOT:-} ]] && echo "parvis: its cache folder under $CACHE_ROOT/<site>/"
if ((cold)); then echo "parvis: cold, its cache emptied before every run"
elif ((WARMUP == 0)); then echo "parvis: no warm-up round: cold on a new corpus, warm on one built before"
else echo "parvis: warm, highlighted code from the cache of the warm-up round (--cold: without)"; fi
echo "load before: $load_before"
echo "load after:  $load_after"
echo "full tables: $ROOT/bench-N-scale.log"
