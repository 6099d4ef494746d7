# Shared by the benchmark scripts bench/<name>.sh (run them with `./pipeline bench [name...]`).
# Source it; do not execute it. It gives every benchmark:
#   - its own stack folder and ports: PIPELINE_HOME=.pipeline/bench, usual ports + BENCH_PORT_OFFSET
#     (default 10000), so a running `./pipeline up` or test stack is left alone. The ports stay
#     below the kernel's ephemeral range (32768-60999), where any outgoing connection may hold
#     a port for a moment and make a server's bind fail;
#   - the machine it runs on (MACHINE_JSON, machine_line), because a figure without its machine
#     means nothing, and on a 2-core machine every component shares the cores;
#   - result recording: one JSON line per measurement and one "summary" line per figure in
#     $PIPELINE_HOME/results.jsonl, tagged with BENCH_RUN_ID so the final table shows this run only;
#   - median (of alternating rounds: these machines are shared and noisy) and a fresh Kafka.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_o=${BENCH_PORT_OFFSET:-10000}
export PIPELINE_HOME="$BENCH_ROOT/.pipeline/bench"
export KAFKA_PORT=$((9092 + _o)) KAFKA_CONTROLLER_PORT=$((9093 + _o))
export KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT GATEWAY_PORT=$((8080 + _o)) FLINK_REST_PORT=$((8081 + _o))
export CLICKHOUSE_HTTP_PORT=$((8123 + _o)) CLICKHOUSE_TCP_PORT=$((9000 + _o))
source "$BENCH_ROOT/scripts/lib.sh"

export BENCH_RUN_ID=${BENCH_RUN_ID:-$(date -u +%Y%m%dT%H%M%SZ)}
RESULTS="$PIPELINE_HOME/results.jsonl"
BENCH_DURATION=${BENCH_DURATION:-10}
BENCH_ROUNDS=${BENCH_ROUNDS:-3}
GATEWAY_BIN="$ROOT_DIR/build/release/gateway/gateway"
EMULATOR_BIN="$ROOT_DIR/build/release/emulator/emulator"

# --- the machine ------------------------------------------------------------------------------
CPU_MODEL=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
MEM_KB=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
NPROC=$(nproc)
MACHINE_JSON=$(jq -cn --arg cpu "$CPU_MODEL" --argjson nproc "$NPROC" --argjson mem "$MEM_KB" \
    --arg kernel "$(uname -r)" '{nproc:$nproc,mem_total_kb:$mem,cpu_model:$cpu,kernel:$kernel}')
machine_line() { echo "machine: $NPROC cores ($CPU_MODEL), $((MEM_KB / 1024)) MiB RAM; load average $(cut -d' ' -f1-3 /proc/loadavg)"; }

# --- results ----------------------------------------------------------------------------------
# bench_record BENCH KIND JSON: one measurement (KIND: baseline, subject, ...), JSON = its figures.
bench_record() {
    jq -cn --arg bench "$1" --arg kind "$2" --argjson raw "$3" --arg run "$BENCH_RUN_ID" \
        --arg ts "$(date -u +%FT%TZ)" --argjson machine "$MACHINE_JSON" \
        '{bench:$bench,run:$run,ts:$ts,kind:$kind} + $raw + {machine:$machine}' >>"$RESULTS"
}

