#!/usr/bin/env bash
# What hybrid-voice matching costs in a render: Examples/hybrid rendered with the speech cache
# warm (so speech synthesis does not hide it) and cold; the report's timings.hybrid against
# the run's runtimeSeconds.
set -euo pipefail
source "$(dirname "$0")/common.sh"
runs=${RUNS:-5}
export MIXDOWN_CACHE="$work/cache-hybrid"
mkdir -p "$work/hybrid"
for mode in warm cold; do
  shares=() totals=()
  for i in $(seq "$runs"); do
    [ "$mode" = cold ] && rm -rf "$MIXDOWN_CACHE"
    "$bin" render Examples/hybrid/hybrid.json -o "$work/hybrid/" --report "$work/hybrid.json" > /dev/null
    read -r h t < <(python3 -c "import json; r = json.load(open('$work/hybrid.json')); print(r['timings']['hybrid'], r['runtimeSeconds'])")
    shares+=("$(awk -v h="$h" -v t="$t" 'BEGIN { print 100 * h / t }')"); totals+=("$t")
    printf '%s run %d: render %.3f s, hybrid matching %.3f s\n' "$mode" "$i" "$t" "$h"
  done
  printf '%s median: render %.3f s, hybrid matching %.1f %% of it\n' "$mode" \
    "$(printf '%s\n' "${totals[@]}" | median)" "$(printf '%s\n' "${shares[@]}" | median)"
done
