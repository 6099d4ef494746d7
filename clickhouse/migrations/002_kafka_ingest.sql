-- Ingest: for each topic a Kafka engine table (a consumer, not storage) and two materialized
-- views: one moves the records that parse into their storage table (001), the other the ones
-- that do not into analytics.ingest_errors, so one bad record never stalls a table and stays
-- visible. ${KAFKA_BOOTSTRAP}, ${CLICKHOUSE_KAFKA_GROUP}, ${CLICKHOUSE_KAFKA_BLOCK_ROWS} and
-- ${CLICKHOUSE_KAFKA_RAW_SETTINGS} are filled in by scripts/clickhouse.sh. Each table has its own
-- consumer group.
--
-- Each record is read whole, as one String (`raw`), and parsed here with the visitParam*
-- functions (18.16 and current ClickHouse both have them; JSONExtract* and the JSONAsString
-- and LineAsString formats are newer than 18.16, and the engine's own JSON parsing stops the
-- table at the first record it cannot read). The format is CSV with a tab as delimiter and no
-- quoting (our producers write compact JSON: no raw tab or line break in it), so every byte up
-- to the end of the record is the value, unescaped. ${CLICKHOUSE_KAFKA_RAW_SETTINGS} differs by
-- version (scripts/clickhouse.sh): 18.16 reads a topic as one stream, so a line break ends each
-- record (kafka_row_delimiter), and takes format settings only from the profile
-- (clickhouse/config/users.xml.template); current ClickHouse reads each record apart and takes
-- the format settings on the table, with kafka_skip_broken_messages for a record that is not
-- even one CSV field (one holding a raw tab, say; 18.16 skips those by its profile's
-- input_format_allow_errors_num).
--
-- A record is taken when it is one JSON object whose every column is present with a value of its
-- type: strings quoted (or null: written by Flink for an absent value), numbers unsigned
-- integers. visitParam reads the first `"name":` in the text; in a JSON object that is the
-- member's own key, since a quote inside a string is always escaped.
--
-- How soon rows show: the engine reads a block until it has kafka_max_block_size rows or a poll
-- waits 500 ms for nothing, and only between blocks checks stream_flush_interval_ms (profile
-- setting, low in clickhouse/config/users.xml.template; 18.16 has no per-table flush setting).
-- On a continuous stream the block size alone decides, so it is small (default 100); the blocks
-- of one flush are squashed into one insert.

-- Records of any topic that did not parse (their first 4096 bytes); one row per (topic, text)
-- however often the engine read it. Kept until deleted, like dead_letters.
CREATE TABLE IF NOT EXISTS analytics.ingest_errors_store (
    topic String,
    raw_hash UInt64,
    received_at DateTime('UTC'),
    record String
) ENGINE = ReplacingMergeTree
PARTITION BY topic
ORDER BY (topic, raw_hash);

CREATE VIEW IF NOT EXISTS analytics.ingest_errors AS
SELECT topic, received_at, record
FROM analytics.ingest_errors_store FINAL;

CREATE TABLE IF NOT EXISTS analytics.kafka_events (raw String) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'analytics.events',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.events',
    kafka_format = 'CSV',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS}${CLICKHOUSE_KAFKA_RAW_SETTINGS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.events_mv TO analytics.events_store AS
SELECT
    visitParamExtractString(raw, 'event_id') AS event_id,
    visitParamExtractString(raw, 'user_id') AS user_id,
    visitParamExtractString(raw, 'type') AS type,
    visitParamExtractString(raw, 'page') AS page,
    visitParamExtractUInt(raw, 'ts_ms') AS ts_ms,
    toDateTime(intDiv(visitParamExtractUInt(raw, 'ts_ms'), 1000), 'UTC') AS ts,
    visitParamExtractString(raw, 'session_id') AS session_id,
    visitParamExtractUInt(raw, 'version') AS version
FROM analytics.kafka_events
WHERE startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'event_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'user_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'type'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'page'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'ts_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'session_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'version'), '^[0-9]+$');

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.events_errors_mv TO analytics.ingest_errors_store AS
SELECT 'analytics.events' AS topic, cityHash64(raw) AS raw_hash, now() AS received_at, substring(raw, 1, 4096) AS record
FROM analytics.kafka_events
WHERE NOT (startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'event_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'user_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'type'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'page'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'ts_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'session_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'version'), '^[0-9]+$'));

