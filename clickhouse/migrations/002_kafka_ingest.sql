-- Ingest: for each topic a Kafka engine table (a consumer, not storage) and a materialized
-- view that moves every consumed block into its storage table (001). ${KAFKA_BOOTSTRAP} and
-- ${CLICKHOUSE_KAFKA_GROUP} are filled in by scripts/clickhouse.sh. Each table has its own
-- consumer group. How soon rows show: the engine reads a block until it has
-- kafka_max_block_size rows or a poll waits 500 ms for nothing, and only between blocks checks
-- stream_flush_interval_ms (profile setting, low in clickhouse/config/users.xml.template; 18.16
-- has no per-table flush setting). On a continuous stream the block size alone decides, so it is
-- small (${CLICKHOUSE_KAFKA_BLOCK_ROWS}, default 100); the blocks of one flush are squashed into
-- one insert.
-- A record that does not parse stops nothing: ${KAFKA_BROKEN_RECORDS} and ${KAFKA_PARSED_ROWS} are
-- what each ClickHouse version can do with it (scripts/clickhouse.sh, render; clickhouse/README.md).

CREATE TABLE IF NOT EXISTS analytics.kafka_events (
    event_id String,
    user_id String,
    type String,
    page String,
    ts_ms UInt64,
    session_id String,
    version UInt64
) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'analytics.events',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.events',
    kafka_format = 'JSONEachRow',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS},
    ${KAFKA_BROKEN_RECORDS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.events_mv TO analytics.events_store AS
SELECT
    event_id, user_id, type, page, ts_ms,
    toDateTime(intDiv(ts_ms, 1000), 'UTC') AS ts,
    session_id, version
FROM analytics.kafka_events
${KAFKA_PARSED_ROWS};

CREATE TABLE IF NOT EXISTS analytics.kafka_events_per_type (
    window_start_ms UInt64,
    type String,
    events UInt64,
    version UInt64
) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'analytics.events_per_type',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.events_per_type',
    kafka_format = 'JSONEachRow',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS},
    ${KAFKA_BROKEN_RECORDS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.events_per_type_mv TO analytics.events_per_type_store AS
SELECT
    toDateTime(intDiv(window_start_ms, 1000), 'UTC') AS window_start,
    type, events, version
FROM analytics.kafka_events_per_type
${KAFKA_PARSED_ROWS};

CREATE TABLE IF NOT EXISTS analytics.kafka_page_views (
    window_start_ms UInt64,
    page String,
    views UInt64,
    version UInt64
) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'analytics.page_views',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.page_views',
    kafka_format = 'JSONEachRow',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS},
    ${KAFKA_BROKEN_RECORDS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.page_views_mv TO analytics.page_views_store AS
SELECT
    toDateTime(intDiv(window_start_ms, 1000), 'UTC') AS window_start,
    page, views, version
FROM analytics.kafka_page_views
${KAFKA_PARSED_ROWS};

CREATE TABLE IF NOT EXISTS analytics.kafka_unique_users_per_page (
    window_start_ms UInt64,
    page String,
    users UInt64,
    version UInt64
) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'analytics.unique_users_per_page',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.unique_users_per_page',
    kafka_format = 'JSONEachRow',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS},
    ${KAFKA_BROKEN_RECORDS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.unique_users_per_page_mv TO analytics.unique_users_per_page_store AS
SELECT
    toDateTime(intDiv(window_start_ms, 1000), 'UTC') AS window_start,
    page, users, version
FROM analytics.kafka_unique_users_per_page
${KAFKA_PARSED_ROWS};

CREATE TABLE IF NOT EXISTS analytics.kafka_conversion (
    window_start_ms UInt64,
    viewers UInt64,
    purchasers UInt64,
    converted UInt64,
    version UInt64
) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'analytics.conversion',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.conversion',
    kafka_format = 'JSONEachRow',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS},
    ${KAFKA_BROKEN_RECORDS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.conversion_mv TO analytics.conversion_store AS
SELECT
    toDateTime(intDiv(window_start_ms, 1000), 'UTC') AS window_start,
    viewers, purchasers, converted, version
FROM analytics.kafka_conversion
${KAFKA_PARSED_ROWS};

CREATE TABLE IF NOT EXISTS analytics.kafka_sessions (
    session_id String,
    user_id String,
    session_start_ms UInt64,
    session_end_ms UInt64,
    events UInt64,
    page_views UInt64,
    purchased UInt8,
    funnel_step UInt8,
    version UInt64
) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'analytics.sessions',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.sessions',
    kafka_format = 'JSONEachRow',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS},
    ${KAFKA_BROKEN_RECORDS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.sessions_mv TO analytics.sessions_store AS
SELECT
    session_id, user_id, session_start_ms, session_end_ms,
    toDateTime(intDiv(session_start_ms, 1000), 'UTC') AS session_start,
    events, page_views, purchased, funnel_step, version
FROM analytics.kafka_sessions
${KAFKA_PARSED_ROWS};

CREATE TABLE IF NOT EXISTS analytics.kafka_user_days (
    user_id String,
    day_ms UInt64,
    first_day_ms UInt64,
    events UInt64,
    version UInt64
) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'analytics.user_days',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.user_days',
    kafka_format = 'JSONEachRow',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS},
    ${KAFKA_BROKEN_RECORDS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.user_days_mv TO analytics.user_days_store AS
SELECT
    toDate(toDateTime(intDiv(day_ms, 1000), 'UTC')) AS day,
    user_id,
    toDate(toDateTime(intDiv(first_day_ms, 1000), 'UTC')) AS first_day,
    events, version
FROM analytics.kafka_user_days
${KAFKA_PARSED_ROWS};

CREATE TABLE IF NOT EXISTS analytics.kafka_dead_letters (
    received_at_ms UInt64,
    reason String,
    payload String,
    source String,
    id String
) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'events.deadletter',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.dead_letters',
    kafka_format = 'JSONEachRow',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS},
    ${KAFKA_BROKEN_RECORDS};

-- One row per dead letter id (001); a dead letter without one (written by another producer) is
-- keyed by its content.
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.dead_letters_mv TO analytics.dead_letters_store AS
SELECT
    toDateTime(intDiv(received_at_ms, 1000), 'UTC') AS received_at,
    received_at_ms, reason, payload, source,
    if(id != '', id, concat('content:', toString(cityHash64(toString(received_at_ms), reason, payload, source)))) AS id
FROM analytics.kafka_dead_letters
${KAFKA_PARSED_ROWS};

CREATE TABLE IF NOT EXISTS analytics.kafka_late_events (
    event_id String,
    user_id String,
    type String,
    page String,
    ts_ms UInt64,
    session_id String,
    watermark_ms UInt64
) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'events.late',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.late_events',
    kafka_format = 'JSONEachRow',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS},
    ${KAFKA_BROKEN_RECORDS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.late_events_mv TO analytics.late_events_store AS
SELECT
    event_id, user_id, type, page, ts_ms,
    toDateTime(intDiv(ts_ms, 1000), 'UTC') AS ts,
    session_id, watermark_ms
FROM analytics.kafka_late_events
${KAFKA_PARSED_ROWS};
