#!/usr/bin/env bash
# Do two parvis binaries write the same bytes? (not a test: a check for refactors)
#
#   benches/compare_builds.sh OLD_BINARY NEW_BINARY [N]
#
# Builds the example site for every audience (drafts off, then on) and a generated corpus of N
# pages (default 10000, ../shared/bench/gen_corpus.py) with each binary, at the same pinned
# "now" (SOURCE_DATE_EPOCH), and compares the two output trees file by file: names, bytes and
# file counts. Prints one line per site and exits 1 if any tree differs, listing the first
# differences. Refactors that claim "behaviour unchanged" run it with the binary of the commit
# before and after (`cp target/release/parvis /tmp/parvis-old` before switching commits).
# IGNORE (an extended regex) leaves out the differences whose `diff -rq` line matches it, for a
# change meant to alter some files only: IGNORE='search/(d|manifest)' after a search format change.
# SITE=DIR compares that site instead of the generated corpus.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OLD=${1:?usage: compare_builds.sh OLD_BINARY NEW_BINARY [N]}
NEW=${2:?usage: compare_builds.sh OLD_BINARY NEW_BINARY [N]}
N=${3:-10000}
GEN=${GEN:-$HERE/../shared/bench/gen_corpus.py}
ROOT=${BENCH_ROOT:-/tmp}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1795392000}
WORK=$(mktemp -d "$ROOT/parvis-compare.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

corpus=$ROOT/parvis-bench-$N
if [[ ! -f $corpus/site.yaml ]]; then
  [[ -f $GEN ]] || { echo "corpus generator not found at $GEN (set GEN=...)" >&2; exit 2; }
  python3 "$GEN" "$N" "$corpus" --flavor parvis >/dev/null
fi

status=0
# compare NAME SITE ARGS...: builds SITE with both binaries and compares the trees.
compare() {
  local name=$1 site=$2; shift 2
  "$OLD" build "$site" -o "$WORK/$name-old" -q "$@" >/dev/null
  "$NEW" build "$site" -o "$WORK/$name-new" -q "$@" >/dev/null
  local files
  files=$(find "$WORK/$name-old" -type f | wc -l)
  diff -rq "$WORK/$name-old" "$WORK/$name-new" | { if [[ -n ${IGNORE:-} ]]; then grep -vE "$IGNORE"; else cat; fi; } >"$WORK/$name.diff" || true
  if [[ ! -s $WORK/$name.diff ]]; then
    printf '%-28s identical (%s files)%s\n' "$name" "$files" "${IGNORE:+ but for $IGNORE}"
  else
    printf '%-28s DIFFERENT (%s files differ or are missing)\n' "$name" "$(wc -l <"$WORK/$name.diff")"
    head -20 "$WORK/$name.diff"
    status=1
  fi
}

compare example-all-audiences "$HERE/example-site" --all-audiences
compare example-drafts "$HERE/example-site" --all-audiences --drafts
compare "corpus-$N" "${SITE:-$corpus}"
exit $status
