#!/usr/bin/env bash
# `make test`: every test, optimised (the DSP tests measure minutes of synthesised audio).
# The whole output is kept in .build/test.log; when a test fails, its issues are printed
# again at the end, so that the last lines of a long run (all a CI page may show) name them.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
# The Makefile's SWIFT_FLAGS. The tests are built exactly as `make build` and `make install`
# build (`swift build … --build-tests`), then run without building: `swift test` building them
# itself would make a different build, and each switch recompiles nearly everything.
SWIFT_FLAGS="${SWIFT_FLAGS:--c release -Xswiftc -enable-testing}"
mkdir -p .build
log=.build/test.log
# shellcheck disable=SC2086  # SWIFT (a command, maybe with a wrapper) and the flags are words
{ $SWIFT build $SWIFT_FLAGS --build-tests && $SWIFT test $SWIFT_FLAGS --skip-build "$@"; } 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
    echo
    echo "── the tests failed (exit $status); what failed, from $log: ──"
    # Swift Testing marks failures with ✘ (an issue's message may run on a few lines), XCTest
    # with "error:"; a build error also says "error:".
    grep -n -A4 -E '✘|error:|Fatal error|Test .* failed' "$log" | grep -v -E '^[0-9]+-.*(✔|◇)' | tail -n 80
fi
exit "$status"