# bench_summary BENCH WHAT BASELINE RESULT GOAL UNIT NOTE: the figure the table and README show.
#   With a BASELINE, ratio = RESULT / BASELINE and GOAL is a minimum ratio ("0.5").
#   Without one (BASELINE "null"), GOAL compares RESULT itself: "<=3000" or ">=20000".
#   GOAL "-": a figure reported beside one that has the goal (met is then null).
bench_summary() {
    jq -cn --arg bench "$1" --arg what "$2" --argjson base "$3" --argjson result "$4" --arg goal "$5" \
        --arg unit "$6" --arg note "$7" --arg run "$BENCH_RUN_ID" --arg ts "$(date -u +%FT%TZ)" \
        --argjson machine "$MACHINE_JSON" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" '
        (if $goal == "-" then null else ($goal | capture("^(?<op><=|>=)?(?<v>[0-9.]+)$")) end) as $g
        | (if $base == null then null elif $base > 0 then (($result / $base) * 100 | round) / 100 else 0 end) as $ratio
        | (if $base != null then $ratio else $result end) as $x
        | {bench:$bench,run:$run,ts:$ts,kind:"summary",what:$what,baseline:$base,result:$result,unit:$unit,
           ratio:$ratio,goal:$goal,
           met:(if $g == null then null elif $x == null then false elif $g.op == "<=" then $x <= ($g.v|tonumber) else $x >= ($g.v|tonumber) end),
           note:$note,load_average:$load,machine:$machine}' >>"$RESULTS"
}

