# Shared by the benchmark scripts: the release binary, a work folder, a clock and a median.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=.build/release/mixdown
work=.build/bench
mkdir -p "$work"
now() { date +%s.%N; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
