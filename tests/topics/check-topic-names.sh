#!/usr/bin/env bash
# Checks that kafka/topics.properties is the one definition of the topic names and that a topic's
# setting renames it everywhere. Needs no server: it renders the ClickHouse migrations
# (scripts/clickhouse.sh statements, for 18.16 and for the compose image's version) and runs
# scripts/create-topics.sh against a stand-in for Kafka's topic tool that only records the calls.
# One line per check, "ok" or "FAIL"; exit 0 when all pass. Run by `./pipeline test compose`.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TOPICS_FILE="$ROOT/kafka/topics.properties"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PIPELINE_HOME="$tmp/home"

failures=0
ok()   { printf 'ok   %s\n' "$1"; }
fail() { printf 'FAIL %s\n' "$1"; shift; for l in "$@"; do printf '       %s\n' "$l"; done; failures=$((failures + 1)); }

# The settings and default names, straight from the file.
mapfile -t SETTINGS < <(sed -n 's/^\([A-Z][A-Z_]*\)=.*/\1/p' "$TOPICS_FILE")
default_of() { sed -n "s/^$1=//p" "$TOPICS_FILE"; }
((${#SETTINGS[@]} > 0)) || { fail "kafka/topics.properties defines topics"; exit 1; }
for s in "${SETTINGS[@]}"; do unset "$s"; done   # the defaults, whatever the caller's environment
CLICKHOUSE_VERSIONS=(18.16 "$(sed -n 's/.*clickhouse-server:\([0-9.]*\).*/\1/p' "$ROOT/docker-compose.yml" | head -n 1)")

# render VERSION [SETTING=VALUE...]: every migration's statements, one file after the other, NULs
# turned into a separator line, as scripts/clickhouse.sh renders them for that version.
render() {
    local version=$1 file
    shift
    for file in "$ROOT"/clickhouse/migrations/*.sql; do
        echo "-- file $(basename "$file")"
        env "$@" "$ROOT/scripts/clickhouse.sh" statements "$file" "$version" | tr '\0' '\n' || return 1
    done
}

# 1. Every ${SETTING} is filled in, for every version.
bad=()
for v in "${CLICKHOUSE_VERSIONS[@]}"; do
    render "$v" >"$tmp/default-$v.sql" || bad+=("rendering for $v failed")
    left=$(grep -o '\${[A-Za-z_]*}' "$tmp/default-$v.sql" | sort -u | tr '\n' ' ')
    [[ -z $left ]] || bad+=("$v: left unrendered: $left")
done
if ((${#bad[@]} == 0)); then ok "the migrations render with every \${VARIABLE} filled in (ClickHouse ${CLICKHOUSE_VERSIONS[*]})"
else fail "the migrations render completely" "${bad[@]}"; fi

# 2. SETTING=x.y changes exactly the Kafka table that reads that topic (RAW_TOPIC: none, ClickHouse
#    does not read it), on its kafka_topic_list line, and nothing else.
bad=()
for v in "${CLICKHOUSE_VERSIONS[@]}"; do
    for s in "${SETTINGS[@]}"; do
        render "$v" "$s=x.y" >"$tmp/renamed.sql" || { bad+=("$v $s=x.y: rendering failed"); continue; }
        changed=$(diff "$tmp/default-$v.sql" "$tmp/renamed.sql" | grep -c '^[<>]')
        want_old="    kafka_topic_list = '$(default_of "$s")',"
        if [[ $s == RAW_TOPIC ]]; then
            ((changed == 0)) || bad+=("$v $s=x.y changed $changed lines; ClickHouse does not read the raw topic")
        elif ((changed != 2)) \
            || [[ $(diff "$tmp/default-$v.sql" "$tmp/renamed.sql" | sed -n 's/^< //p') != "$want_old" ]] \
            || [[ $(diff "$tmp/default-$v.sql" "$tmp/renamed.sql" | sed -n 's/^> //p') != "    kafka_topic_list = 'x.y'," ]]; then
            bad+=("$v $s=x.y: expected only \"$want_old\" to become 'x.y'; the change was: $(diff "$tmp/default-$v.sql" "$tmp/renamed.sql" | grep '^[<>]' | tr '\n' ' ')")
        fi
    done
done
grep -q "kafka_topic_list = 'x.y'" <(render 18.16 EVENTS_TOPIC=x.y | sed -n '/CREATE TABLE IF NOT EXISTS analytics.kafka_events (/,/;$/p') \
    || bad+=("EVENTS_TOPIC=x.y is not the topic of analytics.kafka_events")
if ((${#bad[@]} == 0)); then ok "each topic setting (e.g. EVENTS_TOPIC=x.y) renames exactly its Kafka table's topic and changes nothing else"
else fail "a topic setting renames its ClickHouse Kafka table's topic" "${bad[@]}"; fi

# 3. create-topics.sh creates every topic of the file, under its setting's name when that is set,
#    with the partitions of its class.
cat >"$tmp/kafka-topics.sh" <<'STUB'
#!/usr/bin/env bash
# Stands in for Kafka's topic tool: lists no topic, records each --create as "NAME PARTITIONS".
args=("$@"); name= partitions=
for ((i = 0; i < ${#args[@]}; i++)); do
    case ${args[i]} in --topic) name=${args[i + 1]} ;; --partitions) partitions=${args[i + 1]} ;; esac
done
[[ " $* " == *" --create "* ]] && echo "$name $partitions" >>"$CREATED"
exit 0
STUB
chmod +x "$tmp/kafka-topics.sh"
bad=()
: >"$tmp/created"
CREATED="$tmp/created" KAFKA_TOPICS_SH="$tmp/kafka-topics.sh" KAFKA_BOOTSTRAP=127.0.0.1:1 \
    EVENTS_TOPIC=x.y RAW_PARTITIONS=7 OUTPUT_PARTITIONS=5 "$ROOT/scripts/create-topics.sh" 2>"$tmp/create.err" \
    || bad+=("create-topics.sh failed: $(tail -n 3 "$tmp/create.err" | tr '\n' ' ')")
expected=$(for s in "${SETTINGS[@]}"; do
    name=$(default_of "$s"); [[ $s == EVENTS_TOPIC ]] && name=x.y
    case $(default_of "$s.partitions") in raw) echo "$name 7" ;; output) echo "$name 5" ;; one) echo "$name 1" ;; esac
done | sort)
[[ $(sort "$tmp/created") == "$expected" ]] || bad+=("created: $(sort "$tmp/created" | tr '\n' ',')" "expected: $(tr '\n' ',' <<<"$expected")")
if ((${#bad[@]} == 0)); then ok "create-topics.sh creates the file's topics (EVENTS_TOPIC=x.y renames one) with their partitions"
else fail "create-topics.sh creates the topics of kafka/topics.properties" "${bad[@]}"; fi

# 4. The compose stack has the file where its scripts and builds read it.
bad=()
block_of() { sed -n "/^  $1:/,/^  [a-z]/p" "$ROOT/docker-compose.yml"; }
for svc in kafka-init clickhouse-init; do
    block_of "$svc" | grep -q -- '- ./kafka/topics.properties:/opt/pipeline/kafka/topics.properties:ro' \
        || bad+=("$svc does not mount kafka/topics.properties where its scripts read it")
done
grep -qx 'COPY kafka/topics.properties kafka/topics.properties' "$ROOT/deploy/flink-job.Dockerfile" \
    && grep -qx '!kafka/topics.properties' "$ROOT/deploy/flink-job.Dockerfile.dockerignore" \
    || bad+=("deploy/flink-job.Dockerfile does not get kafka/topics.properties (COPY and .dockerignore)")
grep -qx 'COPY kafka/topics.properties kafka/topics.properties' "$ROOT/deploy/cpp.Dockerfile" \
    || bad+=("deploy/cpp.Dockerfile does not copy kafka/topics.properties (common/CMakeLists.txt reads it)")
if ((${#bad[@]} == 0)); then ok "compose's init services mount kafka/topics.properties and both builds copy it"
else fail "the compose stack gets kafka/topics.properties" "${bad[@]}"; fi

exit $((failures > 0))
