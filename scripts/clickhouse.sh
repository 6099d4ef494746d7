#!/usr/bin/env bash
# Runs a project-local ClickHouse server (Debian's clickhouse-server package) with its config,
# data and logs under $PIPELINE_HOME, and applies the migrations in clickhouse/migrations.
#   scripts/clickhouse.sh start | stop | status | wipe | migrate | statements FILE [VERSION] | query SQL
set -euo pipefail
source "$(dirname "$0")/lib.sh"

export CLICKHOUSE_HOST="${CLICKHOUSE_HOST:-127.0.0.1}"   # compose's init step points it at its server
export CLICKHOUSE_HTTP_PORT="${CLICKHOUSE_HTTP_PORT:-8123}"
export CLICKHOUSE_TCP_PORT="${CLICKHOUSE_TCP_PORT:-9000}"
export CLICKHOUSE_USER="${CLICKHOUSE_USER:-admin}"
export CLICKHOUSE_PASSWORD="${CLICKHOUSE_PASSWORD:-admin123}"
export CLICKHOUSE_READER_PASSWORD="${CLICKHOUSE_READER_PASSWORD:-reader123}"   # user `reader`, read-only
CLICKHOUSE_FLUSH_MS="${CLICKHOUSE_FLUSH_MS:-500}"
CH_DATA="$DATA_DIR/clickhouse"
CH_CONF="$PIPELINE_HOME/clickhouse"
CH_URL="http://$CLICKHOUSE_HOST:$CLICKHOUSE_HTTP_PORT/"

# query SQL: runs one statement over HTTP and prints the result; fails with ClickHouse's message.
query() {
    curl -sS --fail-with-body --max-time "${CLICKHOUSE_QUERY_TIMEOUT:-60}" \
        -u "$CLICKHOUSE_USER:$CLICKHOUSE_PASSWORD" --data-binary "$1" "$CH_URL"
}

server_ready() { curl -fsS --max-time 2 "${CH_URL}ping" >/dev/null 2>&1 && query "SELECT 1" >/dev/null 2>&1; }

write_config() {
    mkdir -p "$CH_CONF" "$CH_DATA"
    local subst=(-e "s|@LOG_DIR@|$LOG_DIR|g" -e "s|@DATA_DIR@|$CH_DATA|g"
                 -e "s|@HTTP_PORT@|$CLICKHOUSE_HTTP_PORT|g" -e "s|@TCP_PORT@|$CLICKHOUSE_TCP_PORT|g"
                 -e "s|@USER@|$CLICKHOUSE_USER|g" -e "s|@PASSWORD@|$CLICKHOUSE_PASSWORD|g"
                 -e "s|@FLUSH_MS@|$CLICKHOUSE_FLUSH_MS|g")
    sed "${subst[@]}" "$ROOT_DIR/clickhouse/config/config.xml.template" >"$CH_CONF/config.xml"
    sed "${subst[@]}" "$ROOT_DIR/clickhouse/config/users.xml.template" >"$CH_CONF/users.xml"
    # The read-only account of the dashboards: the same file compose mounts (its password from
    # CLICKHOUSE_READER_PASSWORD, exported above for the server).
    mkdir -p "$CH_CONF/users.d"
    cp "$ROOT_DIR/deploy/clickhouse/users.d/reader.xml" "$CH_CONF/users.d/reader.xml"
}

start() {
    if is_running clickhouse; then log "clickhouse already running"; return 0; fi
    port_open "$CLICKHOUSE_HTTP_PORT" && die "port $CLICKHOUSE_HTTP_PORT is taken by another process; set CLICKHOUSE_HTTP_PORT"
    command -v clickhouse-server >/dev/null || die "clickhouse-server is not installed (scripts/install-deps.sh installs it)"
    write_config
    start_bg clickhouse clickhouse-server --config-file="$CH_CONF/config.xml"
    wait_for "clickhouse on :$CLICKHOUSE_HTTP_PORT" "${CLICKHOUSE_START_TIMEOUT:-60}" server_ready \
        || { tail -n 30 "$LOG_DIR/clickhouse-server.err.log" "$LOG_DIR/clickhouse.log" >&2; die "clickhouse did not start"; }
}

