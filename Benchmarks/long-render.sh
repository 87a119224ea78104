#!/usr/bin/env bash
# Long renders, release build: a generated narration of DURATION_MIN minutes (default 60) and
# a forceLength bed of DURATION2_MIN minutes (default 120), both over the `corporate` template
# (balanced, podcast, mp3_high + wav). Prints wall time and peak memory (/usr/bin/time %M)
# of a cold and warm narration render and of the bed, next to the ffmpeg pipeline a user
# would otherwise build from the same speech and music stems (sidechaincompress + amix +
# loudnorm, MP3 V2 at 44.1 kHz + 16-bit WAV at 48 kHz), then the loudness of both tools'
# files by ffmpeg's ebur128, and the 30 s spot's warm render against LAME alone at -V 4.
#
#   DURATION_MIN=60 DURATION2_MIN=120 RUNS=1 RUNS_SPOT=5 bash Benchmarks/long-render.sh
#
# Everything lives in $work/long (generated productions, outputs, stems, reports); the speech
# cache there is emptied at the start so that the first render is cold. At 60/120 minutes the
# WAVs and float stems take about 8 GB.
# WPM (default 190) is the generator's words per target minute: en-gb espeak-ng at speed 1,
# with the breaks and the tail, comes out at about 190 words per rendered minute here.
# The ffmpeg pipeline starts from mixdown's stems, so it does no synthesis and no bus
# rendering, and its music stem is already ducked and at the preset's bed level (the
# stems are written after Mixdown's own duck): it measures the cost of mixing, loudness
# normalisation and delivery, not an identical mix.
set -euo pipefail
source "$(dirname "$0")/common.sh"
minutes=${DURATION_MIN:-60}
bed_minutes=${DURATION2_MIN:-120}
runs=${RUNS:-1}
runs_spot=${RUNS_SPOT:-5}
wpm=${WPM:-190}
long="$work/long"
# The podcast loudness preset (Sources/MixdownScript/Production.swift, docs/mastering.md).
target_i=-16 target_tp=-1

rm -rf "$long/out" "$long/stems" "$long/ffmpeg" "$long/lame" "$long/times" "$long/reports" "$long/cache"
mkdir -p "$long/out" "$long/stems" "$long/ffmpeg" "$long/lame" "$long/times" "$long/reports" "$work/spot"
export MIXDOWN_CACHE="$long/cache"

# timed NAME CMD...: runs CMD under /usr/bin/time into $long/times/NAME ("12.34 s 567890 KB").
timed() { local name=$1; shift; /usr/bin/time -o "$long/times/$name" -f '%e s %M KB' "$@"; }
wall() { tail -1 "$long/times/$1" | awk '{ print $1 }'; }
mb() { tail -1 "$long/times/$1" | awk '{ printf "%.0f", $3 / 1024 }'; }
# report FILE EXPR: a Python expression over the report `d`.
report() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# loudness FILE: "I TP" from ffmpeg's ebur128 summary.
loudness() {
  ffmpeg -hide_banner -nostats -nostdin -i "$1" -af ebur128=peak=true -f null - 2>&1 |
    awk '/Summary:/ { s = 1 } s && $1 == "I:" { i = $2 } s && $1 == "Peak:" { p = $2 } END { print i, p }'
}

echo "== generating ($minutes min narration at $wpm words/min, $bed_minutes min bed) into $long"
python3 Benchmarks/gen-long-production.py narration --minutes "$minutes" --wpm "$wpm" --out "$long"
python3 Benchmarks/gen-long-production.py bed --minutes "$bed_minutes" --out "$long"
narration="$long/narration.json" bed="$long/bed.json"

echo "== cold narration render (empty speech cache)"
timed cold "$bin" render "$narration" -o "$long/out/" --json > "$long/reports/cold.json"
duration=$(report "$long/reports/cold.json" 'd["durationMs"] / 60000')
clips=$(report "$long/reports/cold.json" 'd["speech"]["clips"]')
sections=$(report "$long/reports/cold.json" 'len(d["sections"])')
cold_speech=$(report "$long/reports/cold.json" 'round(d["timings"]["speech"], 2)')
printf '  %.2f min rendered, %d sections, %d clips: %s s wall, %s MB peak, speech %s s\n' \
  "$duration" "$sections" "$clips" "$(wall cold)" "$(mb cold)" "$cold_speech"

