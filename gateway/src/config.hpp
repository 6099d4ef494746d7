#pragma once
// The gateway's one configuration struct: defaults, then environment variables, then
// command-line flags. Loaded once at start-up, validated, logged with the token hidden.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/default_topics.hpp"

namespace gateway {

struct Config {
    std::string host = "0.0.0.0";                // GATEWAY_HOST
    std::uint16_t port = 8080;                   // GATEWAY_PORT
    unsigned threads = 0;                        // GATEWAY_THREADS (0 -> hardware concurrency)
    std::string kafka_bootstrap = "127.0.0.1:9092";  // KAFKA_BOOTSTRAP
    // Topic names: defaults from kafka/topics.properties, the same variables every component reads.
    std::string raw_topic{pipeline::default_topics::kRawTopic};                // RAW_TOPIC
    std::string deadletter_topic{pipeline::default_topics::kDeadletterTopic};  // DEADLETTER_TOPIC
    std::size_t max_message_bytes = 1024 * 1024;  // GATEWAY_MAX_MESSAGE_BYTES
    std::size_t max_events_per_message = 10000;   // GATEWAY_MAX_EVENTS_PER_MESSAGE
    std::size_t max_connections = 20000;          // GATEWAY_MAX_CONNECTIONS
    std::size_t max_inflight_messages = 256;      // GATEWAY_MAX_INFLIGHT_MESSAGES (per connection)
    std::size_t queue_high_water = 200000;        // GATEWAY_QUEUE_HIGH_WATER (records in flight)
    std::size_t queue_low_water = 0;              // GATEWAY_QUEUE_LOW_WATER (0 -> high / 2)
    std::string token;                            // GATEWAY_TOKEN ("" -> no authentication)
    std::string log_level = "info";               // LOG_LEVEL
    unsigned log_interval_s = 10;                 // GATEWAY_LOG_INTERVAL_S (summary lines)
    unsigned shutdown_timeout_ms = 10000;         // GATEWAY_SHUTDOWN_TIMEOUT_MS (flush bound)
    unsigned health_interval_ms = 2000;           // GATEWAY_HEALTH_INTERVAL_MS
    unsigned kafka_message_timeout_ms = 300000;   // KAFKA_MESSAGE_TIMEOUT_MS (0 -> infinite)
    unsigned kafka_linger_ms = 5;                 // KAFKA_LINGER_MS
    std::size_t kafka_batch_bytes = 1000000;      // KAFKA_BATCH_BYTES
    std::string kafka_compression = "lz4";        // KAFKA_COMPRESSION
    // The bound of the gateway's memory (gateway/README.md, "Memory"): half of it for the
    // records librdkafka holds (queue.buffering.max.kbytes), a quarter for the messages the
    // connections are reading and producing (message_slots.hpp), the rest for the connections
    // themselves (GATEWAY_MAX_CONNECTIONS bounds them) and the process.
    std::size_t max_memory_bytes = 1024u * 1024 * 1024;  // GATEWAY_MAX_MEMORY_BYTES
    std::size_t kafka_queue_max_bytes() const { return max_memory_bytes / 2; }
    std::size_t message_slots() const;

    // Heartbeats into every raw-topic partition: Flink's idle flush runs only on a silence they
    // vouch for (gateway/README.md, "Heartbeats").
    unsigned heartbeat_interval_ms = 1000;   // GATEWAY_HEARTBEAT_INTERVAL_MS (0 -> none)
    unsigned reconnect_grace_ms = 20000;     // GATEWAY_RECONNECT_GRACE_MS: not quiet after a start
    unsigned heartbeat_linger_ms = 600000;   // GATEWAY_HEARTBEAT_LINGER_MS (0 -> forever)

    // Abusive or dead clients (gateway/README.md, "Slow, silent and abusive clients").
    unsigned handshake_timeout_ms = 10000;  // GATEWAY_HANDSHAKE_TIMEOUT_MS: HTTP request / upgrade
    unsigned idle_timeout_ms = 300000;      // GATEWAY_IDLE_TIMEOUT_MS (0 -> off): ping at half
    unsigned write_timeout_ms = 30000;      // GATEWAY_WRITE_TIMEOUT_MS: one ack/close write
    std::size_t max_discard_bytes = 16 * 1024 * 1024;  // GATEWAY_MAX_DISCARD_BYTES

    // Browsers (gateway/README.md, "HTTP and browsers").
    std::string cors_origins;  // GATEWAY_CORS_ORIGINS: comma-separated origins, "*" = any
    std::string tracker_dir;   // GATEWAY_TRACKER_DIR: tracker.js/.mjs served at /tracker.js
    std::string shop_dir;      // GATEWAY_SHOP_DIR: static files served at /shop/ (the demo)
    unsigned retry_after_s = 1;  // GATEWAY_RETRY_AFTER_S: Retry-After of 429 and 503

    // Fills the defaults that depend on others (threads, low water).
    void resolve();
    // Throws std::invalid_argument naming the first bad setting.
    void validate() const;
    // One line, key=value, the token shown as "***".
    std::string describe() const;
};

// Returns the value of an environment variable, or nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

// Reads every variable above (unset ones keep the default). Throws std::invalid_argument
// on a value that is not a number where one is needed.
Config config_from_env(const EnvLookup& env);
EnvLookup process_env();

// Applies CLI11 flags over `config`. Returns an exit code when the program should stop
// (--help: 0, bad flags: non-zero), nullopt to go on.
std::optional<int> apply_command_line(Config& config, int argc, char** argv);

}  // namespace gateway
