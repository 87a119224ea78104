#!/usr/bin/env bash
# Builds the fuzz targets (libFuzzer with AddressSanitizer, release) and runs each for
# FUZZ_SECONDS (default 600) on the committed seeds (Tests/Fuzz/Corpus/<target>) plus what
# earlier runs found (.build-fuzz/corpus/<target>). FUZZ_TARGETS picks targets (default all).
# A crash, a hang (over 20 s on one input) or memory past 2 GB stops that target, keeps the
# input in Tests/Fuzz/Findings/ and makes this script fail; once fixed, move the input into
# the target's corpus, where every later run replays it.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-600}
targets=${FUZZ_TARGETS:-"script production template audio"}
scratch=.build-fuzz

for t in $targets; do
  MIXDOWN_FUZZ=1 swift build --scratch-path "$scratch" -c release --product "fuzz-$t" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld 2>&1 | grep -Ev '^\[|^Building|warning: Cannot export' || true
  [ -x "$scratch/release/fuzz-$t" ] || { echo "fuzz: fuzz-$t did not build" >&2; exit 1; }
done

# The Swift runtime's own crash reporter would print over the sanitizer's report; leak
# checking is off because the runtime keeps its metadata caches for the process's life.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
mkdir -p Tests/Fuzz/Findings
status=0
summary=()
for t in $targets; do
  found="$scratch/corpus/$t"
  mkdir -p "$found"
  max_len=4096; [ "$t" = audio ] && max_len=65536
  log="$scratch/fuzz-$t.log"
  echo "== fuzz-$t: ${seconds} s"
  if "$scratch/release/fuzz-$t" "$found" "Tests/Fuzz/Corpus/$t" -max_total_time="$seconds" -timeout=20 \
       -rss_limit_mb=2048 -max_len="$max_len" -detect_leaks=0 -print_final_stats=1 \
       -artifact_prefix="Tests/Fuzz/Findings/$t-" > "$log" 2>&1; then
    result=ok
  else
    result="FAILED (input in Tests/Fuzz/Findings/, log $log)"
    status=1
    grep -E 'Fatal error|ERROR: |SUMMARY|Test unit written' "$log" | head -5 >&2 || true
  fi
  execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
  cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1)
  summary+=("fuzz-$t: ${execs:-?} executions, ${cov:-no coverage line}, $result")
done
echo "== summary (${seconds} s per target)"
printf '%s\n' "${summary[@]}"
exit $status
