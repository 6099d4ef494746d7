#!/usr/bin/env bash
# Benchmark "soak": the whole pipeline under steady traffic for a long time, to show what grows
# with time. The emulator's simulated shoppers send SOAK_RATE events/s (flat, returning after
# 2 min, brand-new visitors joining all the time, so the population grows: bench/lib.sh) for
# SOAK_DURATION seconds through `./pipeline up --no-emulator` (release build, the benchmark's
# ports), with the Flink job on STATE_BACKEND (rocksdb, the default, or hashmap).
# Every SOAK_SAMPLE_S (30 s) it samples
#   - the Flink JVM's heap used and GC time (jstat), the RSS of the Flink and Kafka JVMs,
#   - the state on disk: RocksDB's working files and the checkpoint folder (du),
#   - every checkpoint completed since the last sample: duration and size (Flink's REST API),
#   - consumer lag: Flink's group (offsets committed at checkpoints) and ClickHouse's groups,
# and every SOAK_FRESHNESS_S (5 s) the freshness: now minus the newest event time in
# analytics.events (read from its storage table, analytics.events_store: the same events
# without FINAL, whose merge the newest time does not need).
# Passes when, over the last third of the run,
#   - freshness p95 stays within 1.5x of the first third's,
#   - every checkpoint completes within 10 s (none fails, at least one completes per 20 s), and
#   - GC takes under 5 % of wall-clock time.
# Draws the samples with gnuplot (bench/soak.gnuplot): $PIPELINE_HOME/soak/<run>-<backend>.png,
# next to the samples as TSV files; on RocksDB also each state's keys and bytes at the end
# (<run>-rocksdb.state.tsv, from the job's RocksDB metrics).
#   Settings: SOAK_RATE (5000), SOAK_DURATION (1800 s), SOAK_SAMPLE_S (30), SOAK_FRESHNESS_S (5),
#             STATE_BACKEND (rocksdb), FLINK_JAVA_OPTS (scripts/lib.sh), EMULATOR_* (the shoppers)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

RATE=${SOAK_RATE:-5000}
DURATION=${SOAK_DURATION:-1800}
SAMPLE_S=${SOAK_SAMPLE_S:-30}
FRESHNESS_S=${SOAK_FRESHNESS_S:-5}
export STATE_BACKEND=${STATE_BACKEND:-rocksdb}
OUT="$PIPELINE_HOME/soak"
NAME="$BENCH_RUN_ID-$STATE_BACKEND"
SAMPLES="$OUT/$NAME.samples.tsv" CHECKPOINTS="$OUT/$NAME.checkpoints.tsv" FRESHNESS="$OUT/$NAME.freshness.tsv"
CHART="$OUT/$NAME.png" STATES="$OUT/$NAME.state.tsv"
REST="http://127.0.0.1:$FLINK_REST_PORT"
NOTE="emulator, gateway, Kafka, Flink (parallelism 1, $STATE_BACKEND) and ClickHouse all run on this machine and share its $NPROC cores"
mkdir -p "$OUT"

ch_query() { "$ROOT_DIR/scripts/clickhouse.sh" query "$1" 2>/dev/null; }
now_ms() { date +%s%3N; }

