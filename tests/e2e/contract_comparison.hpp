#pragma once
// Compares every object of contract section 5 in ClickHouse with the oracle (taobao_oracle.hpp),
// row for row. Shared by the end-to-end test and the chaos test, so both judge the same way.

#include <chrono>
#include <string>
#include <vector>

#include "clickhouse_http.hpp"
#include "taobao_oracle.hpp"

namespace e2e {

// Runs one query and returns its body; a failure throws with ClickHouse's own message.
std::string query(const test_support::ClickHouseHttp& ch, const std::string& sql);

// Reads a TSV result into key -> values; a key seen twice is itself a difference.
Table read_table(const std::string& tsv, int key_columns, std::vector<std::string>& diffs,
                 const std::string& object);

// Every difference between ClickHouse and `expected`, one line each: missing, unexpected and
// different rows, over all twelve objects. Empty = equal.
std::vector<std::string> compare_all(const test_support::ClickHouseHttp& ch, const Expected& expected);

// "N differences:" and the first max_lines of them.
std::string summarize(const std::vector<std::string>& diffs, std::size_t max_lines = 30);

// Compares every 3 s until ClickHouse equals `expected` or `timeout` passes; returns the last
// differences (empty = equal). Progress lines on stderr start with `tag`.
std::vector<std::string> wait_until_equal(const test_support::ClickHouseHttp& ch,
                                          const Expected& expected, std::chrono::seconds timeout,
                                          const std::string& tag);

}  // namespace e2e