CREATE TABLE IF NOT EXISTS analytics.kafka_events_per_type (raw String) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'analytics.events_per_type',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.events_per_type',
    kafka_format = 'CSV',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS}${CLICKHOUSE_KAFKA_RAW_SETTINGS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.events_per_type_mv TO analytics.events_per_type_store AS
SELECT
    toDateTime(intDiv(visitParamExtractUInt(raw, 'window_start_ms'), 1000), 'UTC') AS window_start,
    visitParamExtractString(raw, 'type') AS type,
    visitParamExtractUInt(raw, 'events') AS events,
    visitParamExtractUInt(raw, 'version') AS version
FROM analytics.kafka_events_per_type
WHERE startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'window_start_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'type'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'events'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'version'), '^[0-9]+$');

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.events_per_type_errors_mv TO analytics.ingest_errors_store AS
SELECT 'analytics.events_per_type' AS topic, cityHash64(raw) AS raw_hash, now() AS received_at, substring(raw, 1, 4096) AS record
FROM analytics.kafka_events_per_type
WHERE NOT (startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'window_start_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'type'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'events'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'version'), '^[0-9]+$'));

CREATE TABLE IF NOT EXISTS analytics.kafka_page_views (raw String) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'analytics.page_views',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.page_views',
    kafka_format = 'CSV',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS}${CLICKHOUSE_KAFKA_RAW_SETTINGS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.page_views_mv TO analytics.page_views_store AS
SELECT
    toDateTime(intDiv(visitParamExtractUInt(raw, 'window_start_ms'), 1000), 'UTC') AS window_start,
    visitParamExtractString(raw, 'page') AS page,
    visitParamExtractUInt(raw, 'views') AS views,
    visitParamExtractUInt(raw, 'version') AS version
FROM analytics.kafka_page_views
WHERE startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'window_start_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'page'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'views'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'version'), '^[0-9]+$');

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.page_views_errors_mv TO analytics.ingest_errors_store AS
SELECT 'analytics.page_views' AS topic, cityHash64(raw) AS raw_hash, now() AS received_at, substring(raw, 1, 4096) AS record
FROM analytics.kafka_page_views
WHERE NOT (startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'window_start_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'page'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'views'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'version'), '^[0-9]+$'));

CREATE TABLE IF NOT EXISTS analytics.kafka_unique_users_per_page (raw String) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'analytics.unique_users_per_page',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.unique_users_per_page',
    kafka_format = 'CSV',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS}${CLICKHOUSE_KAFKA_RAW_SETTINGS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.unique_users_per_page_mv TO analytics.unique_users_per_page_store AS
SELECT
    toDateTime(intDiv(visitParamExtractUInt(raw, 'window_start_ms'), 1000), 'UTC') AS window_start,
    visitParamExtractString(raw, 'page') AS page,
    visitParamExtractUInt(raw, 'users') AS users,
    visitParamExtractUInt(raw, 'version') AS version
FROM analytics.kafka_unique_users_per_page
WHERE startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'window_start_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'page'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'users'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'version'), '^[0-9]+$');

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.unique_users_per_page_errors_mv TO analytics.ingest_errors_store AS
SELECT 'analytics.unique_users_per_page' AS topic, cityHash64(raw) AS raw_hash, now() AS received_at, substring(raw, 1, 4096) AS record
FROM analytics.kafka_unique_users_per_page
WHERE NOT (startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'window_start_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'page'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'users'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'version'), '^[0-9]+$'));

CREATE TABLE IF NOT EXISTS analytics.kafka_conversion (raw String) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'analytics.conversion',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.conversion',
    kafka_format = 'CSV',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS}${CLICKHOUSE_KAFKA_RAW_SETTINGS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.conversion_mv TO analytics.conversion_store AS
SELECT
    toDateTime(intDiv(visitParamExtractUInt(raw, 'window_start_ms'), 1000), 'UTC') AS window_start,
    visitParamExtractUInt(raw, 'viewers') AS viewers,
    visitParamExtractUInt(raw, 'purchasers') AS purchasers,
    visitParamExtractUInt(raw, 'converted') AS converted,
    visitParamExtractUInt(raw, 'version') AS version
FROM analytics.kafka_conversion
WHERE startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'window_start_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'viewers'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'purchasers'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'converted'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'version'), '^[0-9]+$');

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.conversion_errors_mv TO analytics.ingest_errors_store AS
SELECT 'analytics.conversion' AS topic, cityHash64(raw) AS raw_hash, now() AS received_at, substring(raw, 1, 4096) AS record
FROM analytics.kafka_conversion
WHERE NOT (startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'window_start_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'viewers'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'purchasers'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'converted'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'version'), '^[0-9]+$'));

CREATE TABLE IF NOT EXISTS analytics.kafka_sessions (raw String) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'analytics.sessions',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.sessions',
    kafka_format = 'CSV',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS}${CLICKHOUSE_KAFKA_RAW_SETTINGS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.sessions_mv TO analytics.sessions_store AS
SELECT
    visitParamExtractString(raw, 'session_id') AS session_id,
    visitParamExtractString(raw, 'user_id') AS user_id,
    visitParamExtractUInt(raw, 'session_start_ms') AS session_start_ms,
    visitParamExtractUInt(raw, 'session_end_ms') AS session_end_ms,
    toDateTime(intDiv(visitParamExtractUInt(raw, 'session_start_ms'), 1000), 'UTC') AS session_start,
    visitParamExtractUInt(raw, 'events') AS events,
    visitParamExtractUInt(raw, 'page_views') AS page_views,
    toUInt8(visitParamExtractUInt(raw, 'purchased')) AS purchased,
    toUInt8(visitParamExtractUInt(raw, 'funnel_step')) AS funnel_step,
    visitParamExtractUInt(raw, 'version') AS version
FROM analytics.kafka_sessions
WHERE startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'session_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'user_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'session_start_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'session_end_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'events'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'page_views'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'purchased'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'funnel_step'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'version'), '^[0-9]+$');

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.sessions_errors_mv TO analytics.ingest_errors_store AS
SELECT 'analytics.sessions' AS topic, cityHash64(raw) AS raw_hash, now() AS received_at, substring(raw, 1, 4096) AS record
FROM analytics.kafka_sessions
WHERE NOT (startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'session_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'user_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'session_start_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'session_end_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'events'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'page_views'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'purchased'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'funnel_step'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'version'), '^[0-9]+$'));

CREATE TABLE IF NOT EXISTS analytics.kafka_user_days (raw String) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'analytics.user_days',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.user_days',
    kafka_format = 'CSV',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS}${CLICKHOUSE_KAFKA_RAW_SETTINGS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.user_days_mv TO analytics.user_days_store AS
SELECT
    toDate(toDateTime(intDiv(visitParamExtractUInt(raw, 'day_ms'), 1000), 'UTC')) AS day,
    visitParamExtractString(raw, 'user_id') AS user_id,
    toDate(toDateTime(intDiv(visitParamExtractUInt(raw, 'first_day_ms'), 1000), 'UTC')) AS first_day,
    visitParamExtractUInt(raw, 'events') AS events,
    visitParamExtractUInt(raw, 'version') AS version
FROM analytics.kafka_user_days
WHERE startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'user_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'day_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'first_day_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'events'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'version'), '^[0-9]+$');

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.user_days_errors_mv TO analytics.ingest_errors_store AS
SELECT 'analytics.user_days' AS topic, cityHash64(raw) AS raw_hash, now() AS received_at, substring(raw, 1, 4096) AS record
FROM analytics.kafka_user_days
WHERE NOT (startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'user_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'day_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'first_day_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'events'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'version'), '^[0-9]+$'));

CREATE TABLE IF NOT EXISTS analytics.kafka_dead_letters (raw String) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'events.deadletter',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.dead_letters',
    kafka_format = 'CSV',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS}${CLICKHOUSE_KAFKA_RAW_SETTINGS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.dead_letters_mv TO analytics.dead_letters_store AS
SELECT
    toDateTime(intDiv(visitParamExtractUInt(raw, 'received_at_ms'), 1000), 'UTC') AS received_at,
    visitParamExtractUInt(raw, 'received_at_ms') AS received_at_ms,
    visitParamExtractString(raw, 'reason') AS reason,
    visitParamExtractString(raw, 'payload') AS payload,
    visitParamExtractString(raw, 'source') AS source,
    if(visitParamHas(raw, 'id'), visitParamExtractString(raw, 'id'), concat('text:', toString(cityHash64(raw)))) AS id
FROM analytics.kafka_dead_letters
WHERE startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'received_at_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'reason'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'payload'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'source'), '^("|null$)');

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.dead_letters_errors_mv TO analytics.ingest_errors_store AS
SELECT 'events.deadletter' AS topic, cityHash64(raw) AS raw_hash, now() AS received_at, substring(raw, 1, 4096) AS record
FROM analytics.kafka_dead_letters
WHERE NOT (startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'received_at_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'reason'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'payload'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'source'), '^("|null$)'));

CREATE TABLE IF NOT EXISTS analytics.kafka_late_events (raw String) ENGINE = Kafka SETTINGS
    kafka_broker_list = '${KAFKA_BOOTSTRAP}',
    kafka_topic_list = 'events.late',
    kafka_group_name = '${CLICKHOUSE_KAFKA_GROUP}.late_events',
    kafka_format = 'CSV',
    kafka_num_consumers = 1,
    kafka_max_block_size = ${CLICKHOUSE_KAFKA_BLOCK_ROWS}${CLICKHOUSE_KAFKA_RAW_SETTINGS};

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.late_events_mv TO analytics.late_events_store AS
SELECT
    visitParamExtractString(raw, 'event_id') AS event_id,
    visitParamExtractString(raw, 'user_id') AS user_id,
    visitParamExtractString(raw, 'type') AS type,
    visitParamExtractString(raw, 'page') AS page,
    visitParamExtractUInt(raw, 'ts_ms') AS ts_ms,
    toDateTime(intDiv(visitParamExtractUInt(raw, 'ts_ms'), 1000), 'UTC') AS ts,
    visitParamExtractString(raw, 'session_id') AS session_id,
    visitParamExtractUInt(raw, 'watermark_ms') AS watermark_ms
FROM analytics.kafka_late_events
WHERE startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'event_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'user_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'type'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'page'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'ts_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'session_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'watermark_ms'), '^[0-9]+$');

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.late_events_errors_mv TO analytics.ingest_errors_store AS
SELECT 'events.late' AS topic, cityHash64(raw) AS raw_hash, now() AS received_at, substring(raw, 1, 4096) AS record
FROM analytics.kafka_late_events
WHERE NOT (startsWith(raw, '{') AND endsWith(raw, '}') AND
    match(visitParamExtractRaw(raw, 'event_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'user_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'type'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'page'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'ts_ms'), '^[0-9]+$') AND
    match(visitParamExtractRaw(raw, 'session_id'), '^("|null$)') AND
    match(visitParamExtractRaw(raw, 'watermark_ms'), '^[0-9]+$'));
