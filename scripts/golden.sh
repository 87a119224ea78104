#!/usr/bin/env bash
# Golden outputs for a refactor that must not change what Mixdown makes: renders every example
# (and the batch example, and `master` on the spot) into DIR with a shared speech cache, then
# prints per output the SHA-256 of each WAV's samples and of each report with its run times
# (and its speech cache statistics) removed.
#   bash scripts/golden.sh DIR > before.txt   (on the old code)
#   bash scripts/golden.sh DIR > after.txt    (on the new code, same DIR: the cache is kept)
#   diff before.txt after.txt
# Piper samples noise as it speaks, so the cache (DIR/cache, kept between the two runs) holds
# the takes both runs use; everything else is deterministic.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: golden.sh DIR}
bin=${MIXDOWN_BIN:-.build/release/mixdown}
mkdir -p "$dir/cache"
export MIXDOWN_CACHE="$dir/cache"
out="$dir/out"
rm -rf "$out"; mkdir -p "$out"
render() { # NAME PRODUCTION [args…]
    local name=$1 production=$2; shift 2
    "$bin" render "$production" -o "$out/$name/" --end-format wav --report "$out/$name/report.json" "$@" >/dev/null 2>"$out/$name.stderr" || {
        echo "$name: render failed: $(cat "$out/$name.stderr")"; return 0; }
}
mkdir -p "$out"/{spot30,narration,narration-5min,personalised,hybrid,batch,master}
render spot30 Examples/spot30/spot.json --stems "$out/spot30/stems" --captions vtt
render narration Examples/narration/narration.json
render narration-5min Examples/narration-5min/narration.json
render personalised Examples/personalised/personalised.json --var name=Ada
render hybrid Examples/hybrid/hybrid.json
"$bin" batch Examples/batch/spot.json --audience Examples/batch/audience.csv -o "$out/batch" --end-format wav >/dev/null 2>&1 || echo "batch failed"
"$bin" master "$out/spot30/stems/mix.wav" -o "$out/master/" --end-format wav --end-format mp3_medium --report "$out/master/report.json" >/dev/null 2>&1 || echo "master failed"
"$bin" master "$out/spot30/stems/mix.wav" -o "$out/master/loud" --preset loud --end-format wav --report "$out/master/loud.json" >/dev/null 2>&1 || echo "master loud failed"
# Reports without what varies from run to run (run times, the batch's timestamps).
strip() { python3 -c '
import json, sys
def clean(v):
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items() if k not in ("runtimeSeconds", "timings", "seconds", "finishedAt", "startedAt", "elapsedSeconds", "speech")}
    if isinstance(v, list):
        return [clean(x) for x in v]
    return v
for line in sys.stdin.read().splitlines() if sys.argv[1] == "lines" else [sys.stdin.read()]:
    if line.strip():
        print(json.dumps(clean(json.loads(line)), sort_keys=True))
' "$1"; }
cd "$out"
# WAVs by their samples as ffmpeg decodes them (a float WAV's PEAK chunk holds a timestamp).
for f in $(find . -name '*.wav' | sort); do
    echo "$(ffmpeg -v error -nostdin -i "$f" -f f32le - | sha256sum | cut -c1-64)  $f (samples)"
done
for f in $(find . -name '*.vtt' | sort); do
    echo "$(sha256sum < "$f" | cut -c1-64)  $f"
done
for f in $(find . -name '*.json' -o -name 'manifest.jsonl' | sort); do
    kind=whole; [ "${f##*.}" = jsonl ] && kind=lines
    echo "$(strip $kind < "$f" | sort | sha256sum | cut -c1-64)  $f (run times removed)"
done
