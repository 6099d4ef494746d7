#!/usr/bin/env bash
# Fault injection and probes for the chaos test (tests/chaos), on the stack of $PIPELINE_HOME.
# ./pipeline test chaos runs it with the test stack's settings (folder, ports, debug build).
#
#   chaos-ctl.sh fresh                   kill our stack (kill -9, it is thrown away), delete its
#                                        data, start it again with `./pipeline up --no-emulator`
#   chaos-ctl.sh kill COMPONENT          kill -9 the component's process group, wait until gone
#   chaos-ctl.sh freeze-kill COMPONENT S SIGSTOP it, wait S seconds (clients keep writing into
#                                        its sockets), then kill -9: the kill finds work in flight
#   chaos-ctl.sh start|stop COMPONENT    ./pipeline start|stop COMPONENT (with its health check)
#   chaos-ctl.sh gateway-metric NAME     a counter of the gateway's /metrics (fails when it is down)
#   chaos-ctl.sh flink-checkpoints       "completed=N latest_id=N restored=N restored_id=N" of the
#                                        running job (counts, newest completed checkpoint, restored one)
#   chaos-ctl.sh report FILE             the JSON lines the chaos test wrote, as a table
#   chaos-ctl.sh down                    kill -9 our stack (after the test; its data is disposable)
# With Flink as a cluster (FLINK_TASKMANAGERS, tests/cluster), its processes are components too
# (kill flink-taskmanager-1), and:
#   chaos-ctl.sh rescale N               ./pipeline rescale N (stop with a savepoint, resume at N)
#   chaos-ctl.sh flink-job               "jid=.. state=.. parallelism=.. tasks=R/T running_s=.. restored=.."
#   chaos-ctl.sh submit P [TOPIC N]      `flink run` of a second job at parallelism P (reading TOPIC,
#                                        created with N partitions): its output; fails when refused;
#                                        a job it did submit is cancelled at once
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PIPELINE="$ROOT_DIR/pipeline"

# kill -9 the process group of one of our components (pid file; never anything else).
kill_component() {
    local name=$1 pid
    pid=$(running_pid "$name") || { log "$name is not running"; return 0; }
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while [[ -d /proc/$pid ]] && ((SECONDS < deadline)); do sleep 0.1; done
    [[ ! -d /proc/$pid ]] || die "$name (pid $pid) survived kill -9"
    log "$name killed (kill -9, pid $pid)"
}

freeze_kill() {
    local name=$1 seconds=$2 pid
    pid=$(running_pid "$name") || die "$name is not running"
    kill -STOP -- "-$pid" 2>/dev/null || kill -STOP "$pid"
    log "$name frozen (SIGSTOP, pid $pid) for ${seconds}s"
    sleep "$seconds"
    kill_component "$name"
}

# The test ports lie in Linux's ephemeral range (32768-60999), so any outgoing connection on this
# shared machine may hold one for a while (ClickHouse once failed with "Address already in use"
# on its native port). A start that fails is retried, and the sockets on our ports are shown.
ports=("$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "${CLICKHOUSE_HTTP_PORT:-8123}" "${CLICKHOUSE_TCP_PORT:-9000}"
       "$GATEWAY_PORT" "$FLINK_REST_PORT")
show_port_holders() {
    local p
    for p in "${ports[@]}"; do ss -Htanp "sport = :$p" 2>/dev/null | grep -v LISTEN || true; done >&2
}

# retry WHAT COMMAND...: up to 3 attempts, 5 s apart.
retry() {
    local what=$1 attempt; shift
    for attempt in 1 2 3; do
        "$@" && return 0
        warn "$what failed (attempt $attempt of 3); sockets on the stack's ports:"
        show_port_holders
        ((attempt == 3)) || sleep 5
    done
    return 1
}

# A start that failed may leave a process that never got healthy: it goes before the next try.
start_once() { "$PIPELINE" start "$1" || { kill_component "$1"; return 1; }; }

# Every component of ours, whichever mode Flink runs in: one pid file each.
kill_all() {
    local f
    for f in "$RUN_DIR"/*.pid; do [[ -e $f ]] && kill_component "$(basename "$f" .pid)"; done
    return 0
}

fresh_once() {
    kill_all
    rm -rf "$DATA_DIR"
    mkdir -p "$DATA_DIR"
    log "local data deleted ($DATA_DIR)"
    "$PIPELINE" up --no-emulator
}

# gateway_metric NAME: e.g. gateway_acks_sent_total (counted since the gateway started).
gateway_metric() {
    local text
    text=$(curl -fsS --max-time 2 "http://127.0.0.1:$GATEWAY_PORT/metrics") || return 1
    sed -n "s/^$1 \([0-9]*\).*/\1/p" <<<"$text" | grep . || return 1
}

