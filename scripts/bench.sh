#!/usr/bin/env bash
# ./pipeline bench: the benchmarks, each against a baseline measured in the same run on the same
# machine. Not part of ./pipeline test. Built so far:
#   gateway ingest: acked events/s into Kafka through the real gateway (release build), driven by
#   `emulator load` (BENCH_CONNECTIONS connections, batch 1 and batch 50, ~200-byte events), vs a
#   plain librdkafka producer with the gateway's producer settings (bench/kafka_baseline_producer)
#   writing the same kind of events to the same fresh 6-partition topic. Baseline and gateway runs
#   alternate for BENCH_ROUNDS rounds; medians are reported. Goal: gateway / baseline >= 0.5.
# Its own stack: PIPELINE_HOME=.pipeline/bench, ports +40000 (Kafka 49092/49093, gateway 48080),
# wiped and started here, stopped on exit. Results: a table on stdout, JSON lines appended to
# .pipeline/bench/results.jsonl.
#   Settings: BENCH_DURATION (s, default 10), BENCH_ROUNDS (3), BENCH_CONNECTIONS (4),
#             BENCH_BATCHES ("1 50"), BENCH_EVENT_BYTES (200), BENCH_PORT_OFFSET (40000).
set -euo pipefail
ROOT_DIR="$(cd "$(dirname "$0")/.." && pwd)"
o=${BENCH_PORT_OFFSET:-40000}
export PIPELINE_HOME="$ROOT_DIR/.pipeline/bench"
export KAFKA_PORT=$((9092 + o)) KAFKA_CONTROLLER_PORT=$((9093 + o))
export KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT GATEWAY_PORT=$((8080 + o)) FLINK_REST_PORT=$((8081 + o))
export CLICKHOUSE_HTTP_PORT=$((8123 + o)) CLICKHOUSE_TCP_PORT=$((9000 + o))
source "$ROOT_DIR/scripts/lib.sh"

DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-4}
BATCHES=(${BENCH_BATCHES:-1 50})
EVENT_BYTES=${BENCH_EVENT_BYTES:-200}
TOPIC=bench.raw
DEADLETTER=bench.deadletter
PARTITIONS=6   # as events.raw (scripts/create-topics.sh)
RESULTS="$PIPELINE_HOME/results.jsonl"
GATEWAY_BIN="$ROOT_DIR/build/release/gateway/gateway"
EMULATOR_BIN="$ROOT_DIR/build/release/emulator/emulator"
BASELINE_BIN="$ROOT_DIR/build/bench/bench/kafka_baseline_producer"
RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)

# --- machine -----------------------------------------------------------------------------------
CPU_MODEL=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
MEM_KB=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
NPROC=$(nproc)
MACHINE_JSON=$(jq -cn --arg cpu "$CPU_MODEL" --argjson nproc "$NPROC" --argjson mem "$MEM_KB" \
    --arg kernel "$(uname -r)" '{nproc:$nproc,mem_total_kb:$mem,cpu_model:$cpu,kernel:$kernel}')
SHARED_NOTE="client, gateway, Kafka broker and baseline producer all run on this machine and share its $NPROC cores (and whatever else runs on it)"

# --- stack -------------------------------------------------------------------------------------
stop_stack() {
    stop_bg gateway TERM 30 || true
    "$ROOT_DIR/scripts/kafka.sh" stop || true
}

topic() {
    "$ROOT_DIR/scripts/kafka.sh" run-class org.apache.kafka.tools.TopicCommand \
        --bootstrap-server "$KAFKA_BOOTSTRAP" --create --if-not-exists --topic "$1" \
        --partitions "$2" --replication-factor 1 --config min.insync.replicas=1 >/dev/null
    log "topic $1 created ($2 partitions)"
}

gateway_healthy() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$GATEWAY_PORT/health" 2>/dev/null; }

start_stack() {
    for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$GATEWAY_PORT"; do
        port_open "$p" && ! is_running kafka && ! is_running gateway \
            && die "port $p is taken by another process; set BENCH_PORT_OFFSET"
    done
    stop_stack
    "$ROOT_DIR/scripts/kafka.sh" wipe     # a fresh broker: fresh topics every run
    "$ROOT_DIR/scripts/kafka.sh" start
    topic "$TOPIC" "$PARTITIONS"
    topic "$DEADLETTER" 1
    RAW_TOPIC=$TOPIC DEADLETTER_TOPIC=$DEADLETTER GATEWAY_LOG_INTERVAL_S=60 start_bg gateway "$GATEWAY_BIN"
    wait_for "the gateway on :$GATEWAY_PORT" 60 gateway_healthy \
        || { tail -n 20 "$LOG_DIR/gateway.log" >&2; die "the gateway did not become healthy"; }
}

# --- measurements ------------------------------------------------------------------------------
record() {  # record KIND BATCH ROUND RAW_JSON: one measurement line
    jq -cn --arg run "$RUN_ID" --arg ts "$(date -u +%FT%TZ)" --arg kind "$1" --argjson batch "$2" \
        --argjson round "$3" --argjson raw "$4" --argjson machine "$MACHINE_JSON" --arg note "$SHARED_NOTE" \
        --argjson conn "$CONNECTIONS" --argjson dur "$DURATION" \
        '{bench:"gateway_ingest",run:$run,ts:$ts,kind:$kind,batch:$batch,connections:(if $kind=="gateway" then $conn else null end),
          round:$round,duration_s:$dur,events_per_s:$raw.events_per_s,result:$raw,machine:$machine,note:$note}' >>"$RESULTS"
}

