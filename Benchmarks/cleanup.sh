#!/usr/bin/env bash
# Recording clean-up (denoise, dehum, level, trim pauses, declick): the test set of
# Benchmarks/cleanup/make_set.py (speech from Piper and espeak-ng, one through a synthetic room,
# with white/pink/babble noise at 0-20 dB SNR, mains hum, level steps, long pauses, clicks; made
# once in .build/bench/cleanup/set), ffmpeg's afftdn and anlmdn at the best settings of a grid
# search, and `$MIXDOWN clean` when MIXDOWN is set (e.g. MIXDOWN=.build/release/mixdown), scored
# by Benchmarks/cleanup/score.py (SI-SDR, STOI, hum per harmonic, phrase loudness spread, phrases
# kept whole, click residual). Prints the tables and writes .build/bench/cleanup/results.json.
# Arguments go to Benchmarks/cleanup/run.py (--remake makes the set again).
set -euo pipefail
source "$(dirname "$0")/common.sh"
py=.venv/bin/python
if ! [ -x "$py" ] || ! "$py" -c "import numpy, scipy, pystoi" 2>/dev/null || ! [ -x .venv/bin/piper ]; then
  echo "error: .venv needs numpy, scipy, pystoi and piper (make deps installs them)" >&2
  exit 1
fi
exec "$py" Benchmarks/cleanup/run.py --out "$work/cleanup" "$@"
