#!/usr/bin/env bash
# Development aid for the dashboard test, for when no pipeline has loaded ClickHouse yet: builds a
# scratch copy of the contract objects (database analytics_scratch by default; the storage tables
# and views of clickhouse/migrations 001 and 003, with "analytics." renamed; no Kafka tables) and
# fills it with synthetic rows on 2017-11-24 .. 2017-12-03, derived from one synthetic event table
# the way the Flink job would. The analytics database itself is never touched.
#
#   tests/dashboard/load-synthetic.sh [load|drop]      (env: SCRATCH_DB, CLICKHOUSE_* as for
#                                                      scripts/clickhouse.sh)
#   DASHBOARD_DATABASE=analytics_scratch build/.../dashboard_test
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DB="${SCRATCH_DB:-analytics_scratch}"
[[ $DB =~ ^[a-z_][a-z0-9_]*$ && $DB != analytics ]] || { echo "SCRATCH_DB must be a plain name other than analytics" >&2; exit 2; }
q() { "$ROOT/scripts/clickhouse.sh" query "$1"; }

drop() { q "DROP DATABASE IF EXISTS $DB" >/dev/null; echo "dropped $DB"; }

load() {
    drop >/dev/null
    q "CREATE DATABASE $DB" >/dev/null
    local file stmt
    for file in "$ROOT/clickhouse/migrations/001_storage_tables.sql" "$ROOT/clickhouse/migrations/003_contract_views.sql"; do
        while IFS= read -r -d '' stmt; do
            q "$(sed "s/\banalytics\./$DB./g" <<<"$stmt")" >/dev/null
        done < <("$ROOT/scripts/sql-statements.sh" "$file")
    done

    # 200 users x 100 events: sessions of 8 events a minute apart, a session every 20 h from
    # 2017-11-24 00:00 UTC (so users come back on later days); every third user never buys.
    q "INSERT INTO $DB.events_store
       SELECT event_id, user_id, type, page, ts_ms, toDateTime(intDiv(ts_ms, 1000), 'UTC') AS ts,
              concat(user_id, ':', toString(session_start_ms)) AS session_id, toUInt64(1) AS version
       FROM
       (
           SELECT
               concat('synthetic:', toString(number)) AS event_id,
               number % 200 AS u,
               concat('u', toString(u)) AS user_id,
               intDiv(intDiv(number, 200), 8) AS s,
               intDiv(number, 200) % 8 AS step,
               arrayElement(['page_view', 'click', 'page_view', 'add_to_cart', 'click', 'purchase', 'page_view', 'favorite'], step + 1) AS t0,
               if(t0 = 'purchase' AND u % 3 = 0, 'page_view', t0) AS type,
               concat('/item/', toString((u * 7 + step) % 37)) AS page,
               toUInt64(1511481600 + u * 97 + s * 72000) * 1000 AS session_start_ms,
               session_start_ms + step * 60000 + number % 1000 AS ts_ms
           FROM system.numbers
           LIMIT 20000
       )" >/dev/null

    q "INSERT INTO $DB.events_per_type_store
       SELECT toDateTime(intDiv(ts_ms, 60000) * 60, 'UTC') AS window_start, type, count(), toUInt64(1)
       FROM $DB.events_store GROUP BY window_start, type" >/dev/null
    q "INSERT INTO $DB.page_views_store
       SELECT toDateTime(intDiv(ts_ms, 60000) * 60, 'UTC') AS window_start, page, count(), toUInt64(1)
       FROM $DB.events_store WHERE type = 'page_view' GROUP BY window_start, page" >/dev/null
    q "INSERT INTO $DB.unique_users_per_page_store
       SELECT toDateTime(intDiv(ts_ms, 60000) * 60, 'UTC') AS window_start, page, uniqExact(user_id), toUInt64(1)
       FROM $DB.events_store WHERE type = 'page_view' GROUP BY window_start, page" >/dev/null
    q "INSERT INTO $DB.conversion_store
       SELECT window_start, sum(v), sum(p), sum(v * p), toUInt64(1)
       FROM
       (
           SELECT toDateTime(intDiv(ts_ms, 60000) * 60, 'UTC') AS window_start, user_id,
                  max(type = 'page_view') AS v, max(type = 'purchase') AS p
           FROM $DB.events_store GROUP BY window_start, user_id
       )
       GROUP BY window_start" >/dev/null
    q "INSERT INTO $DB.sessions_store
       SELECT session_id, any(user_id), min(ts_ms), max(ts_ms), toDateTime(intDiv(min(ts_ms), 1000), 'UTC'),
              count(), countIf(type = 'page_view'), max(type = 'purchase'),
              windowFunnel(86400)(ts, type = 'page_view', type = 'click', type = 'purchase'), toUInt64(1)
       FROM $DB.events_store GROUP BY session_id" >/dev/null
    q "INSERT INTO $DB.user_days_store
       SELECT day, user_id, first_day, events, toUInt64(1)
       FROM (SELECT toDate(ts) AS day, user_id, count() AS events FROM $DB.events_store GROUP BY day, user_id) AS d
       ANY LEFT JOIN (SELECT user_id, min(toDate(ts)) AS first_day FROM $DB.events_store GROUP BY user_id) AS f
       USING user_id" >/dev/null
    q "INSERT INTO $DB.dead_letters_store
       SELECT toDateTime(intDiv(ms, 1000), 'UTC'), ms,
              arrayElement(['invalid_json', 'missing_field:user_id', 'invalid_field:ts'], number % 3 + 1),
              '{\"synthetic\":true}', 'gateway', concat('synthetic:', toString(number))
       FROM (SELECT number, toUInt64(1511500000000 + number * 3600000) AS ms FROM system.numbers LIMIT 30)" >/dev/null
    q "INSERT INTO $DB.late_events_store
       SELECT concat('synthetic-late:', toString(number)), 'u1', 'page_view', '/item/1', ts_ms,
              toDateTime(intDiv(ts_ms, 1000), 'UTC'), '', ts_ms + 9000
       FROM (SELECT number, toUInt64(1511600000000 + number * 60000) AS ts_ms FROM system.numbers LIMIT 5)" >/dev/null
    echo "loaded $DB: $(q "SELECT count() FROM $DB.events") events, $(q "SELECT count() FROM $DB.sessions") sessions"
}

case "${1:-load}" in
    load) load ;;
    drop) drop ;;
    *) echo "usage: $0 [load|drop]" >&2; exit 2 ;;
esac
