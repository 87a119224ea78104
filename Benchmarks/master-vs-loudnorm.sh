#!/usr/bin/env bash
# `mixdown master --preset streaming` against two-pass `ffmpeg -af loudnorm` (measure, then
# normalise with the measured values and linear=true, as a user does) on 1-hour and 3-hour
# stereo 48 kHz inputs (the 10-minute programme looped), one after the other in one run. Each
# side's wall time and peak RSS come from /usr/bin/time; both outputs are then read by
# ffmpeg's ebur128 (peak=true): speed and memory next to accuracy.
# HOURS="1 3" by default; the inputs (0.7 GB an hour) are made once in .build/bench.
set -euo pipefail
source "$(dirname "$0")/common.sh"
hours=${HOURS:-1 3}
make_programme "$work/programme-10min.wav"
# timed COMMAND…: runs it (its stdout discarded) and prints "seconds peak-RSS-KB".
timed() { /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > /dev/null; cat "$work/time.txt"; }
summary=()
for h in $hours; do
  input="$work/programme-${h}h.wav"
  [ -f "$input" ] || ffmpeg -v error -nostdin -y -stream_loop $((h * 6 - 1)) -i "$work/programme-10min.wav" -c copy "$input"
  echo "input: $input ($(du -h "$input" | cut -f1), $(nproc) cores)"
  read -r ours ours_kb < <(timed "$bin" master "$input" --preset streaming -o "$work/master-mixdown-${h}h.wav")
  read -r pass1 pass1_kb < <(timed ffmpeg -nostdin -hide_banner -i "$input" -af loudnorm=I=-14:TP=-1:LRA=11:print_format=json -f null - 2> "$work/loudnorm-pass1.txt")
  sed -n '/^{/,/^}/p' "$work/loudnorm-pass1.txt" > "$work/loudnorm-pass1.json"
  measured=$(python3 -c "
import json; m = json.load(open('$work/loudnorm-pass1.json'))
print('measured_I=%s:measured_TP=%s:measured_LRA=%s:measured_thresh=%s:offset=%s' % (m['input_i'], m['input_tp'], m['input_lra'], m['input_thresh'], m['target_offset']))")
  read -r pass2 pass2_kb < <(timed ffmpeg -v error -nostdin -y -i "$input" -af "loudnorm=I=-14:TP=-1:LRA=11:$measured:linear=true" -ar 48000 "$work/master-loudnorm-${h}h.wav")
  theirs=$(awk -v a="$pass1" -v b="$pass2" 'BEGIN { print a + b }')
  theirs_kb=$(( pass1_kb > pass2_kb ? pass1_kb : pass2_kb ))
  printf '%d h: mixdown %.1f s, peak RSS %d MB   ffmpeg loudnorm (two passes) %.1f s (%.1f + %.1f), peak RSS %d MB   mixdown is %.1fx faster\n' \
    "$h" "$ours" $((ours_kb / 1024)) "$theirs" "$pass1" "$pass2" $((theirs_kb / 1024)) "$(awk -v f="$theirs" -v m="$ours" 'BEGIN { print f / m }')"
  for out in mixdown loudnorm; do
    printf '  %-9s ' "$out:"
    ffmpeg -nostats -nostdin -i "$work/master-$out-${h}h.wav" -af ebur128=peak=true -f null - 2>&1 | grep -E '^ +(I|Peak):' | tr -s ' ' | tr '\n' ' '
    echo
  done
  rm -f "$work/master-mixdown-${h}h.wav" "$work/master-loudnorm-${h}h.wav"
done
