#!/usr/bin/env bash
# Flink as a real standalone session cluster (./pipeline up --taskmanagers N): one JobManager JVM
# (Flink's StandaloneSessionClusterEntrypoint, which serves the dashboard) and N TaskManager JVMs
# (TaskManagerRunner), run from the jars Maven resolves for flink-cluster/pom.xml, and the job
# submitted with Flink's own client (CliFrontend, i.e. `flink run -d`). Checkpoints go to the same
# folder as the in-process mode's, savepoints beside it.
#
#   flink-cluster.sh start       the JobManager and every TaskManager that is not running, then the
#                                job unless the cluster has it (from the newest savepoint or
#                                checkpoint); waits until the job runs with all its tasks
#   flink-cluster.sh processes   the JobManager and the TaskManagers only, without the job
#   flink-cluster.sh stop        the job stopped with a savepoint, then the TaskManagers, the JobManager
#   flink-cluster.sh rescale N   the job stopped with a savepoint and submitted again from it at
#                                parallelism N; the processes stay up
#   flink-cluster.sh submit      `flink run -d` of the job and nothing else (PARALLELISM, RESTORE_FROM)
#   flink-cluster.sh status      a line for the job and one per process; exit 1 when unhealthy
#   flink-cluster.sh job         "jid=.. state=.. parallelism=.. tasks=R/T running_s=.. restored=<path|none>"
#   flink-cluster.sh flink ARGS  Flink's command-line client on this cluster (`flink list`, `flink run`, ...)
#
# Settings: FLINK_TASKMANAGERS (1), FLINK_TASKMANAGER_SLOTS (1), FLINK_TASKMANAGER_MEMORY (1728m:
# Flink's taskmanager.memory.process.size), FLINK_JOBMANAGER_MEMORY (1024m), FLINK_TM_JAVA_OPTS
# (-XX:+UseParallelGC), FLINK_BIND_ADDRESS (127.0.0.1), FLINK_RPC_PORT (FLINK_REST_PORT + 100: the
# JobManager's RPC port; its blob server and metrics service take the next two, TaskManager i the
# three from FLINK_RPC_PORT + 3i), FLINK_PROPERTIES (Flink options, one "key: value" a line, for
# every process), FLINK_START_TIMEOUT (120 s), FLINK_SAVEPOINT_TIMEOUT (120 s), PARALLELISM (the
# last submitted one, else 1), RESTORE_FROM (latest | none | a checkpoint or savepoint path).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CLUSTER_HOME="$PIPELINE_HOME/flink-cluster"
CONF_DIR="$CLUSTER_HOME/conf"
CLASSPATH_FILE="$CLUSTER_HOME/classpath.txt"
CHECKPOINT_PATH="$DATA_DIR/flink-checkpoints"
SAVEPOINT_PATH="$DATA_DIR/flink-savepoints"
PARALLELISM_FILE="$DATA_DIR/flink-parallelism"   # what the newest submission ran at
FLINK_JAR="$ROOT_DIR/flink-job/target/flink-job.jar"
JOB_NAME="user-behaviour-analytics"               # AnalyticsJobMain.JOB_NAME

TASKMANAGERS="${FLINK_TASKMANAGERS:-1}"
SLOTS="${FLINK_TASKMANAGER_SLOTS:-1}"
BIND="${FLINK_BIND_ADDRESS:-127.0.0.1}"
RPC_PORT="${FLINK_RPC_PORT:-$((FLINK_REST_PORT + 100))}"
REST="http://127.0.0.1:$FLINK_REST_PORT"
[[ $BIND == 0.0.0.0 || $BIND == 127.0.0.1 ]] || REST="http://$BIND:$FLINK_REST_PORT"
START_TIMEOUT="${FLINK_START_TIMEOUT:-120}"
extra=()      # FLINK_PROPERTIES as -D options (user_properties)
launched=()   # the TaskManagers this run started

# Java 17 keeps the JDK's internals closed; Flink's runtime (serializers, the closure cleaner, its
# RPC and network stack) reflects into these packages, as the flink-dist launch scripts allow it to.
jvm_flags=(-Djava.awt.headless=true -Dlog4j.configurationFile="$ROOT_DIR/flink-cluster/log4j2.properties"
           --add-exports=java.base/sun.net.util=ALL-UNNAMED)
for pkg in java.io java.lang java.lang.reflect java.net java.nio java.text java.time java.util \
           java.util.concurrent java.util.concurrent.atomic java.util.concurrent.locks sun.nio.ch; do
    jvm_flags+=("--add-opens=java.base/$pkg=ALL-UNNAMED")
