#!/usr/bin/env bash
# Renders the example 30 s spot (Examples/spot30) into out/ as mp3_medium and wav, with its
# report and stems, then shows that it is exactly 30.000 s and where every section landed.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/mixdown
mkdir -p out

$bin render Examples/spot30/spot.json -o out/spot --report out/spot-report.json --stems out/stems

echo "== timeline"
grep -E '"(totalSamples|durationMs)"' out/spot-report.json | sed 's/^ */  /'

echo "== decoded by ffmpeg"
for file in out/spot.wav out/spot.mp3; do
  rate=$(ffprobe -v error -select_streams a:0 -show_entries stream=sample_rate -of csv=p=0 "$file")
  ch=$(ffprobe -v error -select_streams a:0 -show_entries stream=channels -of csv=p=0 "$file")
  bytes=$(ffmpeg -v error -nostdin -i "$file" -f f32le - | wc -c)
  n=$((bytes / 4 / ch))
  printf '  %-14s %6s Hz %s ch %9d samples = %s s\n' "$file" "$rate" "$ch" "$n" "$(awk -v n="$n" -v r="$rate" 'BEGIN { printf "%.3f", n / r }')"
done

echo "== loudness as delivered"
$bin analyze out/spot.mp3 | grep -E "integrated|true peak"
echo "Report: out/spot-report.json   Stems: out/stems/{speech,music,mix}.wav"
