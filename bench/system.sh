#!/usr/bin/env bash
# Benchmark "whole system": the highest steady rate of the whole pipeline on this machine. The
# emulator's simulated shoppers send at each rate of BENCH_SYSTEM_RATES in turn for
# BENCH_SYSTEM_SECONDS; a rate is steady when
#   - the client and the gateway keep the pace: the emulator dropped no event for being overdue
#     (`dropped (lag)` in its progress lines) while it was measured, and
#   - neither stage fell behind between the middle and the end of the run by more than two
#     seconds' worth of its own input:
#       the Flink job: the events written to the raw topic minus the clean events it wrote to
#       analytics.events over the same half (one per event; copies resent after a reconnect are
#       dropped, well within the margin). Both are end offsets read from the broker in one call,
#       so they are live and of the same instant; the source's pendingRecords metric is not (it comes from the consumer's last fetch,
#       and a back-pressured source fetches rarely: at 20 000 events/s it read the same 388 686
#       at the middle and at the end of a run while the job fell further behind), and
#       ClickHouse: its Kafka tables' consumer groups on the analytics.* topics, in Flink's
#       output records, about two per event; their rate is measured over the same half, and
#   - no event went to events.late while it was measured: a job that falls behind must not make
#     up for it by dropping events (the live shoppers' events are never late otherwise).
# The figure is the rate the gateway accepted (its events_accepted counter), not the target: the
# simulated shoppers are a Poisson process around --rate. The ladder stops at the first rate that
# is not steady.
# Goal: >= 20000 events/s.
# No baseline: the figure is a rate, on this machine, with everything sharing its cores.
#   Settings: BENCH_SYSTEM_RATES ("2500 5000 10000 20000 30000"), BENCH_SYSTEM_SECONDS (60)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

RATES=(${BENCH_SYSTEM_RATES:-2500 5000 10000 20000 30000})
RUN_S=${BENCH_SYSTEM_SECONDS:-60}
NOTE="emulator, gateway, Kafka, Flink (parallelism 1) and ClickHouse all run on this machine and share its $NPROC cores"

# emulator_dropped: events the emulator has dropped as overdue so far (its latest progress line).
emulator_dropped() {
    { grep -o 'dropped (lag) [0-9]*' "$LOG_DIR/emulator.log" || echo "dropped (lag) 0"; } | tail -n 1 | awk '{print $3}'
}

# measure RATE: one step of the ladder; prints its JSON.
measure() {
    local rate=$1 half=$((RUN_S / 2)) a0 a1 t0 t1 tm te r_mid r_end o_mid o_end c_mid c_end cw_mid cw_end
    local c_rate actual d0 d1 l0 l1
    : >"$LOG_DIR/emulator.log"   # this step's progress lines only
    simulate_start "$rate" >&2
    sleep 15   # the emulator's warm-up and connection
    a0=$(gateway_metric gateway_events_accepted_total); t0=$SECONDS; d0=$(emulator_dropped); l0=$(topic_end "$LATE_TOPIC_NAME")
    sleep "$half"
    read -r r_mid o_mid < <(topic_ends "$RAW_TOPIC_NAME" "$EVENTS_TOPIC_NAME")
    read -r c_mid cw_mid < <(clickhouse_offsets); tm=$SECONDS
    sleep $((RUN_S - half))
    read -r r_end o_end < <(topic_ends "$RAW_TOPIC_NAME" "$EVENTS_TOPIC_NAME")
    read -r c_end cw_end < <(clickhouse_offsets); te=$SECONDS
    a1=$(gateway_metric gateway_events_accepted_total); t1=$SECONDS; d1=$(emulator_dropped); l1=$(topic_end "$LATE_TOPIC_NAME")
    simulate_stop >&2
    actual=$(((a1 - a0) / (t1 - t0)))
    c_rate=$(((cw_end - cw_mid) / (te - tm > 0 ? te - tm : 1)))   # ClickHouse's input, records/s
    jq -cn --argjson rate "$rate" --argjson actual "$actual" --argjson s "$RUN_S" \
        --argjson f_in $((r_end - r_mid)) --argjson f_out $((o_end - o_mid)) \
        --argjson c_mid "$c_mid" --argjson c_end "$c_end" \
        --argjson c_rate "$c_rate" --argjson dropped $((d1 - d0)) --argjson late $((l1 - l0)) '
        {target_rate:$rate, actual_rate:$actual, seconds:$s,
         flink_second_half:{events_in:$f_in, clean_events_out:$f_out, fell_behind_by:($f_in - $f_out)},
         clickhouse_lag:{mid:$c_mid,end:$c_end}, clickhouse_input_rate:$c_rate,
         emulator_dropped_overdue:$dropped, kept_up:($dropped == 0), late_events:$late,
         flink_lag_growing:($f_in - $f_out > $actual * 2),
         clickhouse_lag_growing:($c_end - $c_mid > $c_rate * 2)}
        | .steady = (.kept_up and (.flink_lag_growing | not) and (.clickhouse_lag_growing | not) and .late_events == 0)'
}

# drain: waits until both lags are (nearly) zero, so the next rate starts from a quiet pipeline.
drained() { local f; f=$(flink_pending_records || echo 1000000); ((f < 1000)) && (($(clickhouse_lag) < 1000)); }

trap stack_down EXIT
stack_up
best=0
for rate in "${RATES[@]}"; do
    log "whole system at $rate events/s for ${RUN_S}s"
    out=$(measure "$rate")
    bench_record system step "$out"
    log "  $(jq -c '{actual_rate,flink_second_half,clickhouse_lag,late_events,steady}' <<<"$out")"
    [[ $(jq -r .steady <<<"$out") == true ]] || break
    best=$(jq -r .actual_rate <<<"$out")
    wait_for "the pipeline to drain" 300 drained || break
done
bench_summary system "whole system, highest steady rate" null "$best" ">=20000" ev/s \
    "rates tried: ${RATES[*]} (${RUN_S}s each, up to the first unsteady one); $NOTE"