done
# Flink looks for optional plugins in FLINK_PLUGINS_DIR; an empty folder of ours says there are none.
export FLINK_PLUGINS_DIR="$CLUSTER_HOME/plugins"

classpath() {
    mkdir -p "$CLUSTER_HOME"
    if [[ ! -s $CLASSPATH_FILE || $ROOT_DIR/flink-cluster/pom.xml -nt $CLASSPATH_FILE ]]; then
        log "resolving the Flink runtime jars with Maven (first run only)"
        mvnw -f "$ROOT_DIR/flink-cluster/pom.xml" dependency:build-classpath \
            -Dmdep.outputFile="$CLASSPATH_FILE" >&2
    fi
    cat "$CLASSPATH_FILE"
}

write_config() {
    mkdir -p "$CONF_DIR" "$FLINK_PLUGINS_DIR" "$CHECKPOINT_PATH" "$SAVEPOINT_PATH" "$DATA_DIR/flink-tmp"
    sed -e "s|@BIND_ADDRESS@|$BIND|g" -e "s|@RPC_PORT@|$RPC_PORT|g" -e "s|@BLOB_PORT@|$((RPC_PORT + 1))|g" \
        -e "s|@REST_PORT@|$FLINK_REST_PORT|g" -e "s|@SLOTS@|$SLOTS|g" \
        -e "s|@TASKMANAGER_MEMORY@|${FLINK_TASKMANAGER_MEMORY:-1728m}|g" \
        -e "s|@JOBMANAGER_MEMORY@|${FLINK_JOBMANAGER_MEMORY:-1024m}|g" \
        -e "s|@CHECKPOINT_DIR@|file://$CHECKPOINT_PATH|g" -e "s|@SAVEPOINT_DIR@|file://$SAVEPOINT_PATH|g" \
        -e "s|@TMP_DIR@|$DATA_DIR/flink-tmp|g" \
        "$ROOT_DIR/flink-cluster/config.yaml.template" >"$CONF_DIR/config.yaml"
}

