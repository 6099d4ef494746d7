#!/usr/bin/env bash
# ./pipeline bench [name...]: the benchmarks in bench/<name>.sh, each against a baseline measured
# in the same run on the same machine (these machines are shared and noisy: only ratios travel).
# Not part of ./pipeline test. Each benchmark starts what it needs on its own stack
# (.pipeline/bench, ports + BENCH_PORT_OFFSET, default 10000) and stops it on exit.
# Prints one table for the run; every measurement is a JSON line in .pipeline/bench/results.jsonl.
#   Settings: BENCH_DURATION (s per run, 10), BENCH_ROUNDS (3), BENCH_PORT_OFFSET (10000), and
#   each benchmark's own (see the header of bench/<name>.sh).
set -euo pipefail
"$(dirname "$0")/install-deps.sh" all   # before bench/lib.sh, which needs jq
source "$(dirname "$0")/../bench/lib.sh"

ALL=(gateway-ingest gateway-overhead flink flink-scaling freshness system connections)
NAMES=("$@")
((${#NAMES[@]})) || for n in "${ALL[@]}"; do [[ -x $ROOT_DIR/bench/$n.sh ]] && NAMES+=("$n"); done
for n in "${NAMES[@]}"; do
    [[ -x $ROOT_DIR/bench/$n.sh ]] || die "unknown benchmark '$n' (have: $(cd "$ROOT_DIR/bench" && ls ./*.sh | grep -v lib.sh | sed 's|./||; s|\.sh||' | tr '\n' ' '))"
done

log "benchmark run $BENCH_RUN_ID: ${NAMES[*]}"
log "$(machine_line)"
build_release
failed=()
for n in "${NAMES[@]}"; do
    log "== benchmark $n"
    "$ROOT_DIR/bench/$n.sh" || failed+=("$n")
done

echo
echo "benchmarks, run $BENCH_RUN_ID ($(date -u +%F))"
machine_line
echo "every component of a benchmark runs on this machine and shares its $NPROC cores"
echo
print_summaries
echo
echo "JSON lines: $RESULTS"
((${#failed[@]} == 0)) || die "benchmarks that failed: ${failed[*]}"
