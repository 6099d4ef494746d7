#pragma once
// "Versions never fall", checked on Flink's output topics themselves: every record the job
// wrote, read from the start of each topic to its current end, grouped by (topic, key); in the
// order a key's records were written (one partition per key), no version may be smaller than one
// before it, and a record that repeats a version must repeat its row (a restored job re-emits
// what it emitted after its checkpoint). ClickHouse keeps the highest version per key, so a
// restored or rescaled job that wrote a smaller one, or another row under the same one, could
// leave a wrong value there (versions: flink-job/.../functions/Versions.java).

#include <cstddef>
#include <string>
#include <vector>

namespace cluster {

struct VersionCheck {
    std::size_t records = 0;
    std::size_t keys = 0;
    std::vector<std::string> breaks;  // "topic [key]: version A after B", one per break
    std::string error;                // set when the topics could not be read
};

VersionCheck check_versions_never_fall(const std::string& bootstrap, const std::vector<std::string>& topics);

}  // namespace cluster
