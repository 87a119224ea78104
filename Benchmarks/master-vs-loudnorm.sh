#!/usr/bin/env bash
# `mixdown master --preset streaming` against `ffmpeg -af loudnorm=I=-14:TP=-1` on the same
# 10-minute stereo 48 kHz file (the one analyze-vs-ffmpeg.sh generates), run alternately.
# Both outputs are then measured by ffmpeg's ebur128 (peak=true): speed next to accuracy.
set -euo pipefail
source "$(dirname "$0")/common.sh"
runs=${RUNS:-3}
input="$work/programme-10min.wav"
[ -f "$input" ] || { echo "run Benchmarks/analyze-vs-ffmpeg.sh first (it makes $input)"; exit 1; }
ours=() theirs=()
for i in $(seq "$runs"); do
  t0=$(now); "$bin" master "$input" --preset streaming -o "$work/master-mixdown.wav" > /dev/null; t1=$(now)
  ffmpeg -v error -nostdin -y -i "$input" -af loudnorm=I=-14:TP=-1 -ar 48000 "$work/master-loudnorm.wav"; t2=$(now)
  a=$(awk -v x="$t0" -v y="$t1" 'BEGIN { print y - x }'); b=$(awk -v x="$t1" -v y="$t2" 'BEGIN { print y - x }')
  ours+=("$a"); theirs+=("$b")
  printf 'run %d: mixdown %.2f s   ffmpeg loudnorm %.2f s\n' "$i" "$a" "$b"
done
m=$(printf '%s\n' "${ours[@]}" | median); f=$(printf '%s\n' "${theirs[@]}" | median)
printf 'median: mixdown %.2f s   ffmpeg loudnorm %.2f s   mixdown is %.1fx faster\n' "$m" "$f" "$(awk -v f="$f" -v m="$m" 'BEGIN { print f / m }')"
for out in master-mixdown master-loudnorm; do
  printf '%-16s ' "$out:"
  ffmpeg -nostats -nostdin -i "$work/$out.wav" -af ebur128=peak=true -f null - 2>&1 | grep -E '^ +(I|Peak):' | tr -s ' ' | tr '\n' ' '
  echo
done
