#include "config.hpp"

#include "common/event_rules.hpp"
#include "message_slots.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <thread>

namespace gateway {

namespace {

template <typename T>
void read_number(const EnvLookup& env, const char* name, T& out) {
    const auto value = env(name);
    if (!value) return;
    T parsed{};
    const char* begin = value->data();
    const char* end = begin + value->size();
    const auto [ptr, ec] = std::from_chars(begin, end, parsed);
    if (ec != std::errc() || ptr != end || value->empty()) {
        throw std::invalid_argument(fmt::format("{}=\"{}\" is not a valid number", name, *value));
    }
    out = parsed;
}

void read_string(const EnvLookup& env, const char* name, std::string& out) {
    if (auto value = env(name)) out = std::move(*value);
}

constexpr std::array<std::string_view, 7> kLogLevels = {"trace", "debug", "info", "warn",
                                                        "error", "critical", "off"};

}  // namespace

void Config::resolve() {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    if (queue_low_water == 0) queue_low_water = queue_high_water / 2;
}

std::size_t Config::message_slots() const {
    return max_memory_bytes / 4 / MessageSlots::slot_bytes(max_message_bytes);
}

void Config::validate() const {
    auto require = [](bool ok, std::string_view what) {
        if (!ok) throw std::invalid_argument(std::string(what));
    };
    require(!host.empty(), "GATEWAY_HOST must not be empty");
    require(threads >= 1 && threads <= 1024, "GATEWAY_THREADS must be in 1..1024");
    require(!kafka_bootstrap.empty(), "KAFKA_BOOTSTRAP must not be empty");
    require(!raw_topic.empty(), "RAW_TOPIC must not be empty");
    require(!deadletter_topic.empty(), "DEADLETTER_TOPIC must not be empty");
    require(raw_topic != deadletter_topic, "RAW_TOPIC and DEADLETTER_TOPIC must differ");
    require(max_message_bytes >= 64 && max_message_bytes <= 256u * 1024 * 1024,
            "GATEWAY_MAX_MESSAGE_BYTES must be in 64..268435456");
    require(max_events_per_message >= 1 && max_events_per_message <= 1000000,
            "GATEWAY_MAX_EVENTS_PER_MESSAGE must be in 1..1000000");
    require(max_connections >= 1, "GATEWAY_MAX_CONNECTIONS must be at least 1");
    require(max_inflight_messages >= 1 && max_inflight_messages <= 100000,
            "GATEWAY_MAX_INFLIGHT_MESSAGES must be in 1..100000");
    require(queue_high_water >= 1 && queue_high_water <= 5000000,
            "GATEWAY_QUEUE_HIGH_WATER must be in 1..5000000");
    require(queue_low_water < queue_high_water,
            "GATEWAY_QUEUE_LOW_WATER must be below GATEWAY_QUEUE_HIGH_WATER");
    require(std::find(kLogLevels.begin(), kLogLevels.end(), log_level) != kLogLevels.end(),
            "LOG_LEVEL must be one of trace, debug, info, warn, error, critical, off");
    require(log_interval_s >= 1, "GATEWAY_LOG_INTERVAL_S must be at least 1");
    require(health_interval_ms >= 100, "GATEWAY_HEALTH_INTERVAL_MS must be at least 100");
    require(kafka_linger_ms <= 900000, "KAFKA_LINGER_MS must be at most 900000");
    require(kafka_batch_bytes >= 1 && kafka_batch_bytes <= pipeline::rules::kKafkaMaxMessageBytes,
            fmt::format("KAFKA_BATCH_BYTES must be in 1..{} (kafka.max_message_bytes, event rules)",
                        pipeline::rules::kKafkaMaxMessageBytes));
    // At least two message slots (message_slots.hpp), and room in librdkafka's queue for two
    // records of the largest size.
    const std::size_t least = std::max(8 * MessageSlots::slot_bytes(max_message_bytes),
                                       4 * pipeline::rules::kKafkaMaxMessageBytes);
    require(max_memory_bytes >= least && kafka_queue_max_bytes() / 1024 <= 2097151,
            fmt::format("GATEWAY_MAX_MEMORY_BYTES must be in {}..{} (with GATEWAY_MAX_MESSAGE_BYTES={})",
                        least, std::size_t{2097151} * 1024 * 2, max_message_bytes));
    require(handshake_timeout_ms >= 100, "GATEWAY_HANDSHAKE_TIMEOUT_MS must be at least 100");
    require(idle_timeout_ms == 0 || idle_timeout_ms >= 200,
            "GATEWAY_IDLE_TIMEOUT_MS must be 0 (off) or at least 200");
    require(write_timeout_ms >= 100, "GATEWAY_WRITE_TIMEOUT_MS must be at least 100");
    require(heartbeat_interval_ms == 0 ||
                (heartbeat_interval_ms >= 100 && heartbeat_interval_ms <= 60000),
            "GATEWAY_HEARTBEAT_INTERVAL_MS must be 0 (none) or in 100..60000");
    require(max_discard_bytes >= max_message_bytes,
            "GATEWAY_MAX_DISCARD_BYTES must be at least GATEWAY_MAX_MESSAGE_BYTES");
    require(retry_after_s >= 1 && retry_after_s <= 3600,
            "GATEWAY_RETRY_AFTER_S must be in 1..3600");
    const std::array<std::string_view, 5> codecs = {"none", "gzip", "snappy", "lz4", "zstd"};
    require(std::find(codecs.begin(), codecs.end(), kafka_compression) != codecs.end(),
            "KAFKA_COMPRESSION must be one of none, gzip, snappy, lz4, zstd");
}

std::string Config::describe() const {
    return fmt::format(
        "host={} port={} threads={} kafka_bootstrap={} raw_topic={} deadletter_topic={} "
        "max_message_bytes={} max_events_per_message={} max_connections={} "
        "max_inflight_messages={} queue_high_water={} queue_low_water={} token={} "
        "log_level={} log_interval_s={} shutdown_timeout_ms={} health_interval_ms={} "
        "kafka_message_timeout_ms={} kafka_linger_ms={} kafka_batch_bytes={} "
        "kafka_compression={} handshake_timeout_ms={} idle_timeout_ms={} write_timeout_ms={} "
        "max_discard_bytes={} max_memory_bytes={} heartbeat_interval_ms={} "
        "reconnect_grace_ms={} heartbeat_linger_ms={} cors_origins={} tracker_dir={} shop_dir={} "
        "retry_after_s={}",
        host, port, threads, kafka_bootstrap, raw_topic, deadletter_topic, max_message_bytes,
        max_events_per_message, max_connections, max_inflight_messages, queue_high_water,
        queue_low_water, token.empty() ? "(none)" : "***", log_level, log_interval_s,
        shutdown_timeout_ms, health_interval_ms, kafka_message_timeout_ms, kafka_linger_ms,
        kafka_batch_bytes, kafka_compression, handshake_timeout_ms, idle_timeout_ms,
        write_timeout_ms, max_discard_bytes, max_memory_bytes, heartbeat_interval_ms,
        reconnect_grace_ms, heartbeat_linger_ms,
        cors_origins.empty() ? "(same origin only)" : cors_origins,
        tracker_dir.empty() ? "(none)" : tracker_dir, shop_dir.empty() ? "(none)" : shop_dir,
        retry_after_s);
}

Config config_from_env(const EnvLookup& env) {
    Config c;
    read_string(env, "GATEWAY_HOST", c.host);
    read_number(env, "GATEWAY_PORT", c.port);
    read_number(env, "GATEWAY_THREADS", c.threads);
    read_string(env, "KAFKA_BOOTSTRAP", c.kafka_bootstrap);
    read_string(env, "RAW_TOPIC", c.raw_topic);
    read_string(env, "DEADLETTER_TOPIC", c.deadletter_topic);
    read_number(env, "GATEWAY_MAX_MESSAGE_BYTES", c.max_message_bytes);
    read_number(env, "GATEWAY_MAX_EVENTS_PER_MESSAGE", c.max_events_per_message);
    read_number(env, "GATEWAY_MAX_CONNECTIONS", c.max_connections);
    read_number(env, "GATEWAY_MAX_INFLIGHT_MESSAGES", c.max_inflight_messages);
    read_number(env, "GATEWAY_QUEUE_HIGH_WATER", c.queue_high_water);
    read_number(env, "GATEWAY_QUEUE_LOW_WATER", c.queue_low_water);
    read_string(env, "GATEWAY_TOKEN", c.token);
    read_string(env, "LOG_LEVEL", c.log_level);
    read_number(env, "GATEWAY_LOG_INTERVAL_S", c.log_interval_s);
    read_number(env, "GATEWAY_SHUTDOWN_TIMEOUT_MS", c.shutdown_timeout_ms);
    read_number(env, "GATEWAY_HEALTH_INTERVAL_MS", c.health_interval_ms);
    read_number(env, "KAFKA_MESSAGE_TIMEOUT_MS", c.kafka_message_timeout_ms);
    read_number(env, "KAFKA_LINGER_MS", c.kafka_linger_ms);
    read_number(env, "KAFKA_BATCH_BYTES", c.kafka_batch_bytes);
    read_string(env, "KAFKA_COMPRESSION", c.kafka_compression);
    read_number(env, "GATEWAY_MAX_MEMORY_BYTES", c.max_memory_bytes);
    read_number(env, "GATEWAY_HANDSHAKE_TIMEOUT_MS", c.handshake_timeout_ms);
    read_number(env, "GATEWAY_IDLE_TIMEOUT_MS", c.idle_timeout_ms);
    read_number(env, "GATEWAY_WRITE_TIMEOUT_MS", c.write_timeout_ms);
    read_number(env, "GATEWAY_MAX_DISCARD_BYTES", c.max_discard_bytes);
    read_number(env, "GATEWAY_HEARTBEAT_INTERVAL_MS", c.heartbeat_interval_ms);
    read_number(env, "GATEWAY_RECONNECT_GRACE_MS", c.reconnect_grace_ms);
    read_number(env, "GATEWAY_HEARTBEAT_LINGER_MS", c.heartbeat_linger_ms);
    read_string(env, "GATEWAY_CORS_ORIGINS", c.cors_origins);
    read_string(env, "GATEWAY_TRACKER_DIR", c.tracker_dir);
    read_string(env, "GATEWAY_SHOP_DIR", c.shop_dir);
    read_number(env, "GATEWAY_RETRY_AFTER_S", c.retry_after_s);
    return c;
}

EnvLookup process_env() {
    return [](const char* name) -> std::optional<std::string> {
        // The one place the gateway reads its environment.
        if (const char* v = std::getenv(name)) return std::string(v);
        return std::nullopt;
    };
}

std::optional<int> apply_command_line(Config& c, int argc, char** argv) {
    CLI::App app{
        "gateway: WebSocket (ws://HOST:PORT/ws/events) to Kafka event gateway.\n"
        "Every flag overrides the environment variable named in brackets."};
    app.add_option("--host", c.host, "listen address [GATEWAY_HOST]")->capture_default_str();
    app.add_option("--port", c.port, "listen port [GATEWAY_PORT]")->capture_default_str();
    app.add_option("--threads", c.threads, "io threads, 0 = cores [GATEWAY_THREADS]")
        ->capture_default_str();
    app.add_option("--kafka-bootstrap", c.kafka_bootstrap, "Kafka brokers [KAFKA_BOOTSTRAP]")
        ->capture_default_str();
    app.add_option("--raw-topic", c.raw_topic, "topic of valid events [RAW_TOPIC]")
        ->capture_default_str();
    app.add_option("--deadletter-topic", c.deadletter_topic,
                   "topic of rejected events [DEADLETTER_TOPIC]")
        ->capture_default_str();
    app.add_option("--max-message-bytes", c.max_message_bytes,
                   "largest WebSocket message or HTTP body [GATEWAY_MAX_MESSAGE_BYTES]")
        ->capture_default_str();
    app.add_option("--max-events-per-message", c.max_events_per_message,
                   "largest batch [GATEWAY_MAX_EVENTS_PER_MESSAGE]")
        ->capture_default_str();
    app.add_option("--max-connections", c.max_connections,
                   "open WebSockets at most [GATEWAY_MAX_CONNECTIONS]")
        ->capture_default_str();
    app.add_option("--max-inflight-messages", c.max_inflight_messages,
                   "unacknowledged messages per connection [GATEWAY_MAX_INFLIGHT_MESSAGES]")
        ->capture_default_str();
    app.add_option("--queue-high-water", c.queue_high_water,
                   "records in flight to Kafka that pause reading [GATEWAY_QUEUE_HIGH_WATER]")
        ->capture_default_str();
    app.add_option("--queue-low-water", c.queue_low_water,
                   "records in flight below which reading resumes, 0 = high/2 "
                   "[GATEWAY_QUEUE_LOW_WATER]")
        ->capture_default_str();
    app.add_option("--token", c.token, "required bearer token, empty = none [GATEWAY_TOKEN]");
    app.add_option("--log-level", c.log_level, "trace..off [LOG_LEVEL]")->capture_default_str();
    app.add_option("--log-interval-s", c.log_interval_s,
                   "seconds between summary lines [GATEWAY_LOG_INTERVAL_S]")
        ->capture_default_str();
    app.add_option("--shutdown-timeout-ms", c.shutdown_timeout_ms,
                   "flush bound on SIGTERM [GATEWAY_SHUTDOWN_TIMEOUT_MS]")
        ->capture_default_str();
    app.add_option("--health-interval-ms", c.health_interval_ms,
                   "Kafka reachability check period [GATEWAY_HEALTH_INTERVAL_MS]")
        ->capture_default_str();
    app.add_option("--kafka-message-timeout-ms", c.kafka_message_timeout_ms,
                   "delivery timeout, 0 = infinite [KAFKA_MESSAGE_TIMEOUT_MS]")
        ->capture_default_str();
    app.add_option("--kafka-linger-ms", c.kafka_linger_ms, "[KAFKA_LINGER_MS]")
        ->capture_default_str();
    app.add_option("--kafka-batch-bytes", c.kafka_batch_bytes, "[KAFKA_BATCH_BYTES]")
        ->capture_default_str();
    app.add_option("--kafka-compression", c.kafka_compression,
                   "none, gzip, snappy, lz4, zstd [KAFKA_COMPRESSION]")
        ->capture_default_str();
    app.add_option("--handshake-timeout-ms", c.handshake_timeout_ms,
                   "time for an HTTP request or WebSocket upgrade to arrive "
                   "[GATEWAY_HANDSHAKE_TIMEOUT_MS]")
        ->capture_default_str();
    app.add_option("--idle-timeout-ms", c.idle_timeout_ms,
                   "close a WebSocket silent this long, pinged at half, 0 = off "
                   "[GATEWAY_IDLE_TIMEOUT_MS]")
        ->capture_default_str();
    app.add_option("--write-timeout-ms", c.write_timeout_ms,
                   "close a WebSocket whose ack write takes longer [GATEWAY_WRITE_TIMEOUT_MS]")
        ->capture_default_str();
    app.add_option("--max-discard-bytes", c.max_discard_bytes,
                   "over-limit messages up to this size are discarded, larger ones close "
                   "with 1009 [GATEWAY_MAX_DISCARD_BYTES]")
        ->capture_default_str();
    app.add_option("--max-memory-bytes", c.max_memory_bytes,
                   "the bound of the gateway's memory: half for librdkafka's queue, a quarter "
                   "for messages being read [GATEWAY_MAX_MEMORY_BYTES]")
        ->capture_default_str();
    app.add_option("--heartbeat-interval-ms", c.heartbeat_interval_ms,
                   "heartbeat into every raw partition this often, 0 = none "
                   "[GATEWAY_HEARTBEAT_INTERVAL_MS]")
        ->capture_default_str();
    app.add_option("--reconnect-grace-ms", c.reconnect_grace_ms,
                   "after a start, heartbeats say not quiet this long, so clients reconnect and "
                   "resend before Flink's idle flush [GATEWAY_RECONNECT_GRACE_MS]")
        ->capture_default_str();
    app.add_option("--heartbeat-linger-ms", c.heartbeat_linger_ms,
                   "heartbeats stop this long after the last accepted event, 0 = never "
                   "[GATEWAY_HEARTBEAT_LINGER_MS]")
        ->capture_default_str();
    app.add_option("--cors-origins", c.cors_origins,
                   "origins allowed to send events from a browser, comma-separated, * = any "
                   "[GATEWAY_CORS_ORIGINS]");
    app.add_option("--tracker-dir", c.tracker_dir,
                   "folder with the built tracker, served at /tracker.js [GATEWAY_TRACKER_DIR]");
    app.add_option("--shop-dir", c.shop_dir,
                   "folder of static files served at /shop/ [GATEWAY_SHOP_DIR]");
    app.add_option("--retry-after-s", c.retry_after_s,
                   "Retry-After of HTTP 429 and 503 answers [GATEWAY_RETRY_AFTER_S]")
        ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    return std::nullopt;
}

}  // namespace gateway
