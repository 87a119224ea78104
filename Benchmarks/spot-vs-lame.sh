#!/usr/bin/env bash
# The 30 s spot (Examples/spot30) rendered to mp3_medium with a warm speech cache, against
# LAME alone (ffmpeg's libmp3lame at -q:a 4, what mp3_medium is) encoding the same programme
# from the render's own 44.1 kHz WAV master, alternately, RUNS times (default 10). The ratio
# of the medians says how far a spot's render is from its encoder floor.
set -euo pipefail
source "$(dirname "$0")/common.sh"
runs=${RUNS:-10}
export MIXDOWN_CACHE="$work/spot-lame-cache"
dir="$work/spot-lame"; mkdir -p "$dir"
python3 - "$dir/spot-wav.json" <<'PY'
import json, os, sys
production = json.load(open("Examples/spot30/spot.json"))
production["scriptFile"] = os.path.abspath("Examples/spot30/" + production["scriptFile"])
production["endFormat"] = [{"format": "wav", "sampleRate": 44100, "bitDepth": 16}]
json.dump(production, open(sys.argv[1], "w"))
PY
# The programme LAME encodes, and a warm cache for the renders.
"$bin" render "$dir/spot-wav.json" -o "$dir/programme.wav" > /dev/null
renders=() lames=()
for i in $(seq "$runs"); do
  t0=$(now); "$bin" render Examples/spot30/spot.json --end-format mp3_medium -o "$dir/spot.mp3" > /dev/null; t1=$(now)
  ffmpeg -v error -nostdin -y -i "$dir/programme.wav" -c:a libmp3lame -q:a 4 "$dir/lame.mp3"; t2=$(now)
  renders+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"); lames+=("$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')")
  printf 'run %d: render %.3f s   lame %.3f s\n' "$i" "${renders[-1]}" "${lames[-1]}"
done
r=$(printf '%s\n' "${renders[@]}" | median); l=$(printf '%s\n' "${lames[@]}" | median)
printf 'median: render %.3f s   lame alone %.3f s   render / lame %.2fx\n' "$r" "$l" "$(awk -v r="$r" -v l="$l" 'BEGIN { print r / l }')"
