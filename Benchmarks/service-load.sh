#!/usr/bin/env bash
# `mixdown serve` (SQLite, workers = cores) under load from a second process:
# Benchmarks/service-load.py (JOBS, default 500; CLIENTS, default 4).
set -euo pipefail
source "$(dirname "$0")/common.sh"
data="$work/service"
rm -rf "$data"; mkdir -p "$data"
key=$("$bin" keys add load --max-concurrent 1000 --data "$data/data")
MIXDOWN_CACHE="$data/cache" "$bin" serve --port 0 --data "$data/data" > "$data/serve.log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null' EXIT
for _ in $(seq 100); do grep -q '^listening on' "$data/serve.log" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$data/serve.log")
echo "== mixdown serve at $base, $(nproc) workers; load from a second process"
python3 Benchmarks/service-load.py "$base" "$key" "$server"
