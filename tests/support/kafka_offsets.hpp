#pragma once
// Where consumers stand in a topic, from the broker (librdkafka): a topic's end offsets and a
// consumer group's committed offsets. The system tests wait on these instead of sleeping: "the
// job has read everything sent" is the Flink group's commits at the raw topic's end.

#include <cstdint>
#include <string>
#include <utility>

namespace test_support {

class KafkaOffsets {
public:
    explicit KafkaOffsets(std::string bootstrap) : bootstrap_(std::move(bootstrap)) {}

    // Sum over the topic's partitions of their end offsets; -1 when the broker did not answer.
    std::int64_t end(const std::string& topic) const;
    // Sum over the topic's partitions of `group`'s committed offsets (0 for a partition without
    // one); -1 when the broker did not answer. Asks only: joins no group, commits nothing.
    std::int64_t committed(const std::string& group, const std::string& topic) const;

private:
    std::string bootstrap_;
};

}  // namespace test_support