# FLINK_PROPERTIES ("key: value" lines, as the official Flink image takes them) as -D options.
user_properties() {
    local line
    while IFS= read -r line; do
        [[ $line =~ ^[[:space:]]*([^#[:space:]][^:]*):[[:space:]]*(.*[^[:space:]])[[:space:]]*$ ]] || continue
        printf '%s\n' -D "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
    done <<<"${FLINK_PROPERTIES:-}"
}

# memory_flags jobmanager|taskmanager: Flink's own memory model (BashJavaUtils, what flink-dist's
# scripts run) turns the process size into JVM flags (first line) and the exact -D memory options
# the process must be given (second line).
memory_flags() {
    local what; what=$(tr '[:lower:]' '[:upper:]' <<<"${1:0:1}")
    java "${jvm_flags[@]}" -cp "$(classpath)" org.apache.flink.runtime.util.bash.BashJavaUtils \
        "GET_${what}M_RESOURCE_PARAMS" --configDir "$CONF_DIR" "${extra[@]}" 2>/dev/null \
        | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

rest_get() { curl -fsS --max-time 5 "$REST$1"; }

jobmanager_ready() { rest_get /overview >/dev/null 2>&1; }

# The log of this start only: the previous one is kept beside it.
fresh_log() { mv "$LOG_DIR/$1.log" "$LOG_DIR/$1.log.prev" 2>/dev/null || true; }

require_free() {
    local p
    for p in "$@"; do port_open "$p" && die "port $p is taken by another process; set FLINK_RPC_PORT or FLINK_REST_PORT"; done
    return 0
}

start_jobmanager() {
    is_running flink-jobmanager && return 0
    require_free "$FLINK_REST_PORT" "$RPC_PORT" $((RPC_PORT + 1)) $((RPC_PORT + 2))
    local mem; mapfile -t mem < <(memory_flags jobmanager)
    ((${#mem[@]} == 2)) || die "Flink could not size the JobManager's memory (FLINK_JOBMANAGER_MEMORY)"
    fresh_log flink-jobmanager
    # log.file: the dashboard's log view reads the JobManager's log from there.
    start_bg flink-jobmanager java "${jvm_flags[@]}" ${mem[0]} -Dlog.file="$LOG_DIR/flink-jobmanager.log" \
        -cp "$(classpath)" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
        --configDir "$CONF_DIR" ${mem[1]} -D metrics.internal.query-service.port=$((RPC_PORT + 2)) "${extra[@]}"
}

# TaskManager i: its own ports, and the resource id taskmanager-i, which a replacement keeps: the
# dashboard and the REST API name it so, and it reuses the working folder under io.tmp.dirs
# instead of leaving one behind per start. (A killed TaskManager's slots go when two heartbeats in
# a row fail, within seconds: heartbeat.interval in config.yaml.template.)
start_taskmanager() {
    local i=$1 name=flink-taskmanager-$1 base=$((RPC_PORT + 3 * $1))
    is_running "$name" && return 1
    require_free "$base" $((base + 1)) $((base + 2))
    fresh_log "$name"
    start_bg "$name" java "${jvm_flags[@]}" ${FLINK_TM_JAVA_OPTS:--XX:+UseParallelGC} ${tm_mem[0]} \
        -Dlog.file="$LOG_DIR/$name.log" -cp "$(classpath)" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
        --configDir "$CONF_DIR" ${tm_mem[1]} -D taskmanager.resource-id=taskmanager-"$i" \
        -D taskmanager.rpc.port="$base" -D taskmanager.data.port=$((base + 1)) \
        -D metrics.internal.query-service.port=$((base + 2)) "${extra[@]}"
}

taskmanager_registered() { grep -q "Successful registration at resource manager" "$LOG_DIR/flink-taskmanager-$1.log" 2>/dev/null; }

# The job of the name AnalyticsJobMain gives it that is not over (there is at most one): its id.
active_job() {
    rest_get /jobs/overview 2>/dev/null | jq -er --arg name "$JOB_NAME" '[.jobs[] | select(.name == $name and
        (.state | IN("FINISHED", "CANCELED", "FAILED") | not))] | sort_by(-.["start-time"]) | .[0].jid // empty'
}

# "jid=.. state=.. parallelism=.. tasks=RUNNING/TOTAL running_s=.. restored=<path|none>" of the active job.
job_line() {
    local jid overview parallelism restored
    jid=$(active_job) || return 1
    overview=$(rest_get /jobs/overview | jq -c --arg jid "$jid" '.jobs[] | select(.jid == $jid)') || return 1
    parallelism=$(rest_get "/jobs/$jid" | jq -r '[.vertices[].parallelism] | max') || return 1
    restored=$(rest_get "/jobs/$jid/checkpoints" | jq -r '.latest.restored.external_path // "none"') || restored=none
    jq -r --arg p "$parallelism" --arg r "$restored" '"jid=\(.jid) state=\(.state) parallelism=\($p)" +
        " tasks=\(.tasks.running)/\(.tasks.total) running_s=\(.duration / 1000 | floor) restored=\($r)"' <<<"$overview"
}

# Healthy: the job runs with every one of its tasks running.
job_healthy() {
    local line; line=$(job_line 2>/dev/null) || return 1
    [[ $line =~ state=RUNNING\ .*tasks=([0-9]+)/([0-9]+) ]] && ((BASH_REMATCH[1] == BASH_REMATCH[2]))
}

# The newest retained checkpoint or savepoint (RESTORE_FROM=latest, the default), none, or a path.
restore_path() {
    case "${RESTORE_FROM:-latest}" in
        none) ;;
        latest) find "$CHECKPOINT_PATH" "$SAVEPOINT_PATH" -maxdepth 3 -name _metadata \
                    \( -path '*/chk-*/_metadata' -o -path '*/savepoint-*/_metadata' \) -printf '%T@ %h\n' 2>/dev/null \
                    | sort -n | tail -n 1 | cut -d' ' -f2- ;;
        *) echo "$RESTORE_FROM" ;;
    esac
}

parallelism() { echo "${PARALLELISM:-$(cat "$PARALLELISM_FILE" 2>/dev/null || echo 1)}"; }

# `flink run -d`: the job's main() runs here, in the client, with the job's settings from the
# environment; it checks PARALLELISM against the raw topic's partitions (advice shown here, a
# refusal fails the submission). Its whole output goes to flink-client.log.
submit() {
    local parallelism from=() snapshot out status=0
    parallelism=$(parallelism)
    [[ $parallelism =~ ^[1-9][0-9]*$ ]] || die "PARALLELISM must be a positive integer (got '$parallelism')"
    ((parallelism <= TASKMANAGERS * SLOTS)) || die "PARALLELISM=$parallelism needs $parallelism task slots;" \
        "the cluster has $TASKMANAGERS TaskManager(s) x $SLOTS slot(s): start more (--taskmanagers, FLINK_TASKMANAGER_SLOTS)"
    [[ -f $FLINK_JAR ]] || die "no job jar at $FLINK_JAR (scripts/build.sh flink)"
    snapshot=$(restore_path)
    if [[ -n $snapshot ]]; then from=(-s "$snapshot"); log "resuming from $snapshot"; fi
    log "submitting the job at parallelism $parallelism (flink run -d; log $LOG_DIR/flink-client.log)"
    out=$(FLINK_MODE=cluster PARALLELISM="$parallelism" CHECKPOINT_DIR="file://$CHECKPOINT_PATH" \
        client run -d "${from[@]}" "${extra[@]}" "$FLINK_JAR" 2>&1) || status=$?
    printf -- '--- %s flink run -d %s (PARALLELISM=%s)\n%s\n' "$(date -u +%FT%TZ)" "${from[*]} $FLINK_JAR" \
        "$parallelism" "$out" >>"$LOG_DIR/flink-client.log"
    if ((status != 0)); then
        grep -E 'Invalid configuration|Exception|ERROR' <<<"$out" | grep -v '^\s*at ' | tail -n 8 >&2
        warn "the job was not submitted (flink run exited with $status; $LOG_DIR/flink-client.log)"
        return 1
    fi
    sed -n 's/.*WARN .*RawTopicParallelism *- //p' <<<"$out" | while IFS= read -r line; do warn "$line"; done
    sed -n 's/^Job has been submitted with JobID \([0-9a-f]*\).*/job \1 submitted/p' <<<"$out" | while IFS= read -r line; do log "$line"; done
    echo "$parallelism" >"$PARALLELISM_FILE"
}

# Stop-with-savepoint over the REST API (no drain: windows stay open, to be continued from the
# savepoint, not closed early); prints the savepoint's path once the job has finished.
stop_with_savepoint() {
    local jid=$1 trigger answer state deadline=$((SECONDS + ${FLINK_SAVEPOINT_TIMEOUT:-120}))
    trigger=$(curl -fsS --max-time 10 -X POST -H 'Content-Type: application/json' \
        -d "{\"drain\":false,\"targetDirectory\":\"file://$SAVEPOINT_PATH\"}" "$REST/jobs/$jid/stop" \
        | jq -er '."request-id"') || { warn "the JobManager refused to stop job $jid"; return 1; }
    while ((SECONDS < deadline)); do
        answer=$(rest_get "/jobs/$jid/savepoints/$trigger") || answer='{}'
        if [[ $(jq -r '.status.id // ""' <<<"$answer") == COMPLETED ]]; then
            if jq -e '.operation.location' <<<"$answer" >/dev/null; then
                until state=$(rest_get "/jobs/$jid" | jq -r .state) && [[ $state == FINISHED ]]; do
                    ((SECONDS < deadline)) || { warn "job $jid did not finish after its savepoint"; return 1; }
                    sleep 0.5
                done
                jq -r '.operation.location | sub("^file:"; "")' <<<"$answer"
                return 0
            fi
            warn "the savepoint of job $jid failed: $(jq -r '.operation."failure-cause"."stack-trace" // "?"' <<<"$answer" | head -n 1)"
            return 1
        fi
        sleep 0.5
    done
    warn "no savepoint of job $jid within ${FLINK_SAVEPOINT_TIMEOUT:-120}s"
    return 1
}

wait_job() {
    wait_for "the Flink job on :$FLINK_REST_PORT (all tasks running)" "$START_TIMEOUT" job_healthy \
        || { tail -n 30 "$LOG_DIR/flink-jobmanager.log" >&2; die "the Flink job did not start"; }
}

# The JobManager and every TaskManager that is not running; the TaskManagers start beside the
# JobManager and register once it answers. Waits for the JobManager only.
launch() {
    [[ $TASKMANAGERS =~ ^[1-9][0-9]*$ ]] || die "FLINK_TASKMANAGERS must be at least 1 (got '$TASKMANAGERS')"
    write_config
    mapfile -t extra < <(user_properties)
    start_jobmanager
    mapfile -t tm_mem < <(memory_flags taskmanager)
    ((${#tm_mem[@]} == 2)) || die "Flink could not size the TaskManagers' memory (FLINK_TASKMANAGER_MEMORY)"
    local i
    launched=()
    for ((i = 1; i <= TASKMANAGERS; i++)); do start_taskmanager "$i" && launched+=("$i"); done
    wait_for "the Flink JobManager on :$FLINK_REST_PORT" "$START_TIMEOUT" jobmanager_ready \
        || { tail -n 30 "$LOG_DIR/flink-jobmanager.log" >&2; die "the Flink JobManager did not start"; }
}

wait_registered() {
    local i
    for i in "${launched[@]}"; do
        wait_for "Flink TaskManager $i to register" "$START_TIMEOUT" taskmanager_registered "$i" \
            || { tail -n 30 "$LOG_DIR/flink-taskmanager-$i.log" >&2; die "TaskManager $i did not register"; }
    done
}

start_processes() { launch; wait_registered; }

# The job is submitted while the TaskManagers register: the client's own start-up and the upload of
# the job jar take as long as theirs, and the job waits for their slots.
start() {
    launch
    if ! active_job >/dev/null; then submit || die "the Flink job was not submitted"; fi
    wait_registered
    wait_job
}

# Flink's CLI (bin/flink's CliFrontend) with this cluster's configuration.
client() {
    FLINK_CONF_DIR="$CONF_DIR" java "${jvm_flags[@]}" -cp "$(classpath)" org.apache.flink.client.cli.CliFrontend "$@"
}

taskmanager_names() {
    local f
    for f in "$RUN_DIR"/flink-taskmanager-*.pid; do [[ -e $f ]] && basename "$f" .pid; done
    return 0
}

stop() {
    local jid savepoint name
    if is_running flink-jobmanager && jid=$(active_job); then
        log "stopping the Flink job with a savepoint"
        if savepoint=$(stop_with_savepoint "$jid"); then
            log "savepoint $savepoint"
        else
            warn "no savepoint: the job resumes from its newest checkpoint"
        fi
    fi
    for name in $(taskmanager_names); do stop_bg "$name" TERM 30; done
    stop_bg flink-jobmanager TERM 30
}

rescale() {
    local to=${1:-} from jid savepoint
    [[ $to =~ ^[1-9][0-9]*$ ]] || die "usage: rescale PARALLELISM (a positive integer)"
    jid=$(active_job) || die "no Flink job runs on the cluster at $REST"
    from=$(job_line | sed -n 's/.* parallelism=\([0-9]*\).*/\1/p')
    ((to <= TASKMANAGERS * SLOTS)) || die "parallelism $to needs $to task slots; the cluster has $TASKMANAGERS" \
        "TaskManager(s) x $SLOTS slot(s)"
    mapfile -t extra < <(user_properties)
    log "rescaling the Flink job from parallelism $from to $to: stop with a savepoint, submit from it"
    savepoint=$(stop_with_savepoint "$jid") || die "no savepoint: the job runs on at parallelism $from"
    log "savepoint $savepoint"
    if ! PARALLELISM=$to RESTORE_FROM=$savepoint submit; then
        warn "resuming at parallelism $from instead"
        PARALLELISM=$from RESTORE_FROM=$savepoint submit || die "the job could not be resubmitted: start it with ./pipeline start flink"
        wait_job
        die "the job was not rescaled to $to (see above); it runs at $from again"
    fi
    wait_job
    log "the Flink job runs at parallelism $to"
}

status() {
    local healthy=0 line name names=(flink-jobmanager) i
    if line=$(job_line 2>/dev/null); then
        job_healthy || healthy=1
        [[ $line =~ state=([A-Z]+)\ parallelism=([0-9]+)\ tasks=([0-9/]+)\ running_s=[0-9]+\ restored=(.*)$ ]]
        local text="cluster, job ${BASH_REMATCH[1]} at parallelism ${BASH_REMATCH[2]}, ${BASH_REMATCH[3]} tasks running"
        [[ ${BASH_REMATCH[4]} == none ]] || text+=", restored ${BASH_REMATCH[4]#file:}"
        printf '%-11s %s\n' flink "$text, dashboard $REST"
    else
        printf '%-11s %s\n' flink "cluster: no job running ($REST)"
        healthy=1
    fi
    for ((i = 1; i <= TASKMANAGERS; i++)); do names+=("flink-taskmanager-$i"); done
    for name in $(taskmanager_names); do
        [[ " ${names[*]} " == *" $name "* ]] || ! is_running "$name" || names+=("$name")
    done
    for name in "${names[@]}"; do
        if is_running "$name"; then
            printf '  %-17s running (pid %s)\n' "${name#flink-}" "$(running_pid "$name")"
        else
            printf '  %-17s stopped\n' "${name#flink-}"
            healthy=1
        fi
    done
    return $healthy
}

case "${1:-}" in
    start) start ;;
    processes) start_processes ;;
    stop) stop ;;
    rescale) rescale "${2:-}" ;;
    submit) write_config; mapfile -t extra < <(user_properties); submit ;;
    status) status ;;
    job) job_line ;;
    flink) shift; write_config; client "$@" ;;
    *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
