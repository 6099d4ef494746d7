#!/usr/bin/env bash
# Benchmark "gateway ingest": acked events/s into Kafka through the real gateway (release build),
# driven by `emulator load` (BENCH_CONNECTIONS connections, batches of BENCH_BATCHES events of
# ~BENCH_EVENT_BYTES bytes), against a baseline: a plain librdkafka producer with the gateway's
# producer settings (bench/kafka_baseline_producer.cpp) writing the same kind of events to the
# same fresh topic. Baseline and gateway runs alternate for BENCH_ROUNDS rounds of BENCH_DURATION
# seconds; medians are compared. Goal: gateway / baseline >= 0.5.
# The same rounds measure HTTP ingest too: POST /v1/events by bench/http_load.cpp, the same kind of
# events in the same batch sizes, over BENCH_HTTP_CONNECTIONS keep-alive connections. An HTTP
# connection has one request in flight (its answer waits for Kafka), where a WebSocket has a
# window of BENCH_WINDOW messages, hence more connections by default.
#   Settings: the load's (bench/lib.sh): BENCH_CONNECTIONS (4), BENCH_BATCHES ("1 50"),
#             BENCH_EVENT_BYTES (200), BENCH_WINDOW (emulator --window, 256, the default);
#             BENCH_HTTP_CONNECTIONS (32)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

TOPIC=bench.raw
PARTITIONS=6   # as events.raw (scripts/create-topics.sh)
BASELINE_BIN="$ROOT_DIR/build/bench/bench/kafka_baseline_producer"
HTTP_LOAD_BIN="$ROOT_DIR/build/bench/bench/http_load"
HTTP_CONNECTIONS=${BENCH_HTTP_CONNECTIONS:-32}
NOTE="client, gateway, Kafka broker and baseline producer all run on this machine and share its $NPROC cores"

stop_stack() { stop_bg gateway TERM 30 || true; "$ROOT_DIR/scripts/kafka.sh" stop || true; }

run_baseline() {  # run_baseline ROUND
    local out
    out=$("$BASELINE_BIN" --bootstrap "$KAFKA_BOOTSTRAP" --topic "$TOPIC" --duration "$BENCH_DURATION" \
        --event-bytes "$EVENT_BYTES" --seed "$1" 2>>"$LOG_DIR/baseline.log" | tail -n 1) \
        || die "the baseline producer failed: $out (see $LOG_DIR/baseline.log)"
    bench_record gateway_ingest baseline "$(jq -c --argjson r "$1" '{round:$r} + .' <<<"$out")"
    printf '  round %s  baseline             %12.0f events/s\n' "$1" "$(jq -r .events_per_s <<<"$out")" >&2
}

run_gateway() {  # run_gateway ROUND BATCH
    local out
    out=$(emulator_load "$1" "$2") || die "emulator load failed (see $LOG_DIR/emulator.log)"
    [[ $(jq -r '.events_rejected + .events_unacked' <<<"$out") == 0 ]] \
        || die "emulator load: events rejected or unacknowledged: $out"
    bench_record gateway_ingest gateway "$(jq -c --argjson r "$1" --argjson b "$2" '{round:$r,batch:$b} + .' <<<"$out")"
    printf '  round %s  gateway batch %-4s  %12.0f events/s  (ack p50 %s ms, p99 %s ms)\n' "$1" "$2" \
        "$(jq -r .events_per_s <<<"$out")" "$(jq -r .latency_ms.p50 <<<"$out")" "$(jq -r .latency_ms.p99 <<<"$out")" >&2
}

run_http() {  # run_http ROUND BATCH
    local out
    out=$("$HTTP_LOAD_BIN" --port "$GATEWAY_PORT" --connections "$HTTP_CONNECTIONS" --batch "$2" \
        --duration "$BENCH_DURATION" --event-bytes "$EVENT_BYTES" --seed "$1" 2>>"$LOG_DIR/http_load.log") \
        || die "http_load failed: $out (see $LOG_DIR/http_load.log)"
    [[ $(jq -r '.events_rejected + .failed_requests' <<<"$out") == 0 ]] \
        || die "http_load: events rejected or requests failed: $out"
    bench_record gateway_ingest http "$(jq -c --argjson r "$1" '{round:$r} + .' <<<"$out")"
    printf '  round %s  HTTP batch %-4s     %12.0f events/s  (answer p50 %s ms, p99 %s ms)\n' "$1" "$2" \
        "$(jq -r .events_per_s <<<"$out")" "$(jq -r .latency_ms.p50 <<<"$out")" "$(jq -r .latency_ms.p99 <<<"$out")" >&2
}

trap stop_stack EXIT
fresh_kafka
topic "$TOPIC" "$PARTITIONS"
topic bench.deadletter 1
start_gateway RAW_TOPIC=$TOPIC DEADLETTER_TOPIC=bench.deadletter

log "gateway ingest: $BENCH_ROUNDS rounds of ${BENCH_DURATION}s, baseline and gateway alternating; $NOTE"
for ((r = 1; r <= BENCH_ROUNDS; r++)); do
    # Alternate the order between rounds, so neither side always runs on a warmer broker.
    if ((r % 2)); then
        run_baseline "$r"
        for b in "${BATCHES[@]}"; do run_gateway "$r" "$b"; run_http "$r" "$b"; done
    else
        for b in "${BATCHES[@]}"; do run_http "$r" "$b"; run_gateway "$r" "$b"; done
        run_baseline "$r"
    fi
done

base=$(run_values gateway_ingest baseline .events_per_s | median)
for b in "${BATCHES[@]}"; do
    gw=$(run_values gateway_ingest gateway .events_per_s ".batch==$b" | median)
    bench_summary gateway_ingest "gateway ingest, $CONNECTIONS conns, batch $b" "$base" "$gw" 0.5 ev/s \
        "median of $BENCH_ROUNDS alternating ${BENCH_DURATION}s runs, ~${EVENT_BYTES}-byte events, $PARTITIONS partitions, window $WINDOW; $NOTE"
    http=$(run_values gateway_ingest http .events_per_s ".batch==$b" | median)
    bench_summary gateway_ingest "gateway HTTP ingest, $HTTP_CONNECTIONS conns, batch $b" "$base" "$http" - ev/s \
        "POST /v1/events, median of $BENCH_ROUNDS alternating ${BENCH_DURATION}s runs, one request in flight per keep-alive connection; $NOTE"
done
