#!/usr/bin/env bash
# Rebuilds the sound-template library into a scratch folder and compares it, file by file and
# byte for byte, with the committed SoundTemplates/ (make templates-check).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if ! swift run -c release --scratch-path .build-templates mixdown-templates "$scratch" > "$scratch.log" 2>&1; then
  tail -20 "$scratch.log"; rm -f "$scratch.log"; exit 1
fi
rm -f "$scratch.log"
status=0
for dir in "$scratch"/*/; do
  name=$(basename "$dir")
  for f in "$dir"*; do
    committed="SoundTemplates/$name/$(basename "$f")"
    if ! cmp -s "$f" "$committed"; then echo "differs: $committed"; status=1; fi
  done
done
for dir in SoundTemplates/*/; do
  name=$(basename "$dir")
  [ "$name" = Generator ] && continue
  [ -d "$scratch/$name" ] || { echo "not generated: SoundTemplates/$name"; status=1; }
done
[ $status -eq 0 ] && echo "SoundTemplates/ is byte-identical to a fresh build of the library"
exit $status
