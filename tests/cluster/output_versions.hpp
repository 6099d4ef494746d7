#pragma once
// "Versions keep growing", checked on Flink's output topics themselves: every record the job
// wrote, read from the start of each topic to its current end, grouped by (topic, key); in the
// order a key's records were written (one partition per key), each version must be greater than
// the one before. ClickHouse keeps the highest version per key, so a restored or rescaled job
// that wrote a smaller one would have its new value ignored there.

#include <cstddef>
#include <string>
#include <vector>

namespace cluster {

struct VersionCheck {
    std::size_t records = 0;
    std::size_t keys = 0;
    std::vector<std::string> not_growing;  // "topic [key]: version A after B", one per break
    std::string error;                     // set when the topics could not be read
};

VersionCheck check_versions_grow(const std::string& bootstrap, const std::vector<std::string>& topics);

}  // namespace cluster
