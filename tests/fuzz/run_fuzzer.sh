#!/usr/bin/env bash
# Runs one libFuzzer target for $FUZZ_SECONDS (default 60) seconds: the
# `make fuzz` step behind each ctest test labelled "fuzz" in build-fuzz/.
#   run_fuzzer.sh NAME BINARY BUILD_DIR SEEDS REGRESSIONS DICT MAX_LEN
# The corpus grows in BUILD_DIR/corpus/NAME (kept between runs); a crash is
# saved to BUILD_DIR/artifacts/NAME/ and fails the test. One summary line,
# "fuzz NAME: N execs, N exec/s, N s, ...", goes to stdout and to
# BUILD_DIR/fuzz-stats/NAME.txt, which `make fuzz` prints after ctest.
set -uo pipefail
name=$1 binary=$2 build=$3 seeds=$4 regressions=$5 dict=$6 max_len=$7
seconds=${FUZZ_SECONDS:-60}
corpus=$build/corpus/$name
artifacts=$build/artifacts/$name
log=$build/logs/$name.log
mkdir -p "$corpus" "$artifacts" "$build/logs" "$build/fuzz-stats"
rm -f "$artifacts"/*

# The first directory is the corpus libFuzzer writes to; seeds and
# regression inputs are read as well.
start=$(date +%s)
"$binary" "$corpus" "$seeds" "$regressions" \
  -dict="$dict" -max_len="$max_len" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1
rc=$?
elapsed=$(( $(date +%s) - start ))

stat() { grep -oE "^stat::$1: *[0-9]+" "$log" | tail -1 | grep -oE '[0-9]+$' || echo "?"; }
summary="fuzz $name: $(stat number_of_executed_units) execs, $(stat average_exec_per_sec) exec/s, ${elapsed} s, \
corpus $(ls "$corpus" | wc -l) files, $(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo '?') edges, \
peak $(stat peak_rss_mb) MB"
crashes=$(ls "$artifacts" 2>/dev/null | wc -l)
if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
  summary="$summary: FAILED (exit $rc, $crashes crash file(s) in $artifacts)"
  tail -n 60 "$log"
fi
echo "$summary" | tee "$build/fuzz-stats/$name.txt"
[ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ]
