# Shared by the benchmark scripts: the release binary, a work folder, a clock and a median.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=.build/release/mixdown
work=.build/bench
mkdir -p "$work"
now() { date +%s.%N; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# The 10-minute stereo 48 kHz test programme several benchmarks share, made once.
# Music-like: a chord progression with a pulsing bass, broadband noise for density, a slow
# level arc (so LRA is not zero), stereo detuning. 16-bit, as delivered programmes are.
make_programme() {
  [ -f "$1" ] && return 0
  ffmpeg -v error -nostdin -y \
    -f lavfi -i "aevalsrc=\
(0.16*sin(2*PI*220*t)+0.1*sin(2*PI*277.18*t+1)+0.08*sin(2*PI*329.63*t)+0.22*sin(2*PI*55*t)*exp(-mod(t\,0.5)*7))*(0.65+0.35*sin(2*PI*t/45))|\
(0.16*sin(2*PI*220.4*t)+0.1*sin(2*PI*277.18*t)+0.08*sin(2*PI*330.1*t+2)+0.22*sin(2*PI*55*t)*exp(-mod(t\,0.5)*7))*(0.65+0.35*sin(2*PI*t/45))\
:s=48000:d=600" \
    -f lavfi -i "anoisesrc=c=pink:r=48000:a=0.05:d=600" \
    -filter_complex "[1:a]aformat=channel_layouts=stereo[n];[0:a][n]amix=inputs=2:normalize=0" \
    -c:a pcm_s16le "$1"
}
