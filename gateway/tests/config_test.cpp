#include "config.hpp"

#include "common/event_rules.hpp"
#include "env_of.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace gateway {
namespace {

using test::env_of;

TEST(Config, Defaults) {
    Config c = config_from_env(env_of({}));
    EXPECT_EQ(c.host, "0.0.0.0");
    EXPECT_EQ(c.port, 8080);
    EXPECT_EQ(c.kafka_bootstrap, "127.0.0.1:9092");
    EXPECT_EQ(c.raw_topic, "events.raw");
    EXPECT_EQ(c.deadletter_topic, "events.deadletter");
    EXPECT_EQ(c.max_message_bytes, 1024u * 1024u);
    EXPECT_EQ(c.max_events_per_message, 10000u);
    EXPECT_EQ(c.max_connections, 20000u);
    EXPECT_EQ(c.log_level, "info");
    EXPECT_TRUE(c.token.empty());
    EXPECT_EQ(c.heartbeat_interval_ms, 1000u);
    EXPECT_EQ(c.reconnect_grace_ms, 20000u);
    EXPECT_EQ(c.heartbeat_linger_ms, 600000u);
    c.resolve();
    EXPECT_GE(c.threads, 1u);
    EXPECT_EQ(c.queue_low_water, c.queue_high_water / 2);
    EXPECT_NO_THROW(c.validate());
}

TEST(Config, ReadsEveryVariable) {
    Config c = config_from_env(env_of({
        {"GATEWAY_HOST", "127.0.0.1"},
        {"GATEWAY_PORT", "9999"},
        {"GATEWAY_THREADS", "3"},
        {"KAFKA_BOOTSTRAP", "k1:9092,k2:9092"},
        {"RAW_TOPIC", "raw"},
        {"DEADLETTER_TOPIC", "dl"},
        {"GATEWAY_MAX_MESSAGE_BYTES", "2048"},
        {"GATEWAY_MAX_EVENTS_PER_MESSAGE", "5"},
        {"GATEWAY_MAX_CONNECTIONS", "7"},
        {"GATEWAY_MAX_INFLIGHT_MESSAGES", "8"},
        {"GATEWAY_QUEUE_HIGH_WATER", "1000"},
        {"GATEWAY_QUEUE_LOW_WATER", "100"},
        {"GATEWAY_TOKEN", "t0k"},
        {"LOG_LEVEL", "debug"},
        {"GATEWAY_LOG_INTERVAL_S", "2"},
        {"GATEWAY_SHUTDOWN_TIMEOUT_MS", "1500"},
        {"GATEWAY_HEALTH_INTERVAL_MS", "250"},
        {"KAFKA_MESSAGE_TIMEOUT_MS", "0"},
        {"KAFKA_LINGER_MS", "1"},
        {"KAFKA_BATCH_BYTES", "65536"},
        {"KAFKA_COMPRESSION", "zstd"},
    }));
    c.resolve();
    EXPECT_NO_THROW(c.validate());
    EXPECT_EQ(c.host, "127.0.0.1");
    EXPECT_EQ(c.port, 9999);
    EXPECT_EQ(c.threads, 3u);
    EXPECT_EQ(c.kafka_bootstrap, "k1:9092,k2:9092");
    EXPECT_EQ(c.raw_topic, "raw");
    EXPECT_EQ(c.deadletter_topic, "dl");
    EXPECT_EQ(c.max_message_bytes, 2048u);
    EXPECT_EQ(c.max_events_per_message, 5u);
    EXPECT_EQ(c.max_connections, 7u);
    EXPECT_EQ(c.max_inflight_messages, 8u);
    EXPECT_EQ(c.queue_high_water, 1000u);
    EXPECT_EQ(c.queue_low_water, 100u);
    EXPECT_EQ(c.token, "t0k");
    EXPECT_EQ(c.log_level, "debug");
    EXPECT_EQ(c.log_interval_s, 2u);
    EXPECT_EQ(c.shutdown_timeout_ms, 1500u);
    EXPECT_EQ(c.health_interval_ms, 250u);
    EXPECT_EQ(c.kafka_message_timeout_ms, 0u);
    EXPECT_EQ(c.kafka_linger_ms, 1u);
    EXPECT_EQ(c.kafka_batch_bytes, 65536u);
    EXPECT_EQ(c.kafka_compression, "zstd");
}

// The topics' default names are kafka/topics.properties' (read here from the file itself), the
// definition create-topics.sh, the Flink job and the ClickHouse migrations share.
TEST(Config, TopicDefaultsComeFromTheTopicsFile) {
    std::ifstream in(TOPICS_FILE);
    ASSERT_TRUE(in) << "cannot read " << TOPICS_FILE;
    std::map<std::string, std::string> file;
    for (std::string line; std::getline(in, line);) {
        const auto eq = line.find('=');
        if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
        file[line.substr(0, eq)] = line.substr(eq + 1);
    }
    ASSERT_TRUE(file.contains("RAW_TOPIC") && file.contains("DEADLETTER_TOPIC"));
    const Config c = config_from_env(env_of({}));
    EXPECT_EQ(c.raw_topic, file.at("RAW_TOPIC"));
    EXPECT_EQ(c.deadletter_topic, file.at("DEADLETTER_TOPIC"));
}

TEST(Config, ClientTimeouts) {
    Config d;
    EXPECT_EQ(d.handshake_timeout_ms, 10000u);
    EXPECT_EQ(d.idle_timeout_ms, 300000u);
    EXPECT_EQ(d.write_timeout_ms, 30000u);
    EXPECT_EQ(d.max_discard_bytes, 16u * 1024 * 1024);
    Config c = config_from_env(env_of({
        {"GATEWAY_HANDSHAKE_TIMEOUT_MS", "1500"},
        {"GATEWAY_IDLE_TIMEOUT_MS", "0"},
        {"GATEWAY_WRITE_TIMEOUT_MS", "2500"},
        {"GATEWAY_MAX_DISCARD_BYTES", "2000000"},
    }));
    c.resolve();
    EXPECT_NO_THROW(c.validate());
    EXPECT_EQ(c.handshake_timeout_ms, 1500u);
    EXPECT_EQ(c.idle_timeout_ms, 0u);
    EXPECT_EQ(c.write_timeout_ms, 2500u);
    EXPECT_EQ(c.max_discard_bytes, 2000000u);
}

TEST(Config, BrowserSettingsFromEnv) {
    Config c = config_from_env(env_of({
        {"GATEWAY_CORS_ORIGINS", "http://a.example,http://b.example"},
        {"GATEWAY_TRACKER_DIR", "/srv/tracker"},
        {"GATEWAY_SHOP_DIR", "/srv/shop"},
        {"GATEWAY_RETRY_AFTER_S", "7"},
    }));
    c.resolve();
    EXPECT_NO_THROW(c.validate());
    EXPECT_EQ(c.cors_origins, "http://a.example,http://b.example");
    EXPECT_EQ(c.tracker_dir, "/srv/tracker");
    EXPECT_EQ(c.shop_dir, "/srv/shop");
    EXPECT_EQ(c.retry_after_s, 7u);
    EXPECT_NE(c.describe().find("cors_origins=http://a.example,http://b.example"), std::string::npos);
    c.retry_after_s = 0;
    EXPECT_THROW(c.validate(), std::invalid_argument);
}

TEST(Config, RejectsNonNumbers) {
    for (const char* bad : {"abc", "12x", "", "-1", "99999999999999999999999"}) {
        EXPECT_THROW(config_from_env(env_of({{"GATEWAY_MAX_CONNECTIONS", bad}})),
                     std::invalid_argument)
            << bad;
    }
    EXPECT_THROW(config_from_env(env_of({{"GATEWAY_PORT", "70000"}})), std::invalid_argument);
}

TEST(Config, ValidationCatchesBadValues) {
    auto invalid = [](auto mutate) {
        Config c;
        c.resolve();
        mutate(c);
        EXPECT_THROW(c.validate(), std::invalid_argument);
    };
    invalid([](Config& c) { c.log_level = "loud"; });
    invalid([](Config& c) { c.heartbeat_interval_ms = 50; });
    invalid([](Config& c) { c.raw_topic = ""; });
    invalid([](Config& c) { c.deadletter_topic = c.raw_topic; });
    invalid([](Config& c) { c.max_events_per_message = 0; });
    invalid([](Config& c) { c.max_message_bytes = 10; });
    invalid([](Config& c) { c.queue_low_water = c.queue_high_water; });
    invalid([](Config& c) { c.max_inflight_messages = 0; });
    invalid([](Config& c) { c.kafka_compression = "brotli"; });
    invalid([](Config& c) { c.threads = 5000; });
    invalid([](Config& c) { c.max_discard_bytes = c.max_message_bytes - 1; });
    invalid([](Config& c) { c.handshake_timeout_ms = 0; });
    invalid([](Config& c) { c.write_timeout_ms = 0; });
    invalid([](Config& c) { c.idle_timeout_ms = 10; });
    invalid([](Config& c) { c.kafka_batch_bytes = pipeline::rules::kKafkaMaxMessageBytes + 1; });
    invalid([](Config& c) { c.max_memory_bytes = 16 * 1024 * 1024; });  // under two slots of 1 MiB
    invalid([](Config& c) {
        c.max_message_bytes = 64 * 1024 * 1024;  // fine alone, but two slots are over the bound
        c.max_discard_bytes = c.max_message_bytes;
    });
}

TEST(Config, MemoryBoundIsSplitIntoKafkaQueueAndMessageSlots) {
    Config c = config_from_env([](const char* name) -> std::optional<std::string> {
        if (std::string_view(name) == "GATEWAY_MAX_MEMORY_BYTES") return "67108864";
        return std::nullopt;
    });
    c.resolve();
    c.validate();
    EXPECT_EQ(c.max_memory_bytes, 64u * 1024 * 1024);
    EXPECT_EQ(c.kafka_queue_max_bytes(), 32u * 1024 * 1024);
    // A quarter for messages, in slots of three times the largest message (plus padding).
    EXPECT_EQ(c.message_slots(), 16u * 1024 * 1024 / (3 * (1024 * 1024 + 64)));
}

TEST(Config, DescribeHidesTheToken) {
    Config c;
    c.token = "super-secret-token";
    c.resolve();
    const auto text = c.describe();
    EXPECT_EQ(text.find("super-secret-token"), std::string::npos);
    EXPECT_NE(text.find("token=***"), std::string::npos);
    EXPECT_NE(text.find("raw_topic=events.raw"), std::string::npos);
    Config none;
    EXPECT_NE(none.describe().find("token=(none)"), std::string::npos);
}

TEST(Config, CommandLineOverridesEnvironment) {
    Config c = config_from_env(env_of({{"GATEWAY_PORT", "1111"}, {"RAW_TOPIC", "env"}}));
    std::vector<std::string> args = {"gateway", "--port", "2222", "--raw-topic", "cli"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    EXPECT_EQ(apply_command_line(c, static_cast<int>(argv.size()), argv.data()), std::nullopt);
    EXPECT_EQ(c.port, 2222);
    EXPECT_EQ(c.raw_topic, "cli");
}

TEST(Config, BadFlagStops) {
    Config c;
    std::vector<std::string> args = {"gateway", "--no-such-flag"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    testing::internal::CaptureStderr();
    testing::internal::CaptureStdout();
    const auto code = apply_command_line(c, static_cast<int>(argv.size()), argv.data());
    testing::internal::GetCapturedStderr();
    testing::internal::GetCapturedStdout();
    ASSERT_TRUE(code.has_value());
    EXPECT_NE(*code, 0);
}

}  // namespace
}  // namespace gateway
