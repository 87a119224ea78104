#!/usr/bin/env bash
# Cold and warm renders (release build) of the 30 s spot and the 5-minute narration (both speak
# with the Piper voice en_US-joe-medium, which `make deps` installs): cold
# starts from an empty speech cache each run, warm renders again with the cache it filled.
# Prints wall time, the report's speech time and cache statistics, the realtime factor of
# synthesis (speech seconds per second of speech produced), and the medians.
set -euo pipefail
source "$(dirname "$0")/common.sh"
runs=${RUNS:-3}
field() { grep -A6 "\"$1\"" "$work/report.json" | awk -F: -v k="\"$2\"" '$1 ~ k { gsub(/[ ,]/, "", $2); print $2; exit }'; }

for production in Examples/spot30/spot.json Examples/narration-5min/narration.json; do
  echo "== $production"
  for mode in cold warm; do
    walls=() speech=()
    cache="$work/cache-$(basename "$production" .json)"
    for i in $(seq "$runs"); do
      [ "$mode" = cold ] && rm -rf "$cache"
      t0=$(now)
      MIXDOWN_CACHE="$cache" "$bin" render "$production" -o "$work/out" --json > "$work/report.json"
      t1=$(now)
      wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
      walls+=("$wall"); speech+=("$(field timings speech)")
      rtf=$(python3 -c "
import json; r = json.load(open('$work/report.json'))
spoken = sum(i['endSample'] - i['startSample'] for s in r['sections'] for i in s['items'] if i['kind'] == 'speech') / 48000
print('%.3f (%.1f s of speech)' % (r['timings']['speech'] / spoken, spoken))")
      printf '  %s run %d: %.2f s wall, speech %.2f s, %s clips, %s from cache, realtime factor %s\n' "$mode" "$i" "$wall" \
        "$(field timings speech)" "$(field speech clips)" "$(field speech cacheHits)" "$rtf"
    done
    printf '  %s median: %.2f s wall, speech %.2f s\n' "$mode" "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${speech[@]}" | median)"
  done
done
