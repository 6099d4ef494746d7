#!/usr/bin/env bash
# Dumps the storage tables of a ClickHouse database (every table that holds rows: not the Kafka
# consumers, materialized views, views or schema_migrations) into FOLDER/<table>.tsv, TSVWithNames:
# the input of the modern-ClickHouse comparison (compare.py), which loads them into both engines.
#   tests/modern-clickhouse/dump-tables.sh DATABASE FOLDER     (server: CLICKHOUSE_* as for
#                                                              scripts/clickhouse.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
db=$1 folder=$2
[[ $db =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "not a database name: $db" >&2; exit 2; }
q() { "$ROOT/scripts/clickhouse.sh" query "$1"; }

rm -rf "$folder"
mkdir -p "$folder"
tables=$(q "SELECT name FROM system.tables WHERE database = '$db'
            AND engine NOT IN ('Kafka', 'MaterializedView', 'View') AND name != 'schema_migrations'
            ORDER BY name")
[[ -n $tables ]] || { echo "no tables in $db" >&2; exit 1; }
for t in $tables; do
    q "SELECT * FROM $db.$t FORMAT TSVWithNames" >"$folder/$t.tsv"
done
echo "dumped $(wc -w <<<"$tables") tables of $db to $folder ($(cat "$folder"/*.tsv | wc -l) lines)"
