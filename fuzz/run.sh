#!/usr/bin/env bash
# Runs each fuzz target built by fuzz/build.sh: first its regression corpus (inputs that once
# failed, fuzz/regressions/<target>, each run once), then fuzzing for SECONDS (default 10) from the
# committed seeds (fuzz/corpus/<target>, copied so the tree is not changed). Prints executions per
# second and coverage per target; exits non-zero on the first crash, leaving the input in
# .build/fuzz/crashes/<target>/. `make test` runs it with 10 s per target, `make fuzz` longer.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(uname -s)" != Linux ]; then echo "fuzzing skipped: Swift ships libFuzzer on Linux only"; exit 0; fi
SECONDS_PER_TARGET=${1:-10}
OUT=.build/fuzz
TARGETS=${FUZZ_TARGETS:-"EdgeList MatrixMarket Labels Npy"}
status=0
# Swift's own crash reporter would run inside ASan's signal handling and hide the trap.
export SWIFT_BACKTRACE=enable=no
for target in $TARGETS; do
    bin="$OUT/fuzz-$target"
    [ -x "$bin" ] || { echo "missing $bin: run fuzz/build.sh" >&2; exit 2; }
    regressions=(fuzz/regressions/$target/*)
    if [ -e "${regressions[0]}" ]; then
        "$bin" -runs=1 "${regressions[@]}" > "$OUT/regressions-$target.log" 2>&1 \
            || { echo "$target: a regression input fails again (see $OUT/regressions-$target.log)"; status=1; continue; }
    fi
    work="$OUT/corpus-$target"
    mkdir -p "$work" "$OUT/crashes/$target"
    cp -n fuzz/corpus/$target/* "$work"/ 2>/dev/null || true
    log="$OUT/fuzz-$target.log"
    if "$bin" "$work" -max_total_time="$SECONDS_PER_TARGET" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
           -print_final_stats=1 -artifact_prefix="$OUT/crashes/$target/" > "$log" 2>&1; then
        runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
        rate=$(grep -oE 'exec/s: *[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || echo 0)
        cov=$(grep -oE 'cov: *[0-9]+ ft: *[0-9]+' "$log" | tail -1 || echo "cov: ?")
        echo "$target: clean, ${SECONDS_PER_TARGET} s, $runs executions (~$rate exec/s), $cov, corpus $(ls "$work" | wc -l) inputs"
    else
        echo "$target: CRASH, see $log and $OUT/crashes/$target/"
        tail -30 "$log"
        status=1
    fi
done
exit $status
