#pragma once
// Test-only Kafka helpers on librdkafka: topic creation/deletion (Admin API), reading a
// topic from the beginning (assign, no consumer group), high watermarks.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gateway::test {

struct Record {
    std::string key;
    std::string value;
    int partition = 0;
    bool has_key = false;
    bool heartbeat = false;  // the gateway's heartbeat (header "heartbeat"), not an event
};

// True when a broker answers a metadata request.
bool kafka_reachable(const std::string& bootstrap, std::chrono::milliseconds timeout);

// Creates the topic (replication factor 1); throws std::runtime_error on failure.
void create_topic(const std::string& bootstrap, const std::string& topic, int partitions);
// Best effort.
void delete_topics(const std::string& bootstrap, const std::vector<std::string>& topics);

class TopicReader {
public:
    // Heartbeat records are skipped unless `heartbeats` (the tests count events).
    TopicReader(const std::string& bootstrap, const std::string& topic, int partitions,
                bool heartbeats = false);
    ~TopicReader();
    // Reads until `count` records in total were read (since construction) or the timeout.
    const std::vector<Record>& read_until(std::size_t count, std::chrono::milliseconds timeout);
    // Reads whatever arrives during `duration`.
    const std::vector<Record>& read_for(std::chrono::milliseconds duration);
    // Sum over partitions of the high watermark (records durably in the topic, heartbeats too:
    // GatewayProcess starts the gateway without them unless a test asks).
    std::int64_t high_watermark_sum();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace gateway::test
