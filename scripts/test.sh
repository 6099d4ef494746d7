#!/usr/bin/env bash
# ./pipeline test: builds and runs every test, against real components.
#   1. C++ unit tests (debug build, ASan + UBSan)
#   2. C++ integration tests against a real Kafka broker (a test broker on its own ports and
#      data folder, so a running `./pipeline up` stack is left alone)
#   3. the parser fuzz target for a fixed time (clang + libFuzzer)
#   4. the browser tracker's unit tests and size budget (Node's test runner)
#   5. the Flink job's tests (unit, operator harness, MiniCluster, restore)
#   6. the end-to-end test: `./pipeline up --no-emulator` on test ports, the Taobao sample
#      replayed through it, every ClickHouse object compared with an independent oracle; the job
#      refusing to start without state and starting over; the local Flink runtime not exposed;
#      then every Grafana panel query run on the ClickHouse it loaded, as the dashboards'
#      read-only account; the storage tables are kept for stage 9; then the browser tests (the
#      demo shop in Debian's Chromium) on the same stack
#   7. the chaos test: on a fresh test stack per fault, a paced replay of the Taobao sample
#      while the gateway is killed (-9), the broker restarted, the broker killed (-9), the Flink
#      runtime killed (-9), ClickHouse restarted, ClickHouse killed (-9); after each, every
#      ClickHouse object must equal the oracle; recovery
#      times in $PIPELINE_HOME/test/chaos-results.jsonl (also `./pipeline chaos`)
#   8. the docker compose file: parses, names every service, ports, shared build scripts; the topic
#      names' one definition (kafka/topics.properties) renders into the migrations and topics
#   9. modern ClickHouse: the migrations, the contract objects and every panel query on chDB
#      (ClickHouse 26.x) against 18.16, on synthetic rows and on the end-to-end stage's rows
#  10. Flink as a standalone cluster (1 JobManager, 2 TaskManagers): a parallelism above the raw
#      partitions without idleness refused at start-up; the replay at parallelism 2; one replay
#      through a rescale 1 -> 2, a TaskManager killed (-9) and a rescale 2 -> 1, each equal to the
#      oracle; recovery times in $PIPELINE_HOME/test/cluster-results.jsonl
# Ends with one line "N passed, N failed, N skipped" over all suites' test cases.
#
#   ./pipeline test [stage...]   stages: unit integration fuzz tracker flink e2e browser chaos compose
#                                modern-clickhouse cluster (default: all; browser runs on the e2e
#                                stage's stack when both run)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
TEST_HOME="$PIPELINE_HOME/test"
REPORT="$TEST_HOME/summary.txt"
mkdir -p "$TEST_HOME"
: >"$REPORT"

