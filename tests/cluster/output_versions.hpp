#pragma once
// The versions of Flink's output records, checked on its output topics themselves: every record
// the job wrote, read from the start of each topic to its current end, grouped by (topic, key), in
// the order a key's records were written (one partition per key). A version measures how much
// input a row accounts for (flink-job/.../functions/Versions.java), so a restored job may write
// lower ones again while it catches up; what must hold is that each key's newest record carries
// its highest version, and that only one row carries it. ClickHouse keeps the row with the highest
// version, so that row is the key's final value whatever order the records arrive in.

#include <cstddef>
#include <string>
#include <vector>

namespace cluster {

struct VersionCheck {
    std::size_t records = 0;
    std::size_t keys = 0;
    std::vector<std::string> breaks;  // "topic [key]: what is wrong", one per key and rule
    std::string error;                // set when the topics could not be read
};

VersionCheck check_output_versions(const std::string& bootstrap, const std::vector<std::string>& topics);

}  // namespace cluster
