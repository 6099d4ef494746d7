# Shared helpers for ./pipeline and the scripts it runs. Source it; do not execute it.
# Everything the local stack keeps (pids, logs, data) lives under $PIPELINE_HOME.

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PIPELINE_HOME="${PIPELINE_HOME:-$ROOT_DIR/.pipeline}"
RUN_DIR="$PIPELINE_HOME/run"
LOG_DIR="$PIPELINE_HOME/logs"
DATA_DIR="$PIPELINE_HOME/data"
mkdir -p "$RUN_DIR" "$LOG_DIR" "$DATA_DIR"

# Ports and endpoints (contract section 2); each can be overridden from the environment.
export KAFKA_PORT="${KAFKA_PORT:-9092}"
export KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
export KAFKA_BOOTSTRAP="${KAFKA_BOOTSTRAP:-127.0.0.1:$KAFKA_PORT}"
export GATEWAY_PORT="${GATEWAY_PORT:-8080}"
export FLINK_REST_PORT="${FLINK_REST_PORT:-8081}"
# The Flink job's JVM. The parallel collector, not G1: the job keeps its state on the heap and updates
# it for every event, and G1's write barriers and concurrent refinement cost it throughput (the
# catch-up benchmark, bench/flink.sh, shows how much on a given machine).
FLINK_JAVA_OPTS="${FLINK_JAVA_OPTS:--Xmx1g -XX:+UseParallelGC}"

# The pipeline's topics: kafka/topics.properties defines each one's setting name, default name and
# partitions class; the environment variable of that name renames it (for every component).
TOPICS_FILE="$ROOT_DIR/kafka/topics.properties"

if [[ -t 2 ]]; then _c_on=$'\033[1;34m'; _c_err=$'\033[1;31m'; _c_off=$'\033[0m'; else _c_on=; _c_err=; _c_off=; fi
log()  { printf '%s[pipeline]%s %s\n' "$_c_on" "$_c_off" "$*" >&2; }
warn() { printf '%s[pipeline] warning:%s %s\n' "$_c_err" "$_c_off" "$*" >&2; }
die()  { printf '%s[pipeline] error:%s %s\n' "$_c_err" "$_c_off" "$*" >&2; exit 1; }

# topic_settings: one line "SETTING NAME PARTITIONS_CLASS" per topic of kafka/topics.properties,
# NAME being $SETTING when that is set, else the file's default.
topic_settings() {
    local key value class
    [[ -r $TOPICS_FILE ]] || die "cannot read $TOPICS_FILE"
    while IFS='=' read -r key value; do
        [[ $key =~ ^[A-Z][A-Z_]*$ ]] || continue   # comments, blank lines and SETTING.partitions
        class=$(sed -n "s/^$key\.partitions=//p" "$TOPICS_FILE")
        [[ -n $value && -n $class ]] || die "$TOPICS_FILE: $key needs a name and $key.partitions"
        printf '%s %s %s\n' "$key" "${!key:-$value}" "$class"
    done <"$TOPICS_FILE"
}

# topic_name SETTING: the name of one topic (e.g. topic_name LATE_TOPIC), as topic_settings gives it.
topic_name() { topic_settings | awk -v s="$1" '$1 == s {print $2; found = 1} END {exit !found}'; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for NAME TIMEOUT_S COMMAND...: polls COMMAND every half second, with a dot of progress.
wait_for() {
    local name=$1 timeout=$2; shift 2
    local deadline=$((SECONDS + timeout))
    printf '%s[pipeline]%s waiting for %s ' "$_c_on" "$_c_off" "$name" >&2
    until "$@"; do
        if ((SECONDS >= deadline)); then
            printf 'timed out after %ss\n' "$timeout" >&2
            return 1
        fi
        printf '.' >&2
        sleep 0.5
    done
    printf 'ready\n' >&2
}

# Pid files: a component is ours and running when its pid file names a live process whose
# command line mentions $PIPELINE_HOME or the repository (so `down` never kills strangers).
pid_file() { echo "$RUN_DIR/$1.pid"; }
running_pid() {
    local f pid
    f=$(pid_file "$1")
    [[ -f $f ]] || return 1
    pid=$(<"$f")
    [[ -n $pid && -d /proc/$pid ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -e "$ROOT_DIR" -e "$PIPELINE_HOME" || return 1
    echo "$pid"
}
is_running() { running_pid "$1" >/dev/null; }

# start_bg NAME COMMAND...: starts COMMAND in its own session, output to $LOG_DIR/NAME.log.
start_bg() {
    local name=$1; shift
    if is_running "$name"; then
        log "$name already running (pid $(running_pid "$name"))"
        return 0
    fi
    setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 < /dev/null &
    echo $! >"$(pid_file "$name")"
    log "$name started (pid $!, log $LOG_DIR/$name.log)"
}

# stop_bg NAME [SIGNAL] [TIMEOUT_S]: stops our process group gracefully, then for good.
stop_bg() {
    local name=$1 sig=${2:-TERM} timeout=${3:-30} pid
    pid=$(running_pid "$name") || { rm -f "$(pid_file "$name")"; return 0; }
    kill "-$sig" -- "-$pid" 2>/dev/null || kill "-$sig" "$pid" 2>/dev/null
    local deadline=$((SECONDS + timeout))
    while [[ -d /proc/$pid ]] && ((SECONDS < deadline)); do sleep 0.2; done
    if [[ -d /proc/$pid ]]; then
        warn "$name did not stop within ${timeout}s; killing it"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
        sleep 0.5
    fi
    rm -f "$(pid_file "$name")"
    log "$name stopped"
}

# The Maven wrapper, quiet and non-interactive.
mvnw() { "$ROOT_DIR/mvnw" -q -B "$@"; }

# npm_install DIR: the npm packages DIR/package-lock.json pins (npm ci), only when the lock file
# is newer than what node_modules holds.
npm_install() {
    local dir=$1
    if [[ ! -f $dir/node_modules/.package-lock.json || $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
        log "installing the npm packages of ${dir#"$ROOT_DIR"/} (npm ci)"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
    fi
}
