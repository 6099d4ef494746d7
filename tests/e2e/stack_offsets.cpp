#include "stack_offsets.hpp"

#include <functional>
#include <iostream>
#include <regex>
#include <thread>
#include <utility>
#include <vector>

#include "env.hpp"
#include "ws_test_client.hpp"

namespace e2e {

namespace {

using Clock = std::chrono::steady_clock;
using test_support::env_or;

// Flink's output topics and the suffix of the ClickHouse Kafka engine group that reads each
// (clickhouse/migrations/002_kafka_ingest.sql).
const std::vector<std::pair<std::string, std::string>> kOutputs = {
    {"analytics.events", "events"},
    {"analytics.events_per_type", "events_per_type"},
    {"analytics.page_views", "page_views"},
    {"analytics.unique_users_per_page", "unique_users_per_page"},
    {"analytics.conversion", "conversion"},
    {"analytics.sessions", "sessions"},
    {"analytics.user_days", "user_days"},
    {"events.late", "late_events"},
    {"events.deadletter", "dead_letters"},
};

std::string first_match(const std::string& text, const std::regex& re) {
    std::smatch m;
    return std::regex_search(text, m, re) ? m[1].str() : "";
}

}  // namespace

StackOffsets::StackOffsets(std::string bootstrap, std::uint16_t flink_port, std::string flink_group,
                           std::string raw_topic, std::string clickhouse_group)
    : kafka_(std::move(bootstrap)),
      flink_port_(flink_port),
      flink_group_(std::move(flink_group)),
      raw_topic_(std::move(raw_topic)),
      clickhouse_group_(std::move(clickhouse_group)) {}

StackOffsets StackOffsets::from_env() {
    return StackOffsets(env_or("E2E_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
                        static_cast<std::uint16_t>(std::stoi(env_or("E2E_FLINK_PORT", "8081"))),
                        env_or("CONSUMER_GROUP", "analytics-flink"),
                        env_or("RAW_TOPIC", "events.raw"),
                        env_or("CLICKHOUSE_KAFKA_GROUP", "clickhouse"));
}

long long StackOffsets::latest_checkpoint() const {
    const auto jobs = test_support::http_get(flink_port_, "/jobs/overview");
    if (!jobs || jobs->status != 200) return -1;
    const std::string jid = first_match(jobs->body, std::regex(R"re("jid":"([0-9a-f]+)")re"));
    if (jid.empty()) return -1;
    const auto stats = test_support::http_get(flink_port_, "/jobs/" + jid + "/checkpoints");
    if (!stats || stats->status != 200) return -1;
    // latest.completed is an object with the checkpoint's id, or null.
    const std::string id =
        first_match(stats->body, std::regex(R"re("completed":\{[^}]*?"id":(\d+))re"));
    return id.empty() ? -1 : std::stoll(id);
}

bool StackOffsets::wait_until_through(std::int64_t raw_end, std::chrono::seconds timeout,
                                      std::string& waiting) const {
    const auto deadline = Clock::now() + timeout;
    const auto poll = [&](const std::function<bool()>& done, const std::string& what) {
        while (!done()) {
            if (Clock::now() > deadline) {
                waiting = what;
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
        }
        std::cerr << "[offsets] " << what << ": done" << std::endl;
        return true;
    };
    if (!poll([&] { return flink_committed() >= raw_end; },
              "Flink's group " + flink_group_ + " committing " + std::to_string(raw_end) +
                  " in " + raw_topic_)) {
        waiting += " (committed " + std::to_string(flink_committed()) + ")";
        return false;
    }
    const long long checkpoint = latest_checkpoint();
    if (!poll([&] { return latest_checkpoint() > checkpoint; },
              "a checkpoint after " + std::to_string(checkpoint))) {
        return false;
    }
    for (const auto& [topic, suffix] : kOutputs) {
        const std::int64_t end = kafka_.end(topic);
        const std::string group = clickhouse_group_ + "." + suffix;
        if (!poll([&] { return end == 0 || (end > 0 && kafka_.committed(group, topic) >= end); },
                  "ClickHouse's group " + group + " committing " + std::to_string(end) +
                      " in " + topic)) {
            return false;
        }
    }
    return true;
}

}  // namespace e2e
