#!/usr/bin/env bash
# Runs a real Apache Kafka 4 broker (KRaft, combined mode) on 127.0.0.1:$KAFKA_PORT from the jars
# Maven resolves for kafka/pom.xml. Storage is formatted on first start and kept across restarts.
#   scripts/kafka.sh start | stop | status | wipe | run-class CLASS ARGS...
set -euo pipefail
source "$(dirname "$0")/lib.sh"

KAFKA_DATA="$DATA_DIR/kafka"
KAFKA_CONF="$PIPELINE_HOME/kafka"
KAFKA_HEAP="${KAFKA_HEAP:-512m}"
CLASSPATH_FILE="$KAFKA_CONF/classpath.txt"

classpath() {
    mkdir -p "$KAFKA_CONF"
    if [[ ! -s $CLASSPATH_FILE || $ROOT_DIR/kafka/pom.xml -nt $CLASSPATH_FILE ]]; then
        log "resolving the Kafka jars with Maven (first run only)"
        mvnw -f "$ROOT_DIR/kafka/pom.xml" dependency:build-classpath \
            -Dmdep.outputFile="$CLASSPATH_FILE" >&2
    fi
    cat "$CLASSPATH_FILE"
}

java_opts=(-Xms"$KAFKA_HEAP" -Xmx"$KAFKA_HEAP" -XX:+UseG1GC -Djava.awt.headless=true
           -Dlog4j2.configurationFile="$ROOT_DIR/kafka/log4j2.yaml")

# run-class: a Kafka tool (topic admin, console consumer, ...) with the broker's class path.
run_class() {
    java -Xmx256m -Djava.awt.headless=true -Dlog4j2.configurationFile="$ROOT_DIR/kafka/log4j2-tools.yaml" \
        -cp "$(classpath)" "$@"
}

write_config() {
    mkdir -p "$KAFKA_CONF" "$KAFKA_DATA"
    sed -e "s|@PORT@|$KAFKA_PORT|g" -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
        -e "s|@DATA_DIR@|$KAFKA_DATA|g" \
        -e "s|@FLUSH_INTERVAL_MESSAGES@|${KAFKA_FLUSH_INTERVAL_MESSAGES:-9223372036854775807}|g" \
        "$ROOT_DIR/kafka/server.properties.template" \
        >"$KAFKA_CONF/server.properties"
}

format_storage() {
    [[ -f $KAFKA_DATA/meta.properties ]] && return 0
    local cluster_id
    cluster_id=$(run_class kafka.tools.StorageTool random-uuid | tail -n 1)
    log "formatting Kafka storage (cluster id $cluster_id)"
    run_class kafka.tools.StorageTool format -t "$cluster_id" \
        -c "$KAFKA_CONF/server.properties" --standalone >>"$LOG_DIR/kafka.log" 2>&1
}

broker_ready() {
    port_open "$KAFKA_PORT" || return 1
    grep -q "Kafka Server started" "$LOG_DIR/kafka.log" 2>/dev/null
}

start() {
    if is_running kafka; then log "kafka already running"; return 0; fi
    port_open "$KAFKA_PORT" && die "port $KAFKA_PORT is taken by another process; set KAFKA_PORT"
    write_config
    local cp; cp=$(classpath)
    format_storage
    # The previous run's log is kept beside, so the readiness check reads only this start's lines.
    mv "$LOG_DIR/kafka.log" "$LOG_DIR/kafka.log.prev" 2>/dev/null || true
    start_bg kafka java "${java_opts[@]}" -cp "$cp" kafka.Kafka "$KAFKA_CONF/server.properties"
    wait_for "kafka on $KAFKA_BOOTSTRAP" "${KAFKA_START_TIMEOUT:-120}" broker_ready \
        || { tail -n 30 "$LOG_DIR/kafka.log" >&2; die "kafka did not start"; }
}

case "${1:-}" in
    start) start ;;
    stop) stop_bg kafka TERM 60 ;;
    status) if is_running kafka && port_open "$KAFKA_PORT"; then echo "kafka: up ($KAFKA_BOOTSTRAP)"; else echo "kafka: down"; exit 1; fi ;;
    wipe) is_running kafka && die "stop kafka first"; rm -rf "$KAFKA_DATA"; log "kafka data deleted" ;;
    run-class) shift; run_class "$@" ;;
    *) echo "usage: $0 start|stop|status|wipe|run-class CLASS ARGS..." >&2; exit 2 ;;
esac