echo "== preparation, untimed: bed and spot speech into the cache, narration stems, spot at 44.1 kHz"
"$bin" render "$long/bed-warm.json" -o "$long/out/" > /dev/null
"$bin" render "$narration" -o "$long/stems/" --stems "$long/stems" > /dev/null
"$bin" render Examples/spot30/spot.json -o "$work/spot/" > /dev/null
ffmpeg -v error -nostdin -y -i "$work/spot/spot.wav" -ar 44100 -c:a pcm_s16le "$long/lame/spot-44k.wav"
ls "$long/stems/speech.wav" "$long/stems/music.wav" > /dev/null

graph="[1:a][0:a]sidechaincompress=threshold=0.02:ratio=6:attack=20:release=400[ducked];"
graph+="[0:a][ducked]amix=inputs=2:normalize=0[mix];[mix]loudnorm=I=$target_i:TP=$target_tp:LRA=11[norm];"
graph+="[norm]asplit=2[a][b];[a]aresample=44100[a44]"
ffmpeg_pipeline=(ffmpeg -nostdin -hide_banner -nostats -v error -y -i "$long/stems/speech.wav" -i "$long/stems/music.wav"
  -filter_complex "$graph"
  -map '[a44]' -c:a libmp3lame -q:a 2 "$long/ffmpeg/out.mp3"
  -map '[b]' -ar 48000 -c:a pcm_s16le "$long/ffmpeg/out.wav")

echo "== timed, alternately: warm narration render, ${bed_minutes} min bed render, ffmpeg pipeline"
w_walls=() w_mbs=() b_walls=() b_mbs=() f_walls=() f_mbs=()
for i in $(seq "$runs"); do
  timed "warm$i" "$bin" render "$narration" -o "$long/out/" --json > "$long/reports/warm.json"
  timed "bed$i" "$bin" render "$bed" -o "$long/out/" --json > "$long/reports/bed.json"
  timed "ffmpeg$i" "${ffmpeg_pipeline[@]}"
  w_walls+=("$(wall "warm$i")") w_mbs+=("$(mb "warm$i")")
  b_walls+=("$(wall "bed$i")") b_mbs+=("$(mb "bed$i")")
  f_walls+=("$(wall "ffmpeg$i")") f_mbs+=("$(mb "ffmpeg$i")")
  printf '  run %d: narration %s s %s MB (%s/%s clips from cache)   bed %s s %s MB (%s/%s)   ffmpeg %s s %s MB\n' "$i" \
    "$(wall "warm$i")" "$(mb "warm$i")" \
    "$(report "$long/reports/warm.json" 'd["speech"]["cacheHits"]')" "$(report "$long/reports/warm.json" 'd["speech"]["clips"]')" \
    "$(wall "bed$i")" "$(mb "bed$i")" \
    "$(report "$long/reports/bed.json" 'd["speech"]["cacheHits"]')" "$(report "$long/reports/bed.json" 'd["speech"]["clips"]')" \
    "$(wall "ffmpeg$i")" "$(mb "ffmpeg$i")"
done
# The same bed at the narration's length: memory should not grow with the programme.
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d["forceLength"] = int(sys.argv[3]) * 60; json.dump(d, open(sys.argv[2], "w"), indent=2)' \
  "$bed" "$long/bed-short.json" "$minutes"
timed bedshort "$bin" render "$long/bed-short.json" -o "$long/out/" --json > /dev/null
printf '  bed at %s min: %s s %s MB\n' "$minutes" "$(wall bedshort)" "$(mb bedshort)"
med() { printf '%s\n' "$@" | median; }
w_wall=$(med "${w_walls[@]}") w_mb=$(med "${w_mbs[@]}")
b_wall=$(med "${b_walls[@]}") b_mb=$(med "${b_mbs[@]}")
f_wall=$(med "${f_walls[@]}") f_mb=$(med "${f_mbs[@]}")
bed_duration=$(report "$long/reports/bed.json" 'd["durationMs"] / 60000')
warm_split=$(report "$long/reports/warm.json" '"  ".join("%s %.2f" % (k, d["timings"][k]) for k in ["speech", "render", "master", "encode"])')
bed_split=$(report "$long/reports/bed.json" '"  ".join("%s %.2f" % (k, d["timings"][k]) for k in ["speech", "render", "master", "encode"])')
printf '  median: narration %s s %s MB   bed %s s %s MB   ffmpeg %s s %s MB\n' "$w_wall" "$w_mb" "$b_wall" "$b_mb" "$f_wall" "$f_mb"
printf '  last narration report (s): %s\n  last bed report (s):       %s\n' "$warm_split" "$bed_split"

