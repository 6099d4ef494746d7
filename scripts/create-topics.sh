#!/usr/bin/env bash
# Creates the pipeline's topics explicitly (auto-creation is off), idempotently.
# Partitions and retention can be overridden: RAW_PARTITIONS, OUTPUT_PARTITIONS, RETENTION_MS; and
# the copies: REPLICATION_FACTOR (at most the number of brokers) and MIN_INSYNC_REPLICAS (how many
# copies an acks=all write needs before it is acknowledged; deploy/README.md, durable Kafka).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

RAW_PARTITIONS="${RAW_PARTITIONS:-6}"
OUTPUT_PARTITIONS="${OUTPUT_PARTITIONS:-3}"
RETENTION_MS="${RETENTION_MS:-604800000}"   # 7 days
REPLICATION_FACTOR="${REPLICATION_FACTOR:-1}"
MIN_INSYNC_REPLICAS="${MIN_INSYNC_REPLICAS:-1}"
# The record batch size every topic takes: the one value of common/event-rules (the producers'
# limits are set from the same file).
MAX_MESSAGE_BYTES=$(sed -n 's/^kafka\.topic_max_message_bytes=//p' "$ROOT_DIR/common/event-rules/event-rules.properties")
[[ $MAX_MESSAGE_BYTES =~ ^[0-9]+$ ]] || die "kafka.topic_max_message_bytes not found in common/event-rules/event-rules.properties"

# name partitions [extra topic configs...]
topics=(
    "${RAW_TOPIC:-events.raw} $RAW_PARTITIONS"            # raw events, keyed by user_id
    "${DEADLETTER_TOPIC:-events.deadletter} 1"            # rejected input, with reasons
    "${LATE_TOPIC:-events.late} 1"                        # events behind the watermark
    "analytics.events $OUTPUT_PARTITIONS"                 # Flink outputs, one topic per object
    "analytics.events_per_type $OUTPUT_PARTITIONS"
    "analytics.page_views $OUTPUT_PARTITIONS"
    "analytics.unique_users_per_page $OUTPUT_PARTITIONS"
    "analytics.conversion $OUTPUT_PARTITIONS"
    "analytics.sessions $OUTPUT_PARTITIONS"
    "analytics.user_days $OUTPUT_PARTITIONS"
)

# The topic tool: the official Kafka image's script in compose, else our Maven-resolved jars.
kafka_topics() {
    if [[ -x ${KAFKA_TOPICS_SH:-/opt/kafka/bin/kafka-topics.sh} ]]; then
        "${KAFKA_TOPICS_SH:-/opt/kafka/bin/kafka-topics.sh}" "$@"
    else
        "$ROOT_DIR/scripts/kafka.sh" run-class org.apache.kafka.tools.TopicCommand "$@"
    fi
}

# Each call starts a JVM (~2 s): list the topics once and create only the missing ones.
existing=$(kafka_topics --bootstrap-server "$KAFKA_BOOTSTRAP" --list)
for entry in "${topics[@]}"; do
    read -r name partitions <<<"$entry"
    if grep -qxF "$name" <<<"$existing"; then
        continue
    fi
    kafka_topics --bootstrap-server "$KAFKA_BOOTSTRAP" --create --if-not-exists --topic "$name" \
        --partitions "$partitions" --replication-factor "$REPLICATION_FACTOR" \
        --config "retention.ms=$RETENTION_MS" --config "min.insync.replicas=$MIN_INSYNC_REPLICAS" \
        --config "max.message.bytes=$MAX_MESSAGE_BYTES" >/dev/null
    log "topic $name created ($partitions partitions, $REPLICATION_FACTOR copies, $MIN_INSYNC_REPLICAS in sync for acks=all)"
done
