#!/usr/bin/env bash
# Benchmark "gateway overhead": what parsing and validating costs inside the gateway's own
# loop, with Kafka out of the picture. Both sides run gateway-bench (the release gateway built
# with its two benchmark modes, bench/gateway/bench_modes.hpp). Subject: the no-op sink
# (GATEWAY_SINK=noop: parse, validate, canonical JSON, delivery bookkeeping, ack; nothing
# written). Baseline: the same WebSocket loop with parsing off as well
# (GATEWAY_PARSE=off: every message acked as one event unread). Both driven by `emulator load`
# (BENCH_CONNECTIONS connections, batches of BENCH_BATCHES ~BENCH_EVENT_BYTES-byte events);
# events/s = messages acked x batch / duration for both (with parsing off the ack cannot count
# events). Rounds alternate; medians are compared. Goal: subject / baseline >= 0.8.
# Only gateway-bench has these settings; the gateway has neither. No broker is started.
#   Settings: the load's (bench/lib.sh): BENCH_CONNECTIONS (4), BENCH_BATCHES ("1 50"),
#             BENCH_EVENT_BYTES (200), BENCH_WINDOW (emulator --window, 256)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NOTE="client and gateway share this machine's $NPROC cores; no Kafka (no-op sink)"
GATEWAY_BIN=$GATEWAY_BENCH_BIN

stop_gateway() { stop_bg gateway TERM 30 || true; }

run_load() {  # run_load ROUND KIND BATCH GATEWAY_ENV...
    local round=$1 kind=$2 batch=$3 out rate
    shift 3
    start_gateway "$@"
    out=$(emulator_load "$round" "$batch" || true)
    stop_gateway
    [[ -n $out ]] || die "emulator load printed no result (see $LOG_DIR/emulator.log)"
    rate=$(jq -r --argjson b "$batch" '.messages_acked * $b / .duration_s' <<<"$out")
    bench_record gateway_overhead "$kind" \
        "$(jq -c --argjson r "$round" --argjson b "$batch" --argjson rate "$rate" \
            '{round:$r,batch:$b,events_per_s_by_messages:$rate} + .' <<<"$out")"
    printf '  round %s  %-14s batch %-4s %12.0f events/s  (ack p50 %s ms, p99 %s ms)\n' "$round" "$kind" \
        "$batch" "$rate" "$(jq -r .latency_ms.p50 <<<"$out")" "$(jq -r .latency_ms.p99 <<<"$out")" >&2
}

require_free_ports "$GATEWAY_PORT"
trap stop_gateway EXIT
log "gateway overhead: $BENCH_ROUNDS rounds of ${BENCH_DURATION}s, parsing on and off alternating; $NOTE"
for ((r = 1; r <= BENCH_ROUNDS; r++)); do
    for b in "${BATCHES[@]}"; do
        # Alternate the order, so neither side always runs second.
        if ((r % 2)); then
            run_load "$r" parse_off "$b" GATEWAY_SINK=noop GATEWAY_PARSE=off
            run_load "$r" noop_sink "$b" GATEWAY_SINK=noop
        else
            run_load "$r" noop_sink "$b" GATEWAY_SINK=noop
            run_load "$r" parse_off "$b" GATEWAY_SINK=noop GATEWAY_PARSE=off
        fi
    done
done

for b in "${BATCHES[@]}"; do
    base=$(run_values gateway_overhead parse_off .events_per_s_by_messages ".batch==$b" | median)
    subject=$(run_values gateway_overhead noop_sink .events_per_s_by_messages ".batch==$b" | median)
    bench_summary gateway_overhead "gateway overhead (no-op sink vs parse off), batch $b" "$base" "$subject" 0.8 ev/s \
        "median of $BENCH_ROUNDS alternating ${BENCH_DURATION}s runs, $CONNECTIONS conns, ~${EVENT_BYTES}-byte events, window $WINDOW; $NOTE"
done
