#!/usr/bin/env bash
# Benchmark "Flink scaling": the whole analytics job catching up on a pre-filled raw topic on the
# local standalone cluster (scripts/flink-cluster.sh), at parallelism 1 on one TaskManager (the
# baseline) and at parallelism 2 on two TaskManagers, in alternating rounds. Each round starts a
# fresh cluster of that many TaskManagers (one slot each), runs CatchUpBenchmark's full job with
# `flink run` (attached: the source is bounded at the topic's end, so the job ends when everything
# is read; outputs to Kafka, checkpoints on, as flink.sh's full job) and stops the cluster.
# Figures: events/s (the job's net runtime, as flink.sh) and CPU per event: the CPU time the
# cluster's JVMs (JobManager and TaskManagers, /proc) used from the submission to the job's end,
# divided by the events. The ratio is parallelism 2's rate over parallelism 1's. On a machine whose
# cores every component shares, expect the second TaskManager to add the cost of shipping every
# record between JVMs (serialization, network buffers, a second JVM's JIT and GC) more than speed.
# A run that sends any event to events.late fails the benchmark, as in flink.sh.
#   Settings: BENCH_FLINK_EVENTS (500000), FLINK_TASKMANAGER_MEMORY (2048m here: a TaskManager heap
#             near the in-process benchmark's 1 GiB), FLINK_TM_JAVA_OPTS (-XX:+UseParallelGC)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

EVENTS=${BENCH_FLINK_EVENTS:-500000}
FLINK_JAR="$ROOT_DIR/flink-job/target/flink-job.jar"
CLUSTER="$ROOT_DIR/scripts/flink-cluster.sh"
export FLINK_TASKMANAGER_MEMORY=${FLINK_TASKMANAGER_MEMORY:-2048m}
CLK_TCK=$(getconf CLK_TCK)
NOTE="the cluster's JVMs and the Kafka broker share this machine's $NPROC cores"

stop_stack() { FLINK_TASKMANAGERS=2 "$CLUSTER" stop || true; "$ROOT_DIR/scripts/kafka.sh" stop || true; }

# CPU seconds the cluster's running JVMs have used so far (user + system, from /proc/PID/stat).
cluster_cpu_s() {
    local f pid ticks=0
    for f in "$RUN_DIR"/flink-jobmanager.pid "$RUN_DIR"/flink-taskmanager-*.pid; do
        [[ -e $f ]] && pid=$(running_pid "$(basename "$f" .pid)") || continue
        ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    awk -v t="$ticks" -v hz="$CLK_TCK" 'BEGIN {printf "%.2f", t / hz}'
}

run_round() {  # run_round ROUND PARALLELISM: on a fresh cluster of PARALLELISM TaskManagers
    local round=$1 p=$2 out ckpt="$PIPELINE_HOME/data/bench-checkpoints/scaling-p$2-$1" late0 late cpu0 cpu1
    rm -rf "$ckpt"
    FLINK_TASKMANAGERS=$p "$CLUSTER" processes
    late0=$(topic_end events.late)
    cpu0=$(cluster_cpu_s)
    out=$(FLINK_TASKMANAGERS=$p "$CLUSTER" flink run -c io.github.pipeline.analytics.bench.CatchUpBenchmark \
        "$FLINK_JAR" full "$EVENTS" --FLINK_MODE cluster --CONSUMER_GROUP "bench-$BENCH_RUN_ID-scaling-p$p-$round" \
        --CHECKPOINT_DIR "file://$ckpt" --PARALLELISM "$p" 2>>"$LOG_DIR/flink-scaling.log" \
        | tee -a "$LOG_DIR/flink-scaling.log" | grep '^{"job"' | tail -n 1) \
        || die "the job at parallelism $p failed (see $LOG_DIR/flink-scaling.log and the cluster's logs)"
    cpu1=$(cluster_cpu_s)
    FLINK_TASKMANAGERS=$p "$CLUSTER" stop
    late=$(($(topic_end events.late) - late0))
    bench_record flink-scaling "p$p" "$(jq -c --argjson r "$round" --argjson late "$late" --argjson p "$p" \
        --argjson cpu "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN {printf "%.2f", b - a}')" --argjson n "$EVENTS" \
        --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
        '{round:$r,taskmanagers:$p,late_events:$late,cpu_s:$cpu,cpu_us_per_event:(($cpu * 1e6 / $n) | round),load_average:$load} + .' <<<"$out")"
    ((late == 0)) || die "the job at parallelism $p sent $late of the $EVENTS events to events.late: its speed is not comparable"
    printf '  round %s  parallelism %s on %s TaskManager(s) %10.0f events/s  (%s ms, %s CPU-s in the cluster)\n' \
        "$round" "$p" "$p" "$(jq -r .events_per_s <<<"$out")" "$(jq -r .runtime_ms <<<"$out")" \
        "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN {printf "%.1f", b - a}')" >&2
}

"$ROOT_DIR/scripts/build.sh" flink   # up to date: nothing to do
trap stop_stack EXIT
fresh_kafka
fill_raw_topic "$EVENTS" flink-scaling

log "Flink on a standalone cluster: $BENCH_ROUNDS rounds, parallelism 1 on 1 TaskManager and 2 on 2 alternating; $NOTE"
for ((r = 1; r <= BENCH_ROUNDS; r++)); do
    if ((r % 2)); then run_round "$r" 1; run_round "$r" 2
    else run_round "$r" 2; run_round "$r" 1; fi
done

one=$(run_values flink-scaling p1 .events_per_s | median)
two=$(run_values flink-scaling p2 .events_per_s | median)
bench_summary flink-scaling "Flink catch-up on a cluster, p2 on 2 TMs vs p1 on 1" "$one" "$two" - ev/s \
    "median of $BENCH_ROUNDS alternating runs over $EVENTS pre-filled events, each on a fresh standalone cluster; baseline = parallelism 1 on one TaskManager; $NOTE"
for p in 1 2; do
    bench_summary flink-scaling "  CPU per event, parallelism $p on $p TaskManager(s)" null \
        "$(run_values flink-scaling "p$p" .cpu_us_per_event | median)" - us/ev \
        "CPU time of the cluster's JVMs from submission to the job's end over $EVENTS events, median of $BENCH_ROUNDS"
done
