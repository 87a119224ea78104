#!/usr/bin/env bash
# The example 30 s spot through the HTTP API: starts `mixdown serve` on a free port with its
# own data folder, makes a key, posts the spot as an API production (scriptText, the server's
# template), polls it to the end and downloads the MP3 into out/api/, then stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/.build/release/mixdown
data=$(mktemp -d)
mkdir -p out/api
server=
stop() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$data"; }
trap 'stop || true' EXIT

key=$($bin keys add demo --data "$data")
$bin serve --port 0 --data "$data" > "$data/serve.log" &
server=$!
for _ in $(seq 100); do grep -q '^listening on' "$data/serve.log" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$data/serve.log")
echo "== mixdown serve: $base (key $key)"

# The spot's production file, as the API takes it: the script inline.
body=$(python3 - <<'PY'
import json
p = json.load(open("Examples/spot30/spot.json"))
p["scriptText"] = open("Examples/spot30/" + p.pop("scriptFile")).read()
print(json.dumps(p))
PY
)
echo "== POST /v1/productions"
created=$(curl -sS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -X POST "$base/v1/productions" --data "$body")
echo "  $created"
id=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["id"])' "$created")
while :; do
  status=$(curl -sS -H "Authorization: Bearer $key" "$base/v1/productions/$id")
  state=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["status"])' "$status")
  [ "$state" = queued ] || [ "$state" = running ] || break
  sleep 0.2
done
echo "== GET /v1/productions/$id: $state"
python3 -c 'import json, sys; s = json.loads(sys.argv[1]); [print("  ", o["endFormat"], o["url"], o["bytes"], "bytes") for o in s["outputs"]]' "$status"
curl -sS -H "Authorization: Bearer $key" -o out/api/spot.mp3 "$base/v1/productions/$id/outputs/mp3_medium"
curl -sS -H "Authorization: Bearer $key" -o out/api/spot-report.json "$base/v1/productions/$id/report"
echo "== downloaded out/api/spot.mp3"
$bin analyze out/api/spot.mp3 | grep -E "duration|integrated|true peak"
stop || true
trap - EXIT
