#!/usr/bin/env bash
# 1,000 personalised variants of the 30 s spot (Examples/batch: name and city, mp3_medium) in
# one `mixdown batch` run, against the same variants as separate `mixdown render` calls, two
# at a time (this machine's cores), in the same run. Each side starts with an empty speech
# cache of its own, so both synthesise what they need once. BATCH_ROWS sets the number of
# rows (default 1000); SEPARATE_ROWS how many of them the separate calls render (default all).
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
