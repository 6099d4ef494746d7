#!/usr/bin/env bash
# Benchmark "Flink job": events/s of the whole analytics job catching up on a pre-filled raw
# topic, against a baseline: a pass-through job with the same source (which parses every record)
# and watermarks, into a sink that discards. Both are
# flink-job/.../bench/CatchUpBenchmark.java on an in-process MiniCluster, with the source bounded
# at the topic's end, so each run ends when everything is read; the full job writes its outputs
# to Kafka as in production, with checkpoints on. Goal: full / pass-through >= 0.3 (Nexmark's
# session-window query reaches ~0.26 of its pass-through). A run that sends any event to
# events.late fails the benchmark: a job that drops events is not fast.
# The topic holds BENCH_FLINK_EVENTS events of simulated shoppers (bench/raw_topic_filler.cpp:
# the emulator's behaviour model, in event-time order, 1 % duplicates).
#   Settings: BENCH_FLINK_EVENTS (500000), BENCH_FLINK_PARALLELISM (the job's default, 1),
#             FLINK_JAVA_OPTS (-Xmx1g -XX:+UseParallelGC, scripts/lib.sh)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

EVENTS=${BENCH_FLINK_EVENTS:-500000}
PARALLELISM=${BENCH_FLINK_PARALLELISM:-1}
FLINK_JAR="$ROOT_DIR/flink-job/target/flink-job.jar"
NOTE="the job (MiniCluster) and the Kafka broker share this machine's $NPROC cores"

stop_stack() { "$ROOT_DIR/scripts/kafka.sh" stop || true; }

run_job() {  # run_job ROUND full|passthrough
    local out ckpt="$PIPELINE_HOME/data/bench-checkpoints/$2-$1" late0 late
    rm -rf "$ckpt"
    late0=$(topic_end events.late)
    out=$(java $FLINK_JAVA_OPTS -cp "$FLINK_JAR" io.github.pipeline.analytics.bench.CatchUpBenchmark \
        "$2" "$EVENTS" --CONSUMER_GROUP "bench-$BENCH_RUN_ID-$2-$1" --RESTORE_FROM none \
        --CHECKPOINT_DIR "file://$ckpt" --PARALLELISM "$PARALLELISM" --FLINK_REST_PORT "$FLINK_REST_PORT" \
        2>>"$LOG_DIR/flink-bench.log" | grep '^{"job"' | tail -n 1) \
        || die "the $2 job failed (see $LOG_DIR/flink-bench.log)"
    # A job that sends events to events.late (e.g. an idle flush mistaking a stall for the end of
    # the input) is fast because it drops them: such a figure means nothing.
    late=$(($(topic_end events.late) - late0))
    bench_record flink "$2" "$(jq -c --argjson r "$1" --argjson late "$late" '{round:$r,late_events:$late} + .' <<<"$out")"
    ((late == 0)) || die "the $2 job sent $late of the $EVENTS events to events.late: its speed is not comparable"
    printf '  round %s  %-12s %10.0f events/s  (%s ms)\n' "$1" "$2" \
        "$(jq -r .events_per_s <<<"$out")" "$(jq -r .runtime_ms <<<"$out")" >&2
}

"$ROOT_DIR/scripts/build.sh" flink   # up to date: nothing to do
trap stop_stack EXIT
fresh_kafka
fill_raw_topic "$EVENTS" flink

log "Flink job: $BENCH_ROUNDS rounds, pass-through and full alternating; parallelism $PARALLELISM; $NOTE"
for ((r = 1; r <= BENCH_ROUNDS; r++)); do
    if ((r % 2)); then run_job "$r" passthrough; run_job "$r" full
    else run_job "$r" full; run_job "$r" passthrough; fi
done

base=$(run_values flink passthrough .events_per_s | median)
full=$(run_values flink full .events_per_s | median)
bench_summary flink "Flink job catching up, parallelism $PARALLELISM" "$base" "$full" 0.3 ev/s \
    "median of $BENCH_ROUNDS alternating runs over $EVENTS pre-filled events; baseline = pass-through (source, parse, discard); $NOTE"
