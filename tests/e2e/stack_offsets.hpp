#pragma once
// "Everything sent has gone all the way through", proven from where the stack's consumers stand
// instead of waited for: Flink's consumer group has committed the raw topic's end, one more
// checkpoint has completed since (its sinks flushed whatever those records made the job publish
// within its provisional interval), and ClickHouse's Kafka engine has committed the end of every
// topic Flink writes. Shared by the end-to-end tests.

#include <chrono>
#include <cstdint>
#include <string>

#include "kafka_offsets.hpp"

namespace e2e {

class StackOffsets {
public:
    // E2E_KAFKA_BOOTSTRAP (127.0.0.1:9092), E2E_FLINK_PORT (8081), CONSUMER_GROUP
    // (analytics-flink), RAW_TOPIC (events.raw), CLICKHOUSE_KAFKA_GROUP (clickhouse).
    static StackOffsets from_env();

    std::int64_t raw_end() const { return kafka_.end(raw_topic_); }
    std::int64_t end(const std::string& topic) const { return kafka_.end(topic); }
    std::int64_t flink_committed() const { return kafka_.committed(flink_group_, raw_topic_); }
    // The id of the running job's newest completed checkpoint, -1 when there is none (or no job).
    long long latest_checkpoint() const;

    // Waits (up to `timeout`) until Flink has committed `raw_end`, then for one more completed
    // checkpoint, then until ClickHouse has committed every output topic's end. False on
    // timeout; `waiting` says for what.
    bool wait_until_through(std::int64_t raw_end, std::chrono::seconds timeout,
                            std::string& waiting) const;

private:
    StackOffsets(std::string bootstrap, std::uint16_t flink_port, std::string flink_group,
                 std::string raw_topic, std::string clickhouse_group);

    test_support::KafkaOffsets kafka_;
    std::uint16_t flink_port_;
    std::string flink_group_, raw_topic_, clickhouse_group_;
};

}  // namespace e2e