flink_checkpoints() {
    local base="http://127.0.0.1:$FLINK_REST_PORT" jid stats
    # the job that is not over (a cluster keeps the ones a rescale stopped)
    jid=$(curl -fsS --max-time 2 "$base/jobs/overview" \
        | jq -r '[.jobs[] | select(.state | IN("FINISHED", "CANCELED", "FAILED") | not)][0].jid // empty')
    [[ -n $jid ]] || return 1
    stats=$(curl -fsS --max-time 2 "$base/jobs/$jid/checkpoints") || return 1
    # counts.completed / counts.restored are numbers; latest.completed / latest.restored are
    # objects (or null) with the checkpoint's id.
    local completed restored latest_id restored_id
    completed=$(grep -o '"completed":[0-9]*' <<<"$stats" | head -n 1 | cut -d: -f2)
    restored=$(grep -o '"restored":[0-9]*' <<<"$stats" | head -n 1 | cut -d: -f2)
    latest_id=$(grep -o '"completed":{[^}]*' <<<"$stats" | head -n 1 | grep -o '"id":[0-9]*' | cut -d: -f2 || true)
    restored_id=$(grep -o '"restored":{[^}]*' <<<"$stats" | head -n 1 | grep -o '"id":[0-9]*' | cut -d: -f2 || true)
    echo "completed=${completed:-0} latest_id=${latest_id:-none} restored=${restored:-0} restored_id=${restored_id:-none}"
}

# report FILE: one row per JSON line; the fields are flat numbers and strings.
report() {
    local file=$1 line
    [[ -s $file ]] || { echo "(no chaos results in $file)"; return 0; }
    field() {   # a string field, else a number
        local v
        v=$(sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" <<<"$line")
        [[ -n $v ]] || v=$(sed -n "s/.*\"$1\":\([^,}\"]*\).*/\1/p" <<<"$line")
        echo "$v"
    }
    printf '%-16s %-6s %10s %10s %10s %12s %10s  %s\n' fault result "restart s" "flow s" \
        "replay s" "complete s" "idle flush" evidence
    while IFS= read -r line; do
        printf '%-16s %-6s %10s %10s %10s %12s %10s  %s\n' "$(field fault)" "$(field result)" \
            "$(field restart_s)" "$(field flow_s)" "$(field replay_end_s)" "$(field complete_s)" \
            "$(field idle_flush)" "$(field evidence)"
    done <"$file"
    echo "(seconds from the fault: component healthy again, data flowing through it again, replay" \
         "finished, ClickHouse equal to the oracle)"
}

case "${1:-}" in
    fresh) retry "starting a fresh stack" fresh_once ;;
    kill) kill_component "${2:?component}" ;;
    freeze-kill) freeze_kill "${2:?component}" "${3:?seconds}" ;;
    start) retry "starting ${2:?component}" start_once "$2" ;;
    stop) "$PIPELINE" stop "${2:?component}" ;;
    gateway-metric) gateway_metric "${2:?metric name}" ;;
    flink-checkpoints) flink_checkpoints ;;
    report) report "${2:?file}" ;;
    down) kill_all ;;
    rescale) "$PIPELINE" rescale "${2:?parallelism}" ;;
    flink-job) "$ROOT_DIR/scripts/flink-cluster.sh" job ;;
    submit)
        if [[ -n ${3:-} ]]; then
            "$ROOT_DIR/scripts/kafka.sh" run-class org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" \
                --create --if-not-exists --topic "$3" --partitions "${4:?partitions}" --replication-factor 1 >/dev/null
            export RAW_TOPIC=$3
        fi
        out=$(PARALLELISM="${2:?parallelism}" RESTORE_FROM=none "$ROOT_DIR/scripts/flink-cluster.sh" submit 2>&1) \
            && status=0 || status=$?
        echo "$out"
        # A job this submitted must not stay beside the stack's own.
        jid=$(sed -n 's/.*job \([0-9a-f]\{32\}\) submitted.*/\1/p' <<<"$out")
        [[ -z $jid ]] || curl -fsS -o /dev/null -X PATCH "http://127.0.0.1:$FLINK_REST_PORT/jobs/$jid?mode=cancel" || true
        exit "$status" ;;
    *) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
