-- The objects of contract section 5: one current row per key to a plain SELECT, however often
-- Flink re-emitted or replayed that key. FINAL collapses the versions at read time (merges
-- happen later, in the background); rows whose counts are all zero are left out.

CREATE VIEW IF NOT EXISTS analytics.events AS
SELECT event_id, user_id, type, page, ts_ms, ts, session_id
FROM analytics.events_store FINAL;

CREATE VIEW IF NOT EXISTS analytics.events_per_type AS
SELECT window_start, type, events
FROM analytics.events_per_type_store FINAL
WHERE events > 0;

CREATE VIEW IF NOT EXISTS analytics.page_views AS
SELECT window_start, page, views
FROM analytics.page_views_store FINAL
WHERE views > 0;

CREATE VIEW IF NOT EXISTS analytics.unique_users_per_page AS
SELECT window_start, page, users
FROM analytics.unique_users_per_page_store FINAL
WHERE users > 0;

CREATE VIEW IF NOT EXISTS analytics.conversion AS
SELECT window_start, viewers, purchasers, converted
FROM analytics.conversion_store FINAL
WHERE viewers + purchasers + converted > 0;

CREATE VIEW IF NOT EXISTS analytics.sessions AS
SELECT session_id, user_id, session_start_ms, session_end_ms, session_start,
       events, page_views, purchased, funnel_step
FROM analytics.sessions_store FINAL
WHERE events > 0;

-- Per hour of session start: sessions that reached at least step k of FUNNEL_STEPS.
CREATE VIEW IF NOT EXISTS analytics.funnel AS
SELECT
    toStartOfHour(session_start) AS hour,
    count() AS sessions,
    countIf(funnel_step >= 1) AS step1,
    countIf(funnel_step >= 2) AS step2,
    countIf(funnel_step >= 3) AS step3
FROM analytics.sessions
GROUP BY hour;

-- ISO day of week (1 = Monday) x hour of day, UTC, over the de-duplicated events.
CREATE VIEW IF NOT EXISTS analytics.activity_heatmap AS
SELECT
    toDayOfWeek(ts) AS day_of_week,
    toHour(ts) AS hour,
    count() AS events
FROM analytics.events
GROUP BY day_of_week, hour;

CREATE VIEW IF NOT EXISTS analytics.user_days AS
SELECT day, user_id, first_day, events
FROM analytics.user_days_store FINAL
WHERE events > 0;

CREATE VIEW IF NOT EXISTS analytics.retention_daily AS
SELECT
    day,
    count() AS active_users,
    countIf(first_day = day) AS new_users,
    countIf(first_day < day) AS returning_users
FROM analytics.user_days
GROUP BY day;

CREATE VIEW IF NOT EXISTS analytics.retention_cohorts AS
SELECT
    first_day AS cohort_day,
    toUInt32(day - first_day) AS day_offset,
    count() AS users
FROM analytics.user_days
GROUP BY cohort_day, day_offset;

CREATE VIEW IF NOT EXISTS analytics.dead_letters AS
SELECT received_at, received_at_ms, reason, payload, source, id
FROM analytics.dead_letters_store FINAL;

CREATE VIEW IF NOT EXISTS analytics.late_events AS
SELECT event_id, user_id, type, page, ts_ms, ts, session_id, watermark_ms
FROM analytics.late_events_store FINAL;

CREATE VIEW IF NOT EXISTS analytics.ingest_errors AS
SELECT received_at, topic, kafka_partition, kafka_offset, error, raw_message
FROM analytics.ingest_errors_store FINAL;