STAGES=("$@")
ALL_STAGES=(unit integration fuzz tracker flink e2e browser chaos compose modern-clickhouse cluster)
((${#STAGES[@]})) || STAGES=("${ALL_STAGES[@]}")
for stage in "${STAGES[@]}"; do
    [[ " ${ALL_STAGES[*]} " == *" $stage "* ]] || die "unknown test stage '$stage'"
done
wants_stage() { [[ " ${STAGES[*]} " == *" $1 "* ]]; }

passed=0
failed=0
skipped=0
failed_suites=()

# record SUITE PASSED FAILED [SKIPPED]
record() {
    passed=$((passed + $2)); failed=$((failed + $3)); skipped=$((skipped + ${4:-0}))
    printf '%-28s %5d passed %5d failed %5d skipped\n' "$1" "$2" "$3" "${4:-0}" >>"$REPORT"
    (($3 == 0)) || failed_suites+=("$1")
}

# script_suite NAME COMMAND...: a check script that prints "ok ..." and "FAIL ..." lines.
script_suite() {
    local name=$1 out="$TEST_HOME/${1// /-}.log" status=0 ok failures; shift
    log "running $name"
    "$@" 2>&1 | tee "$out" || status=$?
    ok=$(grep -c '^ok ' "$out" || true)
    failures=$(grep -c '^FAIL ' "$out" || true)
    # A script that stopped early without a FAIL line still counts as one failure.
    ((status == 0 || failures > 0)) || failures=1
    record "$name" "$ok" "$failures"
}

# ctest_counts LOG: "TOTAL FAILED SKIPPED" from ctest's closing lines. ctest counts a skipped
# case (GTEST_SKIP: gtest_discover_tests marks it with SKIP_REGULAR_EXPRESSION) in the total
# and not as failed, and lists it under "The following tests did not run" as (Skipped) or
# (Disabled): those are taken out of the passed ones.
ctest_counts() {
    local total fails skips
    total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$1" | tail -n 1)
    fails=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of.*/\1/p' "$1" | tail -n 1)
    skips=$(grep -cE '^[[:space:]]*[0-9]+ - .* \((Skipped|Disabled)\)$' "$1" || true)
    echo "${total:--} ${fails:-0} ${skips:-0}"
}

# ctest_suite NAME LABEL: runs one ctest label, counts from ctest's own closing lines.
ctest_suite() {
    local name=$1 label=$2 out="$TEST_HOME/${1// /-}.log" total fails skips
    log "running $name (ctest -L $label)"
    ctest --preset debug -L "$label" --timeout 600 2>&1 | tee "$out" || true
    read -r total fails skips <<<"$(ctest_counts "$out")"
    if [[ $total == - ]]; then record "$name" 0 1; return; fi
    record "$name" $((total - fails - skips)) "$fails" "$skips"
}

# The test stack: its own folder and ports (the usual ones + TEST_PORT_OFFSET, default 20000),
# so a running `./pipeline up` stack is left alone. It runs the debug (sanitizer) build.
o=${TEST_PORT_OFFSET:-20000}
T_KAFKA=$((9092 + o)) T_KAFKA_CONTROLLER=$((9093 + o)) T_CLICKHOUSE=$((8123 + o))
T_CLICKHOUSE_TCP=$((9000 + o)) T_GATEWAY=$((8080 + o)) T_FLINK=$((8081 + o))
# The browser tests load the shop from http://localhost:PORT and send to 127.0.0.1:PORT: a listed
# origin other than the gateway's own.
test_env() {
    env PIPELINE_HOME="$TEST_HOME" KAFKA_PORT=$T_KAFKA KAFKA_CONTROLLER_PORT=$T_KAFKA_CONTROLLER \
        KAFKA_BOOTSTRAP=127.0.0.1:$T_KAFKA CLICKHOUSE_HTTP_PORT=$T_CLICKHOUSE CLICKHOUSE_TCP_PORT=$T_CLICKHOUSE_TCP \
        GATEWAY_PORT=$T_GATEWAY FLINK_REST_PORT=$T_FLINK CMAKE_PRESET=debug \
        GATEWAY_CORS_ORIGINS=http://localhost:$T_GATEWAY "$@"
}
test_kafka() { test_env "$ROOT_DIR/scripts/kafka.sh" "$@"; }
stop_test_kafka() { test_kafka stop || true; }
stop_test_stack() { test_env "$ROOT_DIR/pipeline" down || true; }
# write_ctl NAME SCRIPT: $TEST_HOME/NAME runs SCRIPT with the test stack's settings, for tests
# that stop, start or break components themselves.
write_ctl() {
    { echo '#!/usr/bin/env bash'; declare -p T_KAFKA T_KAFKA_CONTROLLER T_CLICKHOUSE T_CLICKHOUSE_TCP T_GATEWAY T_FLINK TEST_HOME
      declare -f test_env; echo "test_env '$2' \"\$@\""; } >"$TEST_HOME/$1"
    chmod +x "$TEST_HOME/$1"
}

# 1. Unit tests, sanitizers on.
stage_unit() { ctest_suite "c++ unit" unit; }

# 2. Integration tests against a fresh test broker; the test binaries stop and start it
#    through KAFKA_CTL for the backpressure test.
stage_integration() {
    trap stop_test_kafka EXIT
    stop_test_kafka
    test_kafka wipe
    test_kafka start
    write_ctl kafka-ctl.sh "$ROOT_DIR/scripts/kafka.sh"
    KAFKA_BOOTSTRAP=127.0.0.1:$T_KAFKA KAFKA_CTL="$TEST_HOME/kafka-ctl.sh" ctest_suite "c++ integration" integration
    stop_test_kafka
    trap - EXIT
}

# 3. Fuzz the message parser for a fixed budget, from the committed corpus and regressions.
stage_fuzz() {
    log "fuzzing the message parser for ${FUZZ_SECONDS}s"
    "$ROOT_DIR/scripts/build.sh" cpp fuzz fuzz_parse_message
    local work="$TEST_HOME/fuzz-corpus"
    rm -rf "$work"; mkdir -p "$work"
    # regressions/ holds inputs that once crashed (common/fuzz/README.md): replayed first.
    # A new crash is written to $TEST_HOME/crash-*: copy it to common/fuzz/regressions/.
    if (cd "$TEST_HOME" && "$ROOT_DIR/build/fuzz/common/fuzz_parse_message" -max_total_time="$FUZZ_SECONDS" \
            -print_final_stats=1 "$work" "$ROOT_DIR/common/fuzz/corpus" "$ROOT_DIR/common/fuzz/regressions") \
            >"$TEST_HOME/fuzz.log" 2>&1; then
        tail -n 5 "$TEST_HOME/fuzz.log"
        record "parser fuzzing" 1 0
    else
        tail -n 40 "$TEST_HOME/fuzz.log"
        record "parser fuzzing" 0 1
    fi
}

# node_suite NAME LOG COMMAND...: a suite under Node's test runner (TAP), counted from its closing
# "# pass N" / "# fail N" / "# skipped N" lines.
node_suite() {
    local name=$1 out=$2 pass fail skipped; shift 2
    "$@" 2>&1 | tee "$out" || true
    pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out" | tail -n 1)
    fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out" | tail -n 1)
    skipped=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$out" | tail -n 1)
    if [[ -z $pass || -z $fail ]]; then record "$name" "${pass:-0}" 1; return; fi
    record "$name" "$pass" "$fail" "${skipped:-0}"
}

# 4. The browser tracker: its unit tests (batching, backoff, queue bounds, with fake timers)
#    and its size budget, on a fresh build.
stage_tracker() {
    log "testing the browser tracker (node --test)"
    "$ROOT_DIR/scripts/build.sh" tracker
    node_suite "tracker" "$TEST_HOME/tracker.log" node --test --test-reporter=tap "$ROOT_DIR"/tracker/test/*.test.js
}

# The demo shop in Debian's Chromium (playwright-core from npm drives it; no browser download)
# against the running test stack. A screenshot of the shop goes to $TEST_HOME/browser/.
run_browser_suite() {
    log "browser tests: the demo shop in Chromium against the test stack"
    npm_install "$ROOT_DIR/tests/browser"
    node_suite "browser" "$TEST_HOME/browser.log" \
        env GATEWAY_PORT=$T_GATEWAY CLICKHOUSE_HTTP_PORT=$T_CLICKHOUSE \
        BROWSER_SCREENSHOT="$TEST_HOME/browser/demo-shop.png" \
        node --test --test-concurrency=1 --test-reporter=tap "$ROOT_DIR/tests/browser/shop.test.js"
}

# 5. The Flink job's tests (Maven Surefire; counts from its XML reports).
xml_attr() { local v; v=$(grep -o " $1=\"[0-9]*\"" <<<"$2" | grep -o '[0-9]*' || true); echo "${v:-0}"; }
stage_flink() {
    log "running the Flink job's tests (Maven)"
    local reports="$ROOT_DIR/flink-job/target/surefire-reports" status=0 runs=0 fails=0 skips=0 xml head
    rm -rf "$reports"
    mvnw -f "$ROOT_DIR/flink-job/pom.xml" test 2>&1 | tee "$TEST_HOME/flink-job.log" || status=$?
    for xml in "$reports"/TEST-*.xml; do
        [[ -f $xml ]] || continue
        head=$(grep -m1 -o '<testsuite [^>]*>' "$xml" || true)
        runs=$((runs + $(xml_attr tests "$head")))
        fails=$((fails + $(xml_attr failures "$head") + $(xml_attr errors "$head")))
        skips=$((skips + $(xml_attr skipped "$head")))
    done
    # A build that failed outside the tests (compilation, a crashed fork) counts as one failure.
    if ((status != 0 && fails == 0)); then fails=1; runs=$((runs + 1)); fi
    if ((runs == 0)); then record "flink job" 0 1; else record "flink job" $((runs - fails - skips)) "$fails" "$skips"; fi
}

# 6. End to end, on a fresh test stack started the way users start theirs; then every Grafana
#    panel query on the ClickHouse it loaded.
stage_e2e() {
    log "end-to-end: starting the test stack"
    trap stop_test_stack EXIT
    stop_test_stack
    test_env "$ROOT_DIR/pipeline" down -v
    rm -rf "$E2E_TABLES"
    # A funnel the Taobao sample reaches the end of (it has no click); the oracle uses the same.
    export FUNNEL_STEPS="${E2E_FUNNEL_STEPS:-page_view,add_to_cart,purchase}"
    if test_env "$ROOT_DIR/pipeline" up --no-emulator; then
        script_suite "flink exposure" test_env "$ROOT_DIR/tests/e2e/check-flink-exposure.sh"
        write_ctl e2e-ctl.sh "$ROOT_DIR/pipeline"
        E2E_GATEWAY_URL=ws://127.0.0.1:$T_GATEWAY/ws/events CLICKHOUSE_HTTP_PORT=$T_CLICKHOUSE \
            E2E_KAFKA_BOOTSTRAP=127.0.0.1:$T_KAFKA E2E_FLINK_PORT=$T_FLINK E2E_CTL="$TEST_HOME/e2e-ctl.sh" \
            ctest_suite "end-to-end" e2e
        # The panels run as the read-only account Grafana uses (deploy/clickhouse/users.d/reader.xml).
        CLICKHOUSE_HTTP_PORT=$T_CLICKHOUSE CLICKHOUSE_USER=reader CLICKHOUSE_PASSWORD="${CLICKHOUSE_READER_PASSWORD:-reader123}" \
            ctest_suite "dashboard queries" dashboard
        CLICKHOUSE_HTTP_PORT=$T_CLICKHOUSE "$ROOT_DIR/tests/modern-clickhouse/dump-tables.sh" analytics "$E2E_TABLES" \
            || warn "could not keep the end-to-end tables for the modern-ClickHouse stage"
        # Its events are of now, the replay's of 2017: the windows do not meet.
        if wants_stage browser; then run_browser_suite; browser_done=1; fi
    else
        record "end-to-end" 0 1
    fi
    stop_test_stack
    unset FUNNEL_STEPS
    trap - EXIT
}

# The browser tests alone: on a test stack of their own.
browser_done=0
stage_browser() {
    ((browser_done)) && return 0
    log "browser tests: starting the test stack"
    trap stop_test_stack EXIT
    stop_test_stack
    test_env "$ROOT_DIR/pipeline" down -v
    if test_env "$ROOT_DIR/pipeline" up --no-emulator; then
        run_browser_suite
    else
        record "browser" 0 1
    fi
    stop_test_stack
    trap - EXIT
}

# 7. Fault tolerance: the test (tests/chaos) starts a fresh test stack for each fault itself and
#    breaks it through chaos-ctl.sh, bound here to the test stack's folder, ports and build.
stage_chaos() {
    log "chaos: one fault per fresh test stack, each checked against the oracle"
    local results="$TEST_HOME/chaos-results.jsonl"
    trap stop_test_stack EXIT
    stop_test_stack
    rm -f "$results"
    write_ctl chaos-ctl.sh "$ROOT_DIR/scripts/chaos-ctl.sh"
    CHAOS_CTL="$TEST_HOME/chaos-ctl.sh" CHAOS_GATEWAY_URL=ws://127.0.0.1:$T_GATEWAY/ws/events \
        CHAOS_KAFKA_BOOTSTRAP=127.0.0.1:$T_KAFKA \
        CHAOS_RESULTS="$results" PIPELINE_HOME="$TEST_HOME" CLICKHOUSE_HTTP_PORT=$T_CLICKHOUSE \
        ctest_suite "chaos" chaos
    echo "== recovery times (seconds from the fault; $results) =="
    "$TEST_HOME/chaos-ctl.sh" report "$results"
    # The stack is thrown away: kill -9 spares the minute ClickHouse takes to stop.
    "$TEST_HOME/chaos-ctl.sh" down || true
    trap - EXIT
}

# 8. The compose stack, as far as it can be checked without a Docker engine.
stage_compose() {
    script_suite "compose checks" "$ROOT_DIR/tests/compose/check-compose.sh"
    # The topic names' one definition, which the compose stack's init services and builds share.
    script_suite "topic names" "$ROOT_DIR/tests/topics/check-topic-names.sh"
}

# 9. The project's SQL on a current ClickHouse (chDB, in process) against 18.16 (a reference server
#    of its own on the test ports, so it runs after the test stack is down), row for row.
E2E_TABLES="$TEST_HOME/e2e-tables"   # the end-to-end stage's storage tables, dumped for stage 9
stage_modern-clickhouse() {
    script_suite "modern clickhouse" test_env env PIPELINE_HOME="$TEST_HOME/modern-clickhouse" \
        E2E_TABLES="$E2E_TABLES" "$ROOT_DIR/tests/modern-clickhouse/run.sh"
}

# 10. Flink as a standalone cluster of two TaskManagers (tests/cluster): the test starts, breaks and
#    rescales the test stack through the chaos test's control script, here with FLINK_TASKMANAGERS=2.
stage_cluster() {
    log "cluster: Flink as a standalone cluster (1 JobManager, 2 TaskManagers) on the test stack"
    local results="$TEST_HOME/cluster-results.jsonl"
    trap stop_test_stack EXIT
    stop_test_stack
    rm -f "$results"
    write_ctl chaos-ctl.sh "$ROOT_DIR/scripts/chaos-ctl.sh"
    FLINK_TASKMANAGERS=2 CHAOS_CTL="$TEST_HOME/chaos-ctl.sh" CHAOS_GATEWAY_URL=ws://127.0.0.1:$T_GATEWAY/ws/events \
        CHAOS_RESULTS="$results" PIPELINE_HOME="$TEST_HOME" CLICKHOUSE_HTTP_PORT=$T_CLICKHOUSE \
        KAFKA_BOOTSTRAP=127.0.0.1:$T_KAFKA ctest_suite "flink cluster" cluster
    echo "== Flink cluster rounds (seconds from the fault or the start of the replay; $results) =="
    "$TEST_HOME/chaos-ctl.sh" report "$results"
    "$TEST_HOME/chaos-ctl.sh" down || true
    trap - EXIT
}

"$ROOT_DIR/scripts/install-deps.sh" all
"$ROOT_DIR/scripts/build.sh" cpp debug   # every C++ stage runs the debug (sanitizer) build
for stage in "${STAGES[@]}"; do "stage_$stage"; done

echo
echo "== ./pipeline test summary (logs in $TEST_HOME) =="
cat "$REPORT"
((${#failed_suites[@]} == 0)) || echo "failing: ${failed_suites[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
