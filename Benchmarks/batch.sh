#!/usr/bin/env bash
# 1,000 personalised variants of the 30 s spot (Examples/batch: name and city, mp3_medium) in
# one `mixdown batch` run, against the same variants as separate `mixdown render` calls, two
# at a time (this machine's cores), in the same run. Each side starts with an empty speech
# cache of its own, so both synthesise what they need once. BATCH_ROWS sets the number of
# rows (default 1000); SEPARATE_ROWS how many of them the separate calls render (default all).
# Then the encoder floor: the batch's own programmes, written once as 44.1 kHz WAV masters by
# the same batch, encoded by the `lame` command at -V 4 (what mp3_medium is), two at a time:
# batch time / LAME time says how close a campaign comes to the time its encodes alone need.
# 50 variants picked at random are then checked with ffmpeg: exactly 30 s, on target.
set -euo pipefail
source "$(dirname "$0")/common.sh"
rows=${BATCH_ROWS:-1000}
separate=${SEPARATE_ROWS:-$rows}
jobs=$(nproc)
dir="$work/batch"
rm -rf "$dir"; mkdir -p "$dir"

# 50 first names x 20 cities: every row a different pair, as a customer list would have.
python3 - "$rows" > "$dir/rows.csv" <<'PY'
import sys
names = """Sam Ana Priya Kofi Mei Lena Omar Ivy Raj Zoe Tom Eva Noah Mia Liam Ava Ethan Isla Jack Ruby
Leo Nora Max Lily Finn Chloe Owen Ella Adam Grace Ben Sofia Dan Hana Eli Yara Hugo Iris Kai Jade
Luca Maya Nico Rosa Omid Sara Pablo Tara Ravi Vera""".split()
cities = "Leeds York Bath Cork Lyon Oslo Perth Kyoto Porto Accra Derby Hull Leith Bristol Ghent Turin Bergen Malmo Graz Brno".split()
n = int(sys.argv[1])
print("id,name,city")
for i in range(n):
    print(f"v{i + 1:05d},{names[i % len(names)]},{cities[(i // len(names)) % len(cities)]}")
PY

echo "== mixdown batch: $rows variants of Examples/batch/spot.json (mp3_medium), --jobs $jobs"
MIXDOWN_CACHE="$dir/cache-batch" /usr/bin/time -o "$dir/batch.time" -f '%e %M' \
  "$bin" batch Examples/batch/spot.json --audience "$dir/rows.csv" -o "$dir/batch" --end-format mp3_medium --jobs "$jobs" > "$dir/batch.out"
read -r b_wall b_kb < "$dir/batch.time"
ok=$(grep -c '"status":"ok"' "$dir/batch/manifest.jsonl")
cat "$dir/batch.out"
printf 'batch: %d rows ok in %.1f s: %.2f variants/s, peak %.0f MB\n' "$ok" "$b_wall" "$(awk -v n="$ok" -v t="$b_wall" 'BEGIN { print n / t }')" "$(awk -v k="$b_kb" 'BEGIN { print k / 1024 }')"

echo "== $separate separate mixdown render calls, $jobs at a time"
mkdir -p "$dir/separate"
tail -n +2 "$dir/rows.csv" | head -n "$separate" > "$dir/separate.csv"
t0=$(now)
MIXDOWN_CACHE="$dir/cache-separate" xargs -P "$jobs" -L 1 -a "$dir/separate.csv" -d '\n' sh -c '
  IFS=, read -r id name city <<EOF2
$0
EOF2
  '"$bin"' render Examples/batch/spot.json --var "name=$name" --var "city=$city" --end-format mp3_medium -o "'"$dir"'/separate/$id.mp3" > /dev/null'
t1=$(now)
s_wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
s_ok=$(ls "$dir/separate" | wc -l)
printf 'separate: %d renders in %.1f s: %.2f variants/s\n' "$s_ok" "$s_wall" "$(awk -v n="$s_ok" -v t="$s_wall" 'BEGIN { print n / t }')"
printf 'batch is %.2fx the rate of separate calls\n' "$(awk -v a="$ok" -v ta="$b_wall" -v b="$s_ok" -v tb="$s_wall" 'BEGIN { print (a / ta) / (b / tb) }')"

# The variants are what they claim: a few decoded by ffmpeg, exactly 30 s at 44.1 kHz.
for id in v00001 v00500 "v$(printf %05d "$rows")"; do
  f="$dir/batch/$id.mp3"; [ -f "$f" ] || continue
  n=$(ffmpeg -v error -i "$f" -f s16le -ac 1 - | wc -c)
  printf '  %s: %d samples at 44.1 kHz\n' "$id" $((n / 2))
done

echo "== the encoder floor: the same $rows programmes as WAV masters (written once), lame -V 4, $jobs at a time"
python3 - "$dir/spot-wav.json" <<'PY'
import json, os, sys
production = json.load(open("Examples/batch/spot.json"))
production["scriptFile"] = os.path.abspath("Examples/batch/" + production["scriptFile"])
production["endFormat"] = [{"format": "wav", "sampleRate": 44100, "bitDepth": 16}]
json.dump(production, open(sys.argv[1], "w"))
PY
MIXDOWN_CACHE="$dir/cache-batch" "$bin" batch "$dir/spot-wav.json" --audience "$dir/rows.csv" -o "$dir/wav" --jobs "$jobs" > /dev/null
mkdir -p "$dir/lame"
t0=$(now)
ls "$dir/wav" | grep '\.wav$' | xargs -P "$jobs" -I{} lame --silent -V 4 "$dir/wav/{}" "$dir/lame/{}.mp3"
t1=$(now)
l_wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
l_n=$(ls "$dir/lame" | wc -l)
printf 'lame alone: %d encodes in %.1f s (%.2f/s)\n' "$l_n" "$l_wall" "$(awk -v n="$l_n" -v t="$l_wall" 'BEGIN { print n / t }')"
printf 'batch time / lame time: %.2fx\n' "$(awk -v b="$b_wall" -v l="$l_wall" -v nb="$ok" -v nl="$l_n" 'BEGIN { print (b / nb) / (l / nl) }')"

# 50 variants at random: ffmpeg decodes each to exactly 30 s at 44.1 kHz, within 0.5 LU of
# -14 LUFS and under -1 dBTP.
bad=0
for f in $(ls "$dir/batch"/v*.mp3 | shuf -n 50 --random-source=<(yes)); do
  n=$(ffmpeg -v error -i "$f" -f s16le -ac 1 - | wc -c)
  read -r i p < <(ffmpeg -nostats -nostdin -i "$f" -af ebur128=peak=true -f null - 2>&1 | awk '/^ +I:/ { i = $2 } /^ +Peak:/ { p = $2 } END { print i, p }')
  if [ $((n / 2)) -ne 1323000 ] || ! awk -v i="$i" -v p="$p" 'BEGIN { exit !((i + 14 <= 0.5 && i + 14 >= -0.5) && p <= -1) }'; then
    echo "  $(basename "$f"): $((n / 2)) samples, $i LUFS, $p dBTP"; bad=$((bad + 1))
  fi
done
echo "checked 50 variants at random: $((50 - bad)) exact and on target"
