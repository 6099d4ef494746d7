-- Storage tables: one per Flink output. Flink re-emits a key with a growing `version` (live
-- provisional values, replays after a restore); ReplacingMergeTree(version) keeps the newest,
-- and the contract views (003) read with FINAL so every SELECT sees one current row per key.
-- Times arrive as epoch milliseconds and are stored as DateTime('UTC') / Date (plus the raw ms
-- where the contract asks for it). The SQL keeps to what ClickHouse 18.16 and the current LTS share.

CREATE TABLE IF NOT EXISTS analytics.events_store (
    event_id String,
    user_id String,
    type String,
    page String,
    ts_ms UInt64,
    ts DateTime('UTC'),
    session_id String,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(ts)
ORDER BY event_id;

CREATE TABLE IF NOT EXISTS analytics.events_per_type_store (
    window_start DateTime('UTC'),
    type String,
    events UInt64,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(window_start)
ORDER BY (window_start, type);

CREATE TABLE IF NOT EXISTS analytics.page_views_store (
    window_start DateTime('UTC'),
    page String,
    views UInt64,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(window_start)
ORDER BY (window_start, page);

CREATE TABLE IF NOT EXISTS analytics.unique_users_per_page_store (
    window_start DateTime('UTC'),
    page String,
    users UInt64,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(window_start)
ORDER BY (window_start, page);

CREATE TABLE IF NOT EXISTS analytics.conversion_store (
    window_start DateTime('UTC'),
    viewers UInt64,
    purchasers UInt64,
    converted UInt64,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(window_start)
ORDER BY window_start;

CREATE TABLE IF NOT EXISTS analytics.sessions_store (
    session_id String,
    user_id String,
    session_start_ms UInt64,
    session_end_ms UInt64,
    session_start DateTime('UTC'),
    events UInt64,
    page_views UInt64,
    purchased UInt8,
    funnel_step UInt8,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(session_start)
ORDER BY session_id;

-- One row per (user, UTC day) the user was active, with the user's first day ever: the input
-- of both retention objects.
CREATE TABLE IF NOT EXISTS analytics.user_days_store (
    day Date,
    user_id String,
    first_day Date,
    events UInt64,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(day)
ORDER BY (day, user_id);

-- Dead letters: one row per id (the gateway's reject, or the raw record Flink rejected, see
-- gateway/README.md), so a record read twice (the Kafka engine after a crash, Flink after a
-- restore) counts once; the same bad input sent twice is two rejections with two ids.
CREATE TABLE IF NOT EXISTS analytics.dead_letters_store (
    received_at DateTime('UTC'),
    received_at_ms UInt64,
    reason String,
    payload String,
    source String,
    id String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY id;

-- An event_id is late at most once (de-duplication runs first); replays of the Flink sink
-- collapse on it.
CREATE TABLE IF NOT EXISTS analytics.late_events_store (
    event_id String,
    user_id String,
    type String,
    page String,
    ts_ms UInt64,
    ts DateTime('UTC'),
    session_id String,
    watermark_ms UInt64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY event_id;

-- Records the Kafka engine could not parse, one row per topic, partition and offset (a record read
-- again after a crash counts once), with the parser's error and the record as it came. Filled where
-- the server can route them (004, ClickHouse 21.6 and later); on 18.16 it stays empty, since that
-- version skips such a record without a trace (clickhouse/README.md).
CREATE TABLE IF NOT EXISTS analytics.ingest_errors_store (
    received_at DateTime('UTC'),
    topic String,
    kafka_partition UInt64,
    kafka_offset UInt64,
    error String,
    raw_message String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (topic, kafka_partition, kafka_offset);
