#!/usr/bin/env bash
# Plan + render + master + encode of the 30 s spot (Examples/spot30: mp3_medium and wav),
# release build. Prints each run's wall time and the report's per-stage split, then the
# medians and the share taken by speech synthesis.
set -euo pipefail
source "$(dirname "$0")/common.sh"
# Synthesis is part of what is measured: no speech cache (speech-cache.sh measures warm renders).
export MIXDOWN_CACHE=off
runs=${RUNS:-7}
walls=() speech=()
for i in $(seq "$runs"); do
  t0=$(now)
  "$bin" render Examples/spot30/spot.json -o "$work/spot" --json > "$work/spot-report.json"
  t1=$(now)
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
  s=$(grep -A6 '"timings"' "$work/spot-report.json" | awk -F: '/"speech"/ { gsub(/[ ,]/, "", $2); print $2 }')
  split=$(grep -A6 '"timings"' "$work/spot-report.json" | grep -E '"(speech|plan|render|master|encode)"' | tr -d ' ,\n')
  walls+=("$wall"); speech+=("$s")
  printf 'run %d: %.3f s   %s\n' "$i" "$wall" "$split"
done
w=$(printf '%s\n' "${walls[@]}" | median)
s=$(printf '%s\n' "${speech[@]}" | median)
printf 'median wall time %.3f s; speech synthesis %.3f s (%.0f%% of the render)\n' "$w" "$s" "$(awk -v s="$s" -v w="$w" 'BEGIN { print 100 * s / w }')"