# run_values BENCH KIND FIELD [SELECT]: this run's values of FIELD (jq path) for KIND, one per line.
run_values() {
    jq -r --arg run "$BENCH_RUN_ID" --arg bench "$1" --arg kind "$2" \
        "select(.run==\$run and .bench==\$bench and .kind==\$kind ${4:+and ($4)}) | $3" "$RESULTS"
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "null"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# print_summaries [BENCH]: this run's summary lines as a table.
print_summaries() {
    printf '%-52s %12s %12s %-6s %6s %-8s %s\n' what baseline result unit ratio goal met
    jq -r --arg run "$BENCH_RUN_ID" --arg bench "${1:-}" \
        'select(.run==$run and .kind=="summary" and ($bench=="" or .bench==$bench))
         | [.what, (.baseline // "-"), .result, .unit, (.ratio // "-"), .goal, (if .met == null then "-" elif .met then "yes" else "NO" end)] | @tsv' \
        "$RESULTS" | while IFS=$'\t' read -r what base result unit ratio goal met; do
        [[ $base == - ]] || base=$(printf '%.0f' "$base")
        printf '%-52s %12s %12.0f %-6s %6s %-8s %s\n' "$what" "$base" "$result" "$unit" "$ratio" "$goal" "$met"
    done
}

# --- building and the stack -------------------------------------------------------------------
# build_release: the programs (release preset) and the benchmark helpers (bench preset).
build_release() {
    "$ROOT_DIR/scripts/build.sh" cpp release
    cmake --preset bench >"$LOG_DIR/cmake-configure-bench.log" \
        || { cat "$LOG_DIR/cmake-configure-bench.log" >&2; die "cmake configure failed"; }
    cmake --build --preset bench | sed -u 's/^/  /' >&2
}

# require_free_ports NAME...: the benchmark's ports must be ours or free.
require_free_ports() {
    local name p
    for name in kafka gateway flink clickhouse; do is_running "$name" && return 0; done
    for p in "$@"; do
        port_open "$p" && die "port $p is taken by another process; set BENCH_PORT_OFFSET"
    done
    return 0
}

# fresh_kafka: a wiped broker, so every run starts with empty topics.
fresh_kafka() {
    require_free_ports "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$GATEWAY_PORT" "$FLINK_REST_PORT"
    "$ROOT_DIR/scripts/kafka.sh" stop || true
    "$ROOT_DIR/scripts/kafka.sh" wipe
    "$ROOT_DIR/scripts/kafka.sh" start
}

# fill_raw_topic EVENTS BENCH: events.raw (with the pipeline's topics) holding EVENTS events of
# simulated shoppers (bench/raw_topic_filler.cpp: the emulator's behaviour model, in event-time
# order, 1 % duplicates); the filler's figures are recorded under BENCH.
fill_raw_topic() {
    local fill
    "$ROOT_DIR/scripts/create-topics.sh"
    log "filling events.raw with $1 simulated events"
    fill=$("$ROOT_DIR/build/bench/bench/raw_topic_filler" --bootstrap "$KAFKA_BOOTSTRAP" --topic events.raw \
        --events "$1" 2>>"$LOG_DIR/filler.log") || die "raw_topic_filler failed (see $LOG_DIR/filler.log)"
    bench_record "$2" fill "$fill"
    log "filled: $fill"
}

# topic NAME PARTITIONS
topic() {
    "$ROOT_DIR/scripts/kafka.sh" run-class org.apache.kafka.tools.TopicCommand \
        --bootstrap-server "$KAFKA_BOOTSTRAP" --create --if-not-exists --topic "$1" \
        --partitions "$2" --replication-factor 1 --config min.insync.replicas=1 >/dev/null
    log "topic $1 created ($2 partitions)"
}

gateway_healthy() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$GATEWAY_PORT/health" 2>/dev/null; }

# start_gateway [ENV=VALUE...]: the release gateway on GATEWAY_PORT, waits until healthy.
start_gateway() {
    (   # a subshell, so the settings reach this gateway only
        (($#)) && export "$@"
        export GATEWAY_LOG_INTERVAL_S=${GATEWAY_LOG_INTERVAL_S:-60}
        start_bg gateway "$GATEWAY_BIN"
    )
    wait_for "the gateway on :$GATEWAY_PORT" 60 gateway_healthy \
        || { tail -n 20 "$LOG_DIR/gateway.log" >&2; die "the gateway did not become healthy"; }
}

# --- emulator load (gateway-ingest, gateway-overhead) ----------------------------------------
# The load both gateway benchmarks drive, with the same settings: BENCH_CONNECTIONS (4),
# BENCH_BATCHES ("1 50"), BENCH_EVENT_BYTES (200), BENCH_WINDOW (emulator --window, 256).
CONNECTIONS=${BENCH_CONNECTIONS:-4}
BATCHES=(${BENCH_BATCHES:-1 50})
EVENT_BYTES=${BENCH_EVENT_BYTES:-200}
WINDOW=${BENCH_WINDOW:-256}

# emulator_load SEED BATCH: one BENCH_DURATION run of `emulator load` against the gateway;
# prints its JSON summary line. Fails when the emulator or the pipeline does.
emulator_load() {
    "$EMULATOR_BIN" load --url "ws://127.0.0.1:$GATEWAY_PORT/ws/events" --connections "$CONNECTIONS" \
        --batch "$2" --window "$WINDOW" --duration "$BENCH_DURATION" --event-bytes "$EVENT_BYTES" \
        --seed "$1" --log-level warn 2>>"$LOG_DIR/emulator.log" | grep '^{"mode":"load"' | tail -n 1
}

# --- the whole pipeline -----------------------------------------------------------------------
# stack_up: a fresh `./pipeline up --no-emulator` on the benchmark's ports and folder (release).
stack_up() {
    require_free_ports "$KAFKA_PORT" "$GATEWAY_PORT" "$FLINK_REST_PORT" "$CLICKHOUSE_HTTP_PORT" "$CLICKHOUSE_TCP_PORT"
    "$ROOT_DIR/pipeline" down -v >/dev/null 2>&1 || true
    "$ROOT_DIR/pipeline" up --no-emulator
}
stack_down() { "$ROOT_DIR/pipeline" down -v || true; }

# simulate_start RATE [OPTIONS...]: the emulator's simulated shoppers at RATE events/s, flat
# (no daily curve), in the background; its JSON summary lands in $LOG_DIR/emulator.log.
# Users come back after 2 min instead of 30 (--min-session-gap 120, so think times stop at
# 60 s instead of 600) and the warm-up is 3 min:
# with the defaults the population must hold every user of the last half hour (about
# 400 x RATE users: 2M at 5000 events/s, past --max-users' 1M, after which sessions are
# skipped and the rate falls). A returning user's sessions then merge in Flink (SESSION_GAP
# is 30 min), which changes the session figures, not the load.
simulate_start() {
    local rate=$1; shift
    start_bg emulator "$EMULATOR_BIN" simulate --url "ws://127.0.0.1:$GATEWAY_PORT/ws/events" \
        --rate "$rate" --daily-curve false --min-session-gap 120 --think-max 60 --warmup 180 --progress 10 "$@"
}
simulate_stop() { stop_bg emulator INT 30; }

# gateway_metric NAME: a counter from the gateway's /metrics.
gateway_metric() {
    curl -fsS --max-time 5 "http://127.0.0.1:$GATEWAY_PORT/metrics" | awk -v n="$1" '$1 == n {print $2}'
}

# flink_pending_records: records the Flink job's Kafka source has not read yet (its
# pendingRecords metric, summed over subtasks), without waiting for the offsets it commits on
# checkpoints. Not live under back-pressure: it comes from the consumer's last fetch, and a
# back-pressured source fetches rarely (system.sh measures falling behind from end offsets).
flink_pending_records() {
    local try
    for try in 1 2 3; do _flink_pending_records && return 0; sleep 1; done
    return 1
}
_flink_pending_records() {
    local rest="http://127.0.0.1:$FLINK_REST_PORT" job vertex metric
    job=$(curl -fsS --max-time 5 "$rest/jobs/overview" | jq -r '[.jobs[] | select(.state=="RUNNING")][0].jid') || return 1
    vertex=$(curl -fsS --max-time 5 "$rest/jobs/$job" | jq -r '.vertices[0].id') || return 1
    metric=$(curl -fsS --max-time 5 "$rest/jobs/$job/vertices/$vertex/subtasks/metrics" \
        | jq -r '[.[].id | select(endswith(".pendingRecords"))][0]') || return 1
    [[ -n $metric && $metric != null ]] || return 1
    local v
    v=$(curl -fsS --max-time 5 "$rest/jobs/$job/vertices/$vertex/subtasks/metrics?get=$metric&agg=sum" \
        | jq -r '.[0].sum // empty | floor') || return 1
    [[ -n $v ]] && echo "$v"
}

# topic_ends TOPIC...: the number of records ever written to each TOPIC (sum of its partitions'
# end offsets), in the order given, from one call: one reading for all of them, not one a few
# seconds apart per topic (each call starts a JVM).
topic_ends() {
    local names=("${@//./\\.}")   # a topic name as a regular expression: its dots literal
    "$ROOT_DIR/scripts/kafka.sh" run-class org.apache.kafka.tools.GetOffsetShell \
        --bootstrap-server "$KAFKA_BOOTSTRAP" --topic "^($(IFS='|'; echo "${names[*]}"))\$" 2>/dev/null \
        | awk -F: -v want="$*" '{n[$1] += $3}
            END {k = split(want, t, " "); for (i = 1; i <= k; i++) printf "%s%d", (i > 1 ? " " : ""), n[t[i]]; print ""}'
}

# topic_end TOPIC: the number of records ever written to TOPIC.
topic_end() { topic_ends "$1"; }

# clickhouse_offsets: "LAG END" over ClickHouse's consumer groups (one per Kafka table): the
# records on the topics they read that they have not committed yet, and the records ever written
# to those topics (its input, which grows at Flink's output rate, not at the event rate).
clickhouse_offsets() {
    "$ROOT_DIR/scripts/kafka.sh" run-class org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
        --bootstrap-server "$KAFKA_BOOTSTRAP" --describe --all-groups 2>/dev/null \
        | awk -v g="${CLICKHOUSE_KAFKA_GROUP:-clickhouse}." \
            'index($1, g) == 1 && $6 ~ /^[0-9]+$/ {lag += $6; end += $5} END {print lag + 0, end + 0}'
}

clickhouse_lag() { clickhouse_offsets | cut -d' ' -f1; }
