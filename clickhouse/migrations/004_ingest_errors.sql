-- requires ClickHouse 21.6
-- Where a broken record goes: each Kafka table of 002 reads with kafka_handle_error_mode 'stream',
-- so a record that does not parse arrives as one row with _error (the parser's message) and
-- _raw_message (the record) set and every column at its default; 002's views leave such rows out,
-- and these views write them to analytics.ingest_errors (001). ClickHouse 18.16 has no such mode:
-- there this file runs no statement (scripts/clickhouse.sh statements).

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.events_errors_mv TO analytics.ingest_errors_store AS
SELECT now() AS received_at, _topic AS topic, _partition AS kafka_partition, _offset AS kafka_offset,
    _error AS error, _raw_message AS raw_message
FROM analytics.kafka_events
WHERE _error != '';

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.events_per_type_errors_mv TO analytics.ingest_errors_store AS
SELECT now() AS received_at, _topic AS topic, _partition AS kafka_partition, _offset AS kafka_offset,
    _error AS error, _raw_message AS raw_message
FROM analytics.kafka_events_per_type
WHERE _error != '';

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.page_views_errors_mv TO analytics.ingest_errors_store AS
SELECT now() AS received_at, _topic AS topic, _partition AS kafka_partition, _offset AS kafka_offset,
    _error AS error, _raw_message AS raw_message
FROM analytics.kafka_page_views
WHERE _error != '';

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.unique_users_per_page_errors_mv TO analytics.ingest_errors_store AS
SELECT now() AS received_at, _topic AS topic, _partition AS kafka_partition, _offset AS kafka_offset,
    _error AS error, _raw_message AS raw_message
FROM analytics.kafka_unique_users_per_page
WHERE _error != '';

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.conversion_errors_mv TO analytics.ingest_errors_store AS
SELECT now() AS received_at, _topic AS topic, _partition AS kafka_partition, _offset AS kafka_offset,
    _error AS error, _raw_message AS raw_message
FROM analytics.kafka_conversion
WHERE _error != '';

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.sessions_errors_mv TO analytics.ingest_errors_store AS
SELECT now() AS received_at, _topic AS topic, _partition AS kafka_partition, _offset AS kafka_offset,
    _error AS error, _raw_message AS raw_message
FROM analytics.kafka_sessions
WHERE _error != '';

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.user_days_errors_mv TO analytics.ingest_errors_store AS
SELECT now() AS received_at, _topic AS topic, _partition AS kafka_partition, _offset AS kafka_offset,
    _error AS error, _raw_message AS raw_message
FROM analytics.kafka_user_days
WHERE _error != '';

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.dead_letters_errors_mv TO analytics.ingest_errors_store AS
SELECT now() AS received_at, _topic AS topic, _partition AS kafka_partition, _offset AS kafka_offset,
    _error AS error, _raw_message AS raw_message
FROM analytics.kafka_dead_letters
WHERE _error != '';

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.late_events_errors_mv TO analytics.ingest_errors_store AS
SELECT now() AS received_at, _topic AS topic, _partition AS kafka_partition, _offset AS kafka_offset,
    _error AS error, _raw_message AS raw_message
FROM analytics.kafka_late_events
WHERE _error != '';
