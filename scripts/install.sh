#!/usr/bin/env bash
# `make install PREFIX=…` (after the build): everything a render needs, under PREFIX, found by
# the binary from its own location (PREFIX/bin/mixdown → PREFIX/share/mixdown, PREFIX/lib/mixdown):
#
#   PREFIX/bin/mixdown                              the program
#   PREFIX/share/mixdown/SoundTemplates/NAME/       the template library
#   PREFIX/share/mixdown/voices/VOICE/VOICE.onnx    the neural voices (with .onnx.json, MODEL_CARD)
#   PREFIX/lib/mixdown/venv/                        Piper's runtime: a Python environment of its own
#
# Piper's runtime is a fresh virtual environment made with the interpreter the checkout's
# .venv was made with, holding the distributions of scripts/requirements-voices.txt copied
# from that .venv (the pinned versions `make deps` installed; no network). A copied venv is
# not used: its scripts and paths point at the checkout. Without Piper in .venv, Mixdown is
# installed without neural voices, and a production that names one is refused.
#
# Usage: install.sh PREFIX [BINARY]. DESTDIR (optional) stages the tree for a package: files
# go to DESTDIR/PREFIX and work once moved to PREFIX. Installing again replaces the templates,
# the voices and the runtime.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${1:-}"
binary="${2:-.build/release/mixdown}"
case "$prefix" in
  /*) ;;
  *) echo "install: PREFIX must be an absolute path (got '${prefix}')" >&2; exit 2 ;;
esac
prefix="${prefix%/}"
[ -x "$binary" ] || { echo "install: no built binary at $binary: run make build (or make install)" >&2; exit 1; }
root="${DESTDIR:-}$prefix"
share="$root/share/mixdown"
lib="$root/lib/mixdown"

install -d "$root/bin" "$share" "$lib"
# The binary: a copy beside the old one, then renamed over it (a running mixdown keeps its file).
install -m 755 "$binary" "$root/bin/.mixdown.new"
mv -f "$root/bin/.mixdown.new" "$root/bin/mixdown"

# Templates: every folder of SoundTemplates/ with a manifest (not the generator's sources).
rm -rf "$share/SoundTemplates"
install -d "$share/SoundTemplates"
count=0
for dir in SoundTemplates/*/; do
  name="$(basename "$dir")"
  [ -f "$dir/template.json" ] || continue
  install -d "$share/SoundTemplates/$name"
  find "$dir" -maxdepth 1 -type f -exec install -m 644 {} "$share/SoundTemplates/$name/" \;
  count=$((count + 1))
done
echo "installed $root/bin/mixdown and $count templates in $share/SoundTemplates"

# Piper: its runtime and the voices, from the checkout's .venv.
rm -rf "$share/voices" "$lib/venv"
if ! [ -x .venv/bin/python ] || ! .venv/bin/python -c 'import piper, onnxruntime' 2>/dev/null; then
  echo "notice: Piper is not in .venv (make deps installs it when PyPI is reachable): installed without neural voices" >&2
  exit 0
fi
python="$(readlink -f .venv/bin/python)"
"$python" -m venv --without-pip "$lib/venv"
site="$("$lib/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
# Each pinned distribution's files as its RECORD lists them (those inside site-packages; its
# console scripts are not needed: Mixdown runs the interpreter), times kept so that the
# compiled modules stay valid. Voice packages go to voices/.
.venv/bin/python - "$site" "$share/voices" scripts/requirements-voices.txt <<'PY'
import importlib.metadata as metadata, os, shutil, sys

site, voices, requirements = sys.argv[1:4]
names = [line.split("==")[0].strip() for line in open(requirements) if line.strip() and not line.lstrip().startswith("#")]
copied = 0
for name in names:
    dist = metadata.distribution(name)
    files = [f for f in (dist.files or []) if not str(f).startswith("..")]
    if name.endswith("-piper-voice"):
        for f in files:
            path = str(f)
            if path.endswith(".onnx"):
                voice = os.path.basename(path)[:-len(".onnx")]
                target = os.path.join(voices, voice)
                os.makedirs(target, exist_ok=True)
                source = os.path.dirname(str(dist.locate_file(f)))
                for extra in (voice + ".onnx", voice + ".onnx.json", "MODEL_CARD"):
                    if os.path.exists(os.path.join(source, extra)):
                        shutil.copyfile(os.path.join(source, extra), os.path.join(target, extra))
                print("installed the voice %s in %s" % (voice, target))
        continue
    for f in files:
        source = str(dist.locate_file(f))
        if not os.path.isfile(source):
            continue
        target = os.path.join(site, str(f))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target)
        copied += 1
print("installed Piper's runtime (%d files of %d distributions) in %s" % (copied, len(names), os.path.dirname(os.path.dirname(os.path.dirname(site)))))
PY
# SVOX Pico (ttspico, built from source): its compiled module and metadata, which its record
# does not list, and its voice files, which pip puts in the environment's own languages/
# folder outside site-packages, where ttspico looks for them.
venv_site="$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
for f in "$venv_site"/ctts*.so "$venv_site"/ttspico.py "$venv_site"/ttspico-*-info; do
  if [ -e "$f" ]; then cp -rp "$f" "$site/"; fi
done
if [ -d .venv/languages ]; then cp -r .venv/languages "$lib/venv/languages"; fi
# The runtime must load Piper and onnxruntime as the engine will (or the install fails here).
"$lib/venv/bin/python" -c 'import piper, onnxruntime' || { echo "install: Piper's runtime in $lib/venv does not load" >&2; exit 1; }
