#!/usr/bin/env bash
# The service scaled out with nothing shared but PostgreSQL and an S3 bucket: two
# `serve --workers 0` front ends and two `worker`s (one render each: this machine has two
# cores), each with a --data folder of its own, a private PostgreSQL cluster, and moto's S3
# server (.venv, `make deps`) as the bucket. JOBS (default 1000) short productions from CLIENTS
# (default 8) clients spread over both front ends (Benchmarks/service-load.py). Then checks
# that no job was lost or done twice: every job succeeded once (attempts = 1 in the
# database), its MP3 is in the bucket under one attempt's folder, and no upload is left open.
set -euo pipefail
source "$(dirname "$0")/common.sh"
root="$(pwd)/$work/service-s3"
rm -rf "$root"; mkdir -p "$root"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$root/pg"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$root/pg"
as_pg "$pgbin/initdb" -D "$root/pg/data" -A trust -U mixdown --no-sync -E UTF8 > /dev/null
pgport=$((20000 + RANDOM % 10000))
as_pg "$pgbin/postgres" -D "$root/pg/data" -k "$root/pg" -p "$pgport" -c listen_addresses= -c fsync=off -c max_connections=200 > "$root/pg.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -S "$root/pg/.s.PGSQL.$pgport" ] && break; sleep 0.1; done
as_pg "$pgbin/createdb" -h "$root/pg" -p "$pgport" -U mixdown mixdown
db="postgres://mixdown@localhost:$pgport/mixdown?host=$(cd "$root/pg" && pwd)"
s3port=$((40000 + RANDOM % 10000))
.venv/bin/moto_server -H 127.0.0.1 -p "$s3port" > "$root/moto.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$s3port/" > /dev/null && break; sleep 0.2; done
curl -sf -X PUT "http://127.0.0.1:$s3port/bench" > /dev/null
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=benchsecret MIXDOWN_CACHE="$root/cache"
s3=(--storage s3://bench/load --s3-endpoint "http://127.0.0.1:$s3port" --s3-path-style --database "$db")
key=$("$bin" keys add load --max-concurrent 1000 --database "$db")
bases=(); spids=()
for n in 1 2; do
  "$bin" serve --port 0 --workers 0 --data "$root/front$n" "${s3[@]}" > "$root/serve$n.log" 2> "$root/serve$n.requests" &
  spids+=($!); pids+=($!)
done
for n in 1 2; do "$bin" worker --workers 1 --data "$root/worker$n" "${s3[@]}" > "$root/worker$n.log" 2>&1 & pids+=($!); done
for n in 1 2; do
  for _ in $(seq 100); do grep -q '^listening on' "$root/serve$n.log" 2>/dev/null && break; sleep 0.1; done
  bases+=("$(sed -n 's/^listening on //p' "$root/serve$n.log")")
done
echo "== 2 x serve --workers 0, 2 x worker, PostgreSQL, moto S3; ${CLIENTS:-8} clients"
CLIENTS=${CLIENTS:-8} JOBS=${JOBS:-1000} IDS_FILE="$root/ids" python3 Benchmarks/service-load.py "$(IFS=,; echo "${bases[*]}")" "$key" "$(IFS=,; echo "${spids[*]}")"
psql() { as_pg "$pgbin/psql" -h "$root/pg" -p "$pgport" -U mixdown -d mixdown -Atc "$1"; }
echo "jobs in the database: $(psql "select state || ' ' || count(*) from jobs group by state" | tr '\n' ' ')"
echo "jobs taken more than once: $(psql "select count(*) from jobs where attempts <> 1")"
listing=$(curl -sf "http://127.0.0.1:$s3port/bench?list-type=2&prefix=load/jobs/&max-keys=100000" | grep -o '<Key>[^<]*audio.mp3</Key>' | sed 's/<[^>]*>//g' | sort)
echo "MP3s in the bucket: $(echo "$listing" | grep -c . || true), jobs with more than one: $(echo "$listing" | cut -d/ -f3 | uniq -d | wc -l), under attempt folders: $(echo "$listing" | cut -d/ -f4 | sort | uniq -c | tr '\n' ' ')"
echo "unfinished uploads: $(curl -sf "http://127.0.0.1:$s3port/bench?uploads" | grep -c '<Upload>' || true)"
# The result cache through the bucket: one production rendered, then posted again 20 times
# (each answer a new job with server-side copies of the files), timed by curl.
body='{"scriptText": "<<soundSegment::main>>The cache, through the bucket.", "soundTemplate": "corporate", "forceLength": 5, "endFormat": ["mp3_medium"]}'
first=$(curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$body" "${bases[0]}/v1/productions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for _ in $(seq 600); do
  state=$(curl -sf -H "Authorization: Bearer $key" "${bases[0]}/v1/productions/$first" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
  [ "$state" = succeeded ] && break; sleep 0.1
done
times=()
for n in $(seq 20); do
  base=${bases[$((n % 2))]}
  out=$(curl -s -o "$root/cached.json" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$body" "$base/v1/productions")
  grep -q '"cached":true' "$root/cached.json" || { echo "not cached: $out $(cat "$root/cached.json")"; exit 1; }
  times+=("${out#* }")
done
echo "cached answer (mp3 and report page copied in the bucket): median $(printf '%s\n' "${times[@]}" | median) s, max $(printf '%s\n' "${times[@]}" | sort -g | tail -1) s over 20"