# Migrations: numbered files, applied in order, each recorded in analytics.schema_migrations.
# Every statement is idempotent (IF NOT EXISTS) too, so a half-applied file can be re-run.
migrate() {
    query "CREATE DATABASE IF NOT EXISTS analytics" >/dev/null
    query "CREATE TABLE IF NOT EXISTS analytics.schema_migrations (version String, applied_at DateTime) ENGINE = TinyLog" >/dev/null
    local applied file name
    applied=$(query "SELECT version FROM analytics.schema_migrations")
    export CLICKHOUSE_SERVER_VERSION="${CLICKHOUSE_SERVER_VERSION:-$(query "SELECT version()")}"
    for file in "$ROOT_DIR"/clickhouse/migrations/*.sql; do
        name=$(basename "$file")
        grep -qxF "$name" <<<"$applied" && continue
        if applies "$file"; then
            log "applying migration $name"
        else
            log "migration $name needs ClickHouse $(required_version "$file"): recorded, nothing to run on $CLICKHOUSE_SERVER_VERSION"
        fi
        statements "$file" | while IFS= read -r -d '' stmt; do
            query "$stmt" >/dev/null || die "migration $name failed on: $stmt"
        done
        query "INSERT INTO analytics.schema_migrations VALUES ('$name', now())" >/dev/null
    done
}

# statements FILE [VERSION]: the file's statements, NUL-separated, with the ${VARS} filled in:
# exactly what migrate runs on a server of that version (default CLICKHOUSE_SERVER_VERSION, which
# migrate reads from its server). A file whose first lines say "-- requires ClickHouse X.Y" gives
# no statement for an older version. The modern-ClickHouse test renders every file for 18.16 and
# for the current version, and runs each engine's form.
statements() {
    if [[ -n ${2:-} ]]; then export CLICKHOUSE_SERVER_VERSION=$2; fi
    [[ -n ${CLICKHOUSE_SERVER_VERSION:-} ]] || die "statements: no ClickHouse version (give one, or set CLICKHOUSE_SERVER_VERSION)"
    applies "$1" || return 0
    "$ROOT_DIR/scripts/sql-statements.sh" "$1" | while IFS= read -r -d '' stmt; do
        printf '%s\0' "$(render "$stmt")"
    done
}

# required_version FILE: X.Y from the file's "-- requires ClickHouse X.Y" line, if it has one.
required_version() { sed -n 's/^-- requires ClickHouse \([0-9.]*\)$/\1/p' "$1" | head -n 1; }
applies() { local needs; needs=$(required_version "$1"); [[ -z $needs ]] || version_at_least "$needs"; }

# version_at_least X.Y: CLICKHOUSE_SERVER_VERSION is X.Y or later.
version_at_least() {
    [[ $(printf '%s\n' "$1" "$CLICKHOUSE_SERVER_VERSION" | sort -V | head -n 1) == "$1" ]]
}

# The migrations name the broker, groups and block size through ${VARS}, and what differs by
# version; only these are replaced.
#   ${KAFKA_BROKEN_RECORDS}  the Kafka engine setting for a record that does not parse. 21.6 and
#                            later: kafka_handle_error_mode 'stream', each such record becomes one
#                            row with _error and _raw_message set, which 004 routes to
#                            analytics.ingest_errors. 18.16 has neither: its parser skips such a
#                            record (the server's default profile, clickhouse/config/users.xml.template),
#                            and kafka_row_delimiter puts a newline between records, where the
#                            parser resumes after one (clickhouse/README.md).
#   ${KAFKA_PARSED_ROWS}     what a materialized view takes from a Kafka table: only rows without
#                            an error where a broken record is a row.
render() {
    local sql=$1 broken parsed
    if version_at_least 21.6; then
        broken="kafka_handle_error_mode = 'stream'" parsed="WHERE _error = ''"
    else
        broken="kafka_row_delimiter = '\\n'" parsed=""
    fi
    sql=${sql//'${KAFKA_BOOTSTRAP}'/$KAFKA_BOOTSTRAP}
    sql=${sql//'${CLICKHOUSE_KAFKA_GROUP}'/${CLICKHOUSE_KAFKA_GROUP:-clickhouse}}
    sql=${sql//'${CLICKHOUSE_KAFKA_BLOCK_ROWS}'/${CLICKHOUSE_KAFKA_BLOCK_ROWS:-100}}
    sql=${sql//'${KAFKA_BROKEN_RECORDS}'/$broken}
    sql=${sql//'${KAFKA_PARSED_ROWS}'/$parsed}
    printf '%s' "$sql"
}

case "${1:-}" in
    start) start ;;
    stop) stop_bg clickhouse TERM 60 ;;
    status) if is_running clickhouse && server_ready; then echo "clickhouse: up ($CH_URL)"; else echo "clickhouse: down"; exit 1; fi ;;
    wipe) is_running clickhouse && die "stop clickhouse first"; rm -rf "$CH_DATA"; log "clickhouse data deleted" ;;
    migrate) migrate ;;
    statements) shift; statements "$@" ;;
    query) shift; query "$*" ;;
    *) echo "usage: $0 start|stop|status|wipe|migrate|statements FILE [VERSION]|query SQL" >&2; exit 2 ;;
esac
