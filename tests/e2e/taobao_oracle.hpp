#pragma once
// The end-to-end test's oracle: every object of contract section 5 computed straight from the
// Taobao CSV with the contract's rules, independently of the Flink job's code. Each object is a
// Table: key columns -> value columns, both tab-separated, as ClickHouse's TSV output gives them.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace e2e {

using Table = std::map<std::string, std::string>;

struct CsvEvent {
    std::string event_id;  // file name + ":" + line number (contract section 7)
    std::string user_id;
    std::string type;
    std::string page;
    std::int64_t ts_ms = 0;
};

// Reads the CSV with the contract section 7 mapping. Throws on a malformed line.
std::vector<CsvEvent> read_taobao_csv(const std::string& path);

struct Expected {
    std::map<std::string, Table> objects;  // object name -> its rows
};

// funnel_steps: e.g. {"page_view", "click", "purchase"}; session_gap_ms: 30 min.
Expected compute_expected(const std::vector<CsvEvent>& events,
                          const std::vector<std::string>& funnel_steps,
                          std::int64_t session_gap_ms);

}  // namespace e2e