echo "== loudness (ffmpeg ebur128=peak=true; target $target_i LUFS, $target_tp dBTP)"
read -r m_mp3_i m_mp3_tp <<< "$(loudness "$long/out/narration.mp3")"
read -r m_wav_i m_wav_tp <<< "$(loudness "$long/out/narration.wav")"
read -r f_mp3_i f_mp3_tp <<< "$(loudness "$long/ffmpeg/out.mp3")"
read -r f_wav_i f_wav_tp <<< "$(loudness "$long/ffmpeg/out.wav")"
printf '  %-6s %-28s %s\n' "" "mixdown" "ffmpeg pipeline"
printf '  %-6s %-28s %s\n' MP3 "$m_mp3_i LUFS, $m_mp3_tp dBTP" "$f_mp3_i LUFS, $f_mp3_tp dBTP"
printf '  %-6s %-28s %s\n' WAV "$m_wav_i LUFS, $m_wav_tp dBTP" "$f_wav_i LUFS, $f_wav_tp dBTP"

echo "== 30 s spot (warm cache, mp3_medium + wav) against LAME -V 4 on the same 30 s, alternately"
if command -v lame > /dev/null; then
  encoder="lame --silent -V 4"
  encode() { lame --silent -V 4 "$long/lame/spot-44k.wav" "$long/lame/spot.mp3"; }
else
  encoder="ffmpeg libmp3lame -q:a 4 (lame not installed)"
  encode() { ffmpeg -v error -nostdin -y -i "$long/lame/spot-44k.wav" -c:a libmp3lame -q:a 4 "$long/lame/spot.mp3"; }
fi
s_walls=() l_walls=()
for i in $(seq "$runs_spot"); do
  t0=$(now); "$bin" render Examples/spot30/spot.json -o "$work/spot/" > /dev/null; t1=$(now)
  encode; t2=$(now)
  a=$(awk -v x="$t0" -v y="$t1" 'BEGIN { print y - x }'); b=$(awk -v x="$t1" -v y="$t2" 'BEGIN { print y - x }')
  s_walls+=("$a") l_walls+=("$b")
  printf '  run %d: render %.3f s   %s %.3f s\n' "$i" "$a" "${encoder%% (*}" "$b"
done
s_wall=$(med "${s_walls[@]}") l_wall=$(med "${l_walls[@]}")
printf '  median: render %.3f s   encoder %.3f s   render/encoder %.1fx\n' "$s_wall" "$l_wall" "$(div "$s_wall" "$l_wall")"

cat <<EOF

== summary ($(date -u +%F), $(nproc) cores, release build, RUNS=$runs, RUNS_SPOT=$runs_spot)
narration production: target $minutes min, rendered $(printf '%.2f' "$duration") min, $sections sections, $clips clips, corporate, balanced, podcast, mp3_high + wav
narration cold render: $(wall cold) s wall, $(mb cold) MB peak, speech $cold_speech s
narration warm render: $w_wall s wall, $w_mb MB peak
bed render (forceLength $bed_minutes min, rendered $(printf '%.2f' "$bed_duration") min, warm): $b_wall s wall, $b_mb MB peak
bed render (forceLength $minutes min, warm): $(wall bedshort) s wall, $(mb bedshort) MB peak
peak memory ratio bed $bed_minutes min / bed $minutes min: $(div "$b_mb" "$(mb bedshort)"); bed $bed_minutes min / narration $minutes min: $(div "$b_mb" "$w_mb")
ffmpeg pipeline on the narration stems (sidechaincompress + amix + loudnorm, mp3 V2 + wav): $f_wall s wall, $f_mb MB peak
narration warm render / ffmpeg pipeline: wall $(div "$w_wall" "$f_wall")x, peak memory $(div "$w_mb" "$f_mb")x
loudness mixdown mp3: I $m_mp3_i LUFS, true peak $m_mp3_tp dBTP
loudness mixdown wav: I $m_wav_i LUFS, true peak $m_wav_tp dBTP
loudness ffmpeg mp3: I $f_mp3_i LUFS, true peak $f_mp3_tp dBTP
loudness ffmpeg wav: I $f_wav_i LUFS, true peak $f_wav_tp dBTP
spot render (30 s, warm, mp3_medium + wav): median $(printf '%.3f' "$s_wall") s
$encoder on the spot (30 s, 44.1 kHz 16-bit): median $(printf '%.3f' "$l_wall") s
spot render / encoder: $(div "$s_wall" "$l_wall")x
EOF