run_baseline() {  # run_baseline ROUND
    local out
    out=$("$BASELINE_BIN" --bootstrap "$KAFKA_BOOTSTRAP" --topic "$TOPIC" --duration "$DURATION" \
        --event-bytes "$EVENT_BYTES" --seed "$1" 2>>"$LOG_DIR/baseline.log" | tail -n 1) \
        || die "the baseline producer failed: $out (see $LOG_DIR/baseline.log)"
    record baseline null "$1" "$out"
    printf '  round %s  baseline             %12.0f events/s\n' "$1" "$(jq -r .events_per_s <<<"$out")" >&2
}

run_gateway() {  # run_gateway ROUND BATCH
    local out
    out=$("$EMULATOR_BIN" load --url "ws://127.0.0.1:$GATEWAY_PORT/ws/events" --connections "$CONNECTIONS" \
        --batch "$2" --duration "$DURATION" --event-bytes "$EVENT_BYTES" --seed "$1" --log-level warn \
        2>>"$LOG_DIR/emulator.log" | grep '^{"mode":"load"' | tail -n 1) \
        || die "emulator load failed (see $LOG_DIR/emulator.log)"
    [[ $(jq -r '.events_rejected + .events_unacked' <<<"$out") == 0 ]] \
        || die "emulator load: events rejected or unacknowledged: $out"
    record gateway "$2" "$1" "$out"
    printf '  round %s  gateway batch %-4s  %12.0f events/s  (ack p50 %s ms, p99 %s ms)\n' "$1" "$2" \
        "$(jq -r .events_per_s <<<"$out")" "$(jq -r .latency_ms.p50 <<<"$out")" "$(jq -r .latency_ms.p99 <<<"$out")" >&2
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "null"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
run_values() {  # run_values KIND BATCH: this run's events/s
    jq -r --arg run "$RUN_ID" --arg kind "$1" --argjson batch "$2" \
        'select(.run==$run and .kind==$kind and .batch==$batch) | .events_per_s' "$RESULTS"
}

# --- main --------------------------------------------------------------------------------------
log "building: gateway and emulator (release), the baseline producer (preset bench)"
"$ROOT_DIR/scripts/build.sh" cpp release
cmake --preset bench >"$LOG_DIR/cmake-configure-bench.log" \
    || { cat "$LOG_DIR/cmake-configure-bench.log" >&2; die "cmake configure failed"; }
cmake --build --preset bench --target kafka_baseline_producer | sed -u 's/^/  /' >&2

trap stop_stack EXIT
start_stack

log "gateway ingest: $ROUNDS rounds of ${DURATION}s runs, baseline and gateway alternating; $SHARED_NOTE"
for ((r = 1; r <= ROUNDS; r++)); do
    # Alternate the order between rounds, so neither side always runs on a warmer broker.
    if ((r % 2)); then
        run_baseline "$r"
        for b in "${BATCHES[@]}"; do run_gateway "$r" "$b"; done
    else
        for b in "${BATCHES[@]}"; do run_gateway "$r" "$b"; done
        run_baseline "$r"
    fi
done

base=$(run_values baseline null | median)
{
    echo
    echo "gateway ingest ($RUN_ID): acked events/s into Kafka, ~${EVENT_BYTES}-byte events, topic of $PARTITIONS partitions,"
    echo "median of $ROUNDS alternating ${DURATION}s runs; goal ratio >= 0.5"
    echo "machine: $NPROC cores ($CPU_MODEL), $((MEM_KB / 1024)) MiB RAM"
    echo "note: $SHARED_NOTE"
    echo
    printf '%-40s %14s %14s %7s %6s\n' what baseline result ratio goal
}
for b in "${BATCHES[@]}"; do
    gw=$(run_values gateway "$b" | median)
    ratio=$(awk -v g="$gw" -v s="$base" 'BEGIN {printf "%.2f", (s > 0 ? g / s : 0)}')
    printf '%-40s %14.0f %14.0f %7s %6s\n' "gateway, $CONNECTIONS connections, batch $b" "$base" "$gw" "$ratio" ">=0.5"
    jq -cn --arg run "$RUN_ID" --arg ts "$(date -u +%FT%TZ)" --argjson batch "$b" --argjson conn "$CONNECTIONS" \
        --argjson base "$base" --argjson gw "$gw" --argjson ratio "$ratio" --argjson rounds "$ROUNDS" \
        --argjson dur "$DURATION" --argjson bytes "$EVENT_BYTES" --argjson parts "$PARTITIONS" \
        --argjson machine "$MACHINE_JSON" --arg note "$SHARED_NOTE" \
        '{bench:"gateway_ingest",run:$run,ts:$ts,kind:"summary",batch:$batch,connections:$conn,event_bytes:$bytes,
          partitions:$parts,rounds:$rounds,duration_s:$dur,baseline_events_per_s_median:$base,
          gateway_events_per_s_median:$gw,ratio:$ratio,goal:0.5,met:($ratio >= 0.5),machine:$machine,note:$note}' >>"$RESULTS"
done
echo
echo "batch 1 is bound by the acknowledgement protocol: at most 64 unacknowledged messages per connection"
echo "(emulator --window, gateway GATEWAY_MAX_INFLIGHT_MESSAGES), each acked only after Kafka's delivery report"
echo "(acks=all, linger.ms=5), so at most $((CONNECTIONS * 64)) events are in flight; the baseline keeps up to 200000 in flight."
echo "JSON lines: $RESULTS"
