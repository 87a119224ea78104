#!/usr/bin/env bash
# Makes media/testimonial.flac: a synthetic "customer testimonial" that sounds as if it was
# recorded in a small untreated room on a modest microphone. Built only from espeak-ng and
# ffmpeg, with fixed seeds, so every run gives the same file. See README.md for the numbers.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

for tool in espeak-ng ffmpeg ffprobe; do
    command -v "$tool" >/dev/null || { echo "make-recording.sh: $tool is not installed" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

RATE=48000
VOICE="en-gb+m3"        # clearly not the production's en-us voice
WPM=150
GAP=0.4                 # silence between sentences, seconds
LEAD=0.5                # room tone before the first word and after the last, seconds
NOISE_BELOW=32          # room noise RMS, dB below the speech's loudest 400 ms (RMS)
PEAK=-3                 # final sample peak, dBFS
SENTENCES=(
    "I was sceptical at first."
    "Our bill dropped forty pounds."
    "I'm never going back."
)

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }

# Overall astats value (for example "RMS level dB") of a file, with an astats window in seconds.
stat() {
    ffmpeg -nostdin -hide_banner -i "$1" -af "astats=length=$3" -f null - 2>&1 |
        awk -v key="$2:" '/Overall/ { o = 1 } o && index($0, key) { sub(".*" key " *", ""); print; exit }'
}

# 1. Speech: one espeak-ng utterance per sentence, espeak's trailing silence (about 0.39 s)
#    cut, resampled to 48 kHz, joined with GAP seconds of silence, LEAD seconds added at both
#    ends. The cut runs on the reversed clip, which starts in silence; ffmpeg 5.1's
#    silenceremove misbehaves on a clip that starts in sound, so the cut is checked.
duration() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"; }
inputs=() parts=""
n=${#SENTENCES[@]}
for ((i = 0; i < n; i++)); do
    espeak-ng -v "$VOICE" -s "$WPM" -w "$tmp/s$i.wav" "${SENTENCES[$i]}"
    ff -i "$tmp/s$i.wav" -af "areverse,silenceremove=start_periods=1:start_threshold=-60dB,areverse,\
aresample=$RATE:filter_size=64,aformat=sample_fmts=flt:channel_layouts=mono" -c:a pcm_f32le "$tmp/t$i.wav"
    cut=$(awk -v a="$(duration "$tmp/s$i.wav")" -v b="$(duration "$tmp/t$i.wav")" 'BEGIN { print a - b }')
    if awk -v c="$cut" 'BEGIN { exit !(c < 0.2 || c > 0.6) }'; then
        echo "make-recording.sh: cutting espeak's silence from sentence $((i + 1)) removed ${cut} s" >&2; exit 1
    fi
    inputs+=(-i "$tmp/t$i.wav")
    parts+="[$i:a]"
    if (( i < n - 1 )); then parts+="apad=pad_dur=$GAP"; else parts+="anull"; fi
    parts+="[u$i];"
done
concat=""; for ((i = 0; i < n; i++)); do concat+="[u$i]"; done
lead_ms=$(awk -v s="$LEAD" 'BEGIN { printf "%d", s * 1000 }')
ff "${inputs[@]}" -filter_complex \
    "${parts}${concat}concat=n=$n:v=0:a=1,adelay=${lead_ms},apad=pad_dur=$LEAD[out]" \
    -map "[out]" -c:a pcm_f32le "$tmp/dry.wav"

# 2. Room impulse response, 0.4 s: direct sound, three early reflections (4.1, 7.3, 11.9 ms;
#    walls 0.7-2 m away) and a diffuse tail from 3 ms: seeded white noise, low-passed at
#    4.5 kHz (soft furnishings eat the top), under an exponential envelope for RT60 = 0.35 s
#    (amplitude exp(-t * 3 ln10 / 0.35) = exp(-19.737 t), i.e. -60 dB at 0.35 s).
ff -f lavfi -i "anoisesrc=c=white:seed=20240611:r=$RATE:a=1:d=0.4,lowpass=f=4500:poles=2,\
aeval='eq(n\,0)+0.30*eq(n\,197)+0.22*eq(n\,350)+0.18*eq(n\,571)+gte(n\,144)*0.08*val(0)*exp(-19.737*t)'" \
    -c:a pcm_f32le "$tmp/ir.wav"

# The microphone: rolls off the lows at 150 Hz, a broad presence bump (+5 dB at 1.5 kHz,
# 1.5 octaves wide) and little above 5.5 kHz.
MIC="highpass=f=150:poles=2,equalizer=f=1500:width_type=o:width=1.5:g=5,lowpass=f=5500:poles=2"

# 3. Speech in the room, through the microphone.
ff -i "$tmp/dry.wav" -i "$tmp/ir.wav" -filter_complex \
    "[0:a][1:a]afir=gtype=none:dry=1:wet=1,$MIC[out]" -map "[out]" -c:a pcm_f32le "$tmp/speech.wav"

# 4. Room noise for the whole length: seeded pink noise, low-passed at 2.5 kHz (ventilation
#    and traffic rumble rather than hiss), through the same microphone.
samples=$(ffprobe -v error -select_streams a:0 -show_entries stream=duration_ts -of csv=p=0 "$tmp/speech.wav")
ff -f lavfi -i "anoisesrc=c=pink:seed=424242:r=$RATE:a=0.5,atrim=end_sample=$samples,\
lowpass=f=2500:poles=2,$MIC" -c:a pcm_f32le "$tmp/noise.wav"

# 5. Noise level: NOISE_BELOW dB under the speech's loudest 400 ms (RMS).
speech_loud=$(stat "$tmp/speech.wav" "RMS peak dB" 0.4)
noise_rms=$(stat "$tmp/noise.wav" "RMS level dB" 0.4)
noise_gain=$(awk -v s="$speech_loud" -v n="$noise_rms" -v b="$NOISE_BELOW" 'BEGIN { printf "%.3f", s - b - n }')
ff -i "$tmp/speech.wav" -i "$tmp/noise.wav" -filter_complex \
    "[1:a]volume=${noise_gain}dB[n];[0:a][n]amix=inputs=2:normalize=0:duration=first,\
afade=t=in:d=0.02,areverse,afade=t=in:d=0.02,areverse[out]" \
    -map "[out]" -c:a pcm_f32le "$tmp/mix.wav"

# 6. Normalise to a PEAK dBFS sample peak and write 16-bit mono FLAC.
mix_peak=$(stat "$tmp/mix.wav" "Peak level dB" 0.4)
gain=$(awk -v p="$mix_peak" -v t="$PEAK" 'BEGIN { printf "%.3f", t - p }')
mkdir -p media
ff -i "$tmp/mix.wav" -af "volume=${gain}dB" -ac 1 -ar "$RATE" -c:a flac -sample_fmt s16 \
    -map_metadata -1 -fflags +bitexact -flags:a +bitexact "$tmp/testimonial.flac"
mv "$tmp/testimonial.flac" media/testimonial.flac

echo "media/testimonial.flac: speech loudest 400 ms ${speech_loud} dB RMS, noise ${NOISE_BELOW} dB below," \
     "gain ${gain} dB to a ${PEAK} dBFS peak"