# jvm_heap_gc PID: "HEAP_USED_MIB GC_SECONDS" of a JVM (jstat: survivors + eden + old; all collections).
jvm_heap_gc() {
    jstat -gc "$1" 2>/dev/null | awk 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i}
        NR == 2 {printf "%.1f %.3f\n", ($c["S0U"] + $c["S1U"] + $c["EU"] + $c["OU"]) / 1024, $c["GCT"]}'
}
rss_mib() { awk '/^VmRSS:/ {printf "%.1f\n", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo NaN; }
du_mib() { if [[ -d $1 ]]; then du -sk "$1" 2>/dev/null | awk '{printf "%.1f\n", $1 / 1024}'; else echo 0; fi; }

# group_offsets: "FLINK_LAG CLICKHOUSE_LAG" in records, from one describe of every consumer group.
group_offsets() {
    "$ROOT_DIR/scripts/kafka.sh" run-class org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
        --bootstrap-server "$KAFKA_BOOTSTRAP" --describe --all-groups 2>/dev/null \
        | awk -v f="${CONSUMER_GROUP:-analytics-flink}" -v c="${CLICKHOUSE_KAFKA_GROUP:-clickhouse}." '
            $6 ~ /^[0-9]+$/ && $1 == f {fl += $6}
            $6 ~ /^[0-9]+$/ && index($1, c) == 1 {cl += $6}
            END {print fl + 0, cl + 0}'
}

# new_checkpoints: appends the checkpoints completed since the last call to $CHECKPOINTS
# (t_s id duration_ms state_size_mib checkpointed_mib) and prints the job's failed count.
last_checkpoint=0 failed_checkpoints=0
new_checkpoints() {
    local jid stats
    jid=$(curl -fsS --max-time 5 "$REST/jobs/overview" | jq -r '[.jobs[] | select(.state=="RUNNING")][0].jid // empty') || return 0
    [[ -n $jid ]] || return 0
    stats=$(curl -fsS --max-time 5 "$REST/jobs/$jid/checkpoints") || return 0
    jq -r --argjson last "$last_checkpoint" --argjson t0 "$T0_MS" '.history[]
        | select(.status == "COMPLETED" and .id > $last)
        | [((.latest_ack_timestamp - $t0) / 1000 | floor), .id, .end_to_end_duration,
           (.state_size / 1048576 * 10 | round / 10), (.checkpointed_size / 1048576 * 10 | round / 10)] | @tsv' \
        <<<"$stats" | sort -n -k2 >>"$CHECKPOINTS"
    last_checkpoint=$(awk 'NR > 1 {id = $2} END {print id + 0}' "$CHECKPOINTS")
    failed_checkpoints=$(jq -r '.counts.failed' <<<"$stats")
}

# state_metrics: per state (RocksDB column family) the estimated keys, bytes in its files and in
# memory, from the native metrics the job enables (summed over subtasks), as a TSV file.
state_metrics() {
    local jid vid ids id
    jid=$(curl -fsS --max-time 5 "$REST/jobs/overview" | jq -r '[.jobs[] | select(.state=="RUNNING")][0].jid // empty') || return 0
    [[ -n $jid ]] || return 0
    printf 'metric\tsum\n' >"$STATES"
    for vid in $(curl -fsS --max-time 5 "$REST/jobs/$jid" | jq -r '.vertices[].id'); do
        ids=$(curl -fsS --max-time 5 "$REST/jobs/$jid/vertices/$vid/subtasks/metrics" \
            | jq -r '[.[].id | select(test("\\.rocksdb_(estimate-num-keys|total-sst-files-size|estimate-live-data-size|size-all-mem-tables)$"))] | join(",")')
        [[ -n $ids ]] || continue
        curl -fsS --max-time 10 "$REST/jobs/$jid/vertices/$vid/subtasks/metrics?get=$ids&agg=sum" \
            | jq -r '.[] | [.id, .sum] | @tsv' >>"$STATES"
    done
}

sample() {
    local t=$1 fpid kpid heap gc frss krss state ckpt lag
    fpid=$(running_pid flink || true); kpid=$(running_pid kafka || true)
    read -r heap gc < <( [[ -n $fpid ]] && jvm_heap_gc "$fpid" || echo "NaN NaN")
    frss=$( [[ -n $fpid ]] && rss_mib "$fpid" || echo NaN); krss=$( [[ -n $kpid ]] && rss_mib "$kpid" || echo NaN)
    state=$(du_mib "$DATA_DIR/flink-rocksdb"); ckpt=$(du_mib "$DATA_DIR/flink-checkpoints")
    lag=$(group_offsets || echo "NaN NaN")
    new_checkpoints || true
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$heap" "$gc" "$frss" "$krss" "$state" "$ckpt" \
        "${lag// /$'\t'}" "$failed_checkpoints" "$(cut -d' ' -f1 /proc/loadavg)" >>"$SAMPLES"
}

freshness() {
    local newest
    newest=$(ch_query "SELECT max(ts_ms) FROM analytics.events_store") || return 0
    [[ $newest =~ ^[0-9]+$ && $newest -gt 0 ]] || return 0
    printf '%s\t%s\n' "$1" "$(awk -v n="$(now_ms)" -v e="$newest" 'BEGIN {printf "%.2f", (n - e) / 1000}')" >>"$FRESHNESS"
}

# --- the run ----------------------------------------------------------------------------------
printf 't_s\theap_mib\tgc_s\tflink_rss_mib\tkafka_rss_mib\trocksdb_mib\tcheckpoints_mib\tflink_lag\tclickhouse_lag\tfailed_checkpoints\tload1\n' >"$SAMPLES"
printf 't_s\tid\tduration_ms\tstate_mib\tcheckpointed_mib\n' >"$CHECKPOINTS"
printf 't_s\tfreshness_s\n' >"$FRESHNESS"
trap stack_down EXIT
stack_up
simulate_start "$RATE"
log "soak: $RATE events/s for ${DURATION}s, Flink on $STATE_BACKEND; samples every ${SAMPLE_S}s in $OUT/$NAME.*"
T0_MS=$(now_ms); t0=$SECONDS; next_sample=0; next_fresh=0
accepted0=$(gateway_metric gateway_events_accepted_total || echo 0)
while (( (t = SECONDS - t0) < DURATION )); do
    if ((t >= next_fresh)); then freshness "$t"; next_fresh=$((t + FRESHNESS_S)); fi
    if ((t >= next_sample)); then
        sample "$t"; next_sample=$((t + SAMPLE_S))
        log "  $(tail -n 1 "$SAMPLES" | awk '{printf "t=%ss heap %s MiB, rss %s MiB, rocksdb %s MiB, checkpoints %s MiB, lag %s / %s", $1, $2, $4, $6, $7, $8, $9}'), freshness $(tail -n +2 "$FRESHNESS" | tail -n 1 | cut -f2)s"
    fi
    sleep 1
done
sample "$DURATION"
[[ $STATE_BACKEND == rocksdb ]] && state_metrics
accepted1=$(gateway_metric gateway_events_accepted_total || echo 0)
simulate_stop
actual=$(((accepted1 - accepted0) / DURATION))

# --- the verdict over thirds ------------------------------------------------------------------
third=$((DURATION / 3)); last_from=$((DURATION - third))
p95() { sort -g | awk '{a[NR] = $1} END {if (NR == 0) print "null"; else {i = int(NR * 0.95 + 0.999999); if (i > NR) i = NR; print a[i]}}'; }
fresh_first=$(awk -v e="$third" 'NR > 1 && $1 < e {print $2}' "$FRESHNESS" | p95)
fresh_last=$(awk -v s="$last_from" 'NR > 1 && $1 >= s {print $2}' "$FRESHNESS" | p95)
ckpt_max=$(awk -v s="$last_from" 'NR > 1 && $1 >= s {if ($3 > m) m = $3; n++} END {print (n ? m : "null")}' "$CHECKPOINTS")
ckpt_count=$(awk -v s="$last_from" 'NR > 1 && $1 >= s {n++} END {print n + 0}' "$CHECKPOINTS")
# checkpoints that failed in the last third (Flink counts them since the job started)
failed=$(awk -v s="$last_from" 'NR > 1 && $10 ~ /^[0-9]+$/ {if ($1 <= s || f0 == "") f0 = $10; f1 = $10}
    END {print (f1 == "" ? "null" : f1 - f0)}' "$SAMPLES")
# GC share of the last third: GC seconds over wall seconds between the samples that bound it
gc_pct=$(awk -v s="$last_from" 'NR > 1 && $3 != "NaN" {if ($1 <= s || t0 == "") {t0 = $1; g0 = $3} t1 = $1; g1 = $3}
    END {print (t1 > t0 ? (g1 - g0) / (t1 - t0) * 100 : "null")}' "$SAMPLES")
gc_all=$(awk 'NR == 2 {t0 = $1; g0 = $3} NR > 1 && $3 != "NaN" {t1 = $1; g1 = $3} END {print (t1 > t0 ? (g1 - g0) / (t1 - t0) * 100 : "null")}' "$SAMPLES")
last_row=$(tail -n 1 "$SAMPLES")
# the machine's load average (1 min) over each third: these machines are shared
load_first=$(awk -v e="$third" 'NR > 1 && $1 < e {s += $11; n++} END {print (n ? s / n : "null")}' "$SAMPLES")
load_last=$(awk -v s="$last_from" 'NR > 1 && $1 >= s {t += $11; n++} END {print (n ? t / n : "null")}' "$SAMPLES")
verdict=$(jq -cn --arg backend "$STATE_BACKEND" --argjson rate "$RATE" --argjson actual "$actual" --argjson d "$DURATION" \
    --argjson ff "$fresh_first" --argjson fl "$fresh_last" --argjson cm "$ckpt_max" --argjson cn "$ckpt_count" \
    --argjson failed "$failed" --argjson gc "$gc_pct" --argjson gc_all "$gc_all" --arg last "$last_row" \
    --argjson lf "$load_first" --argjson ll "$load_last" '
    ($last | split("\t")) as $r
    | {state_backend:$backend, target_rate:$rate, actual_rate:$actual, seconds:$d,
       freshness_p95_s:{first_third:$ff, last_third:$fl}, checkpoints_last_third:{count:$cn, slowest_ms:$cm},
       checkpoints_failed_last_third:$failed, gc_percent:{last_third:$gc, whole_run:$gc_all},
       load_average:{first_third:$lf, last_third:$ll},
       at_the_end:{heap_mib:$r[1], flink_rss_mib:$r[3], rocksdb_mib:$r[5], checkpoints_mib:$r[6],
                   flink_lag:$r[7], clickhouse_lag:$r[8]}}
    | .freshness_held = ($ff != null and $fl != null and $fl <= 1.5 * $ff)
    | .checkpoints_held = ($cm != null and $cm <= 10000 and $failed == 0 and $cn >= ($d / 3 / 20))
    | .gc_held = ($gc != null and $gc < 5)
    | .passed = (.freshness_held and .checkpoints_held and .gc_held)')
bench_record soak run "$verdict"
log "soak verdict: $verdict"

gnuplot -e "samples='$SAMPLES'; checkpoints='$CHECKPOINTS'; freshness='$FRESHNESS'; out='$CHART'; minutes=$DURATION/60.0" \
    -e "title='soak: $actual events/s for $((DURATION / 60)) min, Flink on $STATE_BACKEND (run $BENCH_RUN_ID)'" \
    "$ROOT_DIR/bench/soak.gnuplot" || warn "gnuplot failed: no chart"
[[ -f $CHART ]] && log "chart: $CHART"

bench_summary soak "soak $STATE_BACKEND: freshness p95, last third vs first" "$fresh_first" "$fresh_last" "<=1.5" s \
    "$actual ev/s for ${DURATION}s; samples every ${FRESHNESS_S}s; load average $load_first then $load_last; $NOTE"
bench_summary soak "soak $STATE_BACKEND: slowest checkpoint, last third" null "$ckpt_max" "<=10000" ms \
    "$ckpt_count checkpoints completed in the last third (at least one per 20 s needed), $failed failed; $NOTE"
bench_summary soak "soak $STATE_BACKEND: GC share of wall time, last third" null "$gc_pct" "<=5" % \
    "whole run: $gc_all %; $NOTE"
[[ $(jq -r .passed <<<"$verdict") == true ]] || die "the soak did not hold (see $OUT/$NAME.*)"
