#!/usr/bin/env bash
# `mixdown analyze` against `ffmpeg -af ebur128=peak=true` on the same 10-minute stereo 48 kHz
# file, run alternately in one session (release build). Prints each run, the medians, the
# speed ratio and both tools' readings so agreement is visible next to speed.
set -euo pipefail
source "$(dirname "$0")/common.sh"
runs=${RUNS:-5}
input="$work/programme-10min.wav"

make_programme "$input"

echo "input: $input ($(du -h "$input" | cut -f1), $(nproc) cores)"
ours=() theirs=()
for i in $(seq "$runs"); do
  t0=$(now); "$bin" analyze --json "$input" > "$work/mixdown.json"; t1=$(now)
  ffmpeg -nostats -hide_banner -nostdin -i "$input" -af ebur128=peak=true -f null - 2> "$work/ffmpeg.txt"; t2=$(now)
  a=$(awk -v x="$t0" -v y="$t1" 'BEGIN { print y - x }'); b=$(awk -v x="$t1" -v y="$t2" 'BEGIN { print y - x }')
  ours+=("$a"); theirs+=("$b")
  printf 'run %d: mixdown %.3f s   ffmpeg %.3f s\n' "$i" "$a" "$b"
done
m=$(printf '%s\n' "${ours[@]}" | median)
f=$(printf '%s\n' "${theirs[@]}" | median)
printf 'median: mixdown %.3f s   ffmpeg %.3f s   mixdown is %.1fx faster\n' "$m" "$f" "$(awk -v f="$f" -v m="$m" 'BEGIN { print f / m }')"

echo "readings (mixdown):"
grep -E '"(integratedLufs|loudnessRangeLu|truePeakDbtp)"' "$work/mixdown.json" | sed 's/^ */  /'
echo "readings (ffmpeg ebur128):"
grep -E '^ +(I|LRA|Peak):' "$work/ffmpeg.txt" | sed 's/^ */  /'
