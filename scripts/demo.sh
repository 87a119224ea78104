#!/usr/bin/env bash
# The demo until the render pipeline lands: make a 30 s stereo programme, deliver it in every
# end format into out/, and show that each decodes to exactly 30.000 s at its own rate.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/mixdown
mkdir -p out

# A 30.000 s "spot bed": a chord with a bass line and a pulse, slightly different per side.
ffmpeg -v error -nostdin -y -f lavfi -i "aevalsrc=\
0.18*sin(2*PI*220*t)*(0.7+0.3*sin(2*PI*2*t))+0.12*sin(2*PI*277.18*t)+0.1*sin(2*PI*329.63*t)+0.2*sin(2*PI*55*t)*exp(-mod(t\,0.5)*6)|\
0.18*sin(2*PI*220.5*t)*(0.7+0.3*sin(2*PI*2*t+1))+0.12*sin(2*PI*277.18*t)+0.1*sin(2*PI*329.63*t+0.5)+0.2*sin(2*PI*55*t)*exp(-mod(t\,0.5)*6)\
:s=48000:d=30" -c:a pcm_f32le out/demo-input.wav

echo "== analyse the input"
$bin analyze out/demo-input.wav

echo "== deliver every end format"
formats=(wav wav_24 flac ogg opus mp3 mp3_very_low mp3_low mp3_medium mp3_high mp3_very_high mp3_alexa)
args=()
for f in "${formats[@]}"; do args+=(--end-format "$f"); done
$bin encode out/demo-input.wav "${args[@]}" -o out/spot

echo "== decoded by ffmpeg (samples at the format's rate; 30 s exactly)"
for file in out/spot*.*; do
  rate=$(ffprobe -v error -select_streams a:0 -show_entries stream=sample_rate -of csv=p=0 "$file")
  ch=$(ffprobe -v error -select_streams a:0 -show_entries stream=channels -of csv=p=0 "$file")
  bytes=$(ffmpeg -v error -nostdin -i "$file" -f f32le - | wc -c)
  printf '%-28s %6s Hz %s ch %9d samples = %s s\n' "$file" "$rate" "$ch" $((bytes / 4 / ch)) \
    "$(awk -v n=$((bytes / 4 / ch)) -v r="$rate" 'BEGIN { printf "%.3f", n / r }')"
done

echo "== analyse the MP3 and the WAV as delivered"
$bin analyze out/spot.mp3 out/spot.wav
