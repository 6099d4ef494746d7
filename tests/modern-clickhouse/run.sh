#!/usr/bin/env bash
# The modern-ClickHouse test (./pipeline test modern-clickhouse): starts a reference ClickHouse
# 18.16 of its own (scripts/clickhouse.sh, under PIPELINE_HOME, on CLICKHOUSE_HTTP_PORT), makes the
# data sets, and runs compare.py, which runs the project's SQL on chDB (ClickHouse 26.x) and on the
# reference and compares the results. Data sets:
#   synthetic  tests/dashboard/load-synthetic.sh's rows, made on the reference and dumped
#   e2e        the storage tables the end-to-end stage left in E2E_TABLES (when that folder exists)
# Prints compare.py's "ok"/"FAIL" lines; exits non-zero when a check failed or it could not run.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../../scripts/lib.sh"
ch() { "$ROOT_DIR/scripts/clickhouse.sh" "$@"; }

python=$("$HERE/venv.sh")
expand="${EXPAND_PANEL_QUERIES:-$ROOT_DIR/build/debug/tests/dashboard/expand_panel_queries}"
[[ -x $expand ]] || die "$expand is missing: scripts/build.sh cpp debug builds it"
work="$PIPELINE_HOME/work"
rm -rf "$work"
mkdir -p "$work"

ch stop
ch wipe
trap 'ch stop' EXIT
ch start

SCRATCH_DB=analytics_synthetic "$ROOT_DIR/tests/dashboard/load-synthetic.sh" load
"$HERE/dump-tables.sh" analytics_synthetic "$work/synthetic"
SCRATCH_DB=analytics_synthetic "$ROOT_DIR/tests/dashboard/load-synthetic.sh" drop
datasets=(--dataset "synthetic=$work/synthetic")
if [[ -n ${E2E_TABLES:-} && -d ${E2E_TABLES:-} ]]; then
    datasets+=(--dataset "e2e=$E2E_TABLES")
else
    warn "no end-to-end tables (E2E_TABLES): comparing the synthetic data set only"
fi

"$expand" >"$work/panel-queries"
TZ=UTC "$python" "$HERE/compare.py" --root "$ROOT_DIR" --reference "http://127.0.0.1:$CLICKHOUSE_HTTP_PORT" \
    "${datasets[@]}" --panel-queries "$work/panel-queries"
