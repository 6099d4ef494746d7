#include "contract_comparison.hpp"

#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace e2e {

using test_support::ClickHouseHttp;

namespace {

struct Query {
    const char* object;
    const char* sql;  // key columns first, then value columns, in the oracle's order
    int key_columns;
};

constexpr Query kQueries[] = {
    {"events", "SELECT event_id, user_id, type, page, ts_ms, session_id FROM analytics.events", 1},
    {"events_per_type", "SELECT toUInt32(window_start), type, events FROM analytics.events_per_type", 2},
    {"page_views", "SELECT toUInt32(window_start), page, views FROM analytics.page_views", 2},
    {"unique_users_per_page", "SELECT toUInt32(window_start), page, users FROM analytics.unique_users_per_page", 2},
    {"conversion", "SELECT toUInt32(window_start), viewers, purchasers, converted FROM analytics.conversion", 1},
    {"sessions", "SELECT session_id, user_id, session_start_ms, session_end_ms, events, page_views, purchased, funnel_step FROM analytics.sessions", 1},
    {"funnel", "SELECT toUInt32(hour), sessions, step1, step2, step3 FROM analytics.funnel", 1},
    {"activity_heatmap", "SELECT day_of_week, hour, events FROM analytics.activity_heatmap", 2},
    {"retention_daily", "SELECT toString(day), active_users, new_users, returning_users FROM analytics.retention_daily", 1},
    {"retention_cohorts", "SELECT toString(cohort_day), day_offset, users FROM analytics.retention_cohorts", 2},
    {"late_events", "SELECT event_id, user_id, type, page, ts_ms, session_id FROM analytics.late_events", 1},
    {"dead_letters", "SELECT reason, count() FROM analytics.dead_letters GROUP BY reason", 1},
};

}  // namespace

std::string query(const ClickHouseHttp& ch, const std::string& sql) {
    const auto res = ch.post(sql);
    if (res.status != 200) {
        throw std::runtime_error("ClickHouse " + std::to_string(res.status) + ": " + res.body +
                                 "\n  query: " + sql);
    }
    return res.body;
}

Table read_table(const std::string& tsv, int key_columns, std::vector<std::string>& diffs,
                 const std::string& object) {
    Table t;
    std::istringstream in(tsv);
    for (std::string line; std::getline(in, line);) {
        std::string key, value;
        std::istringstream cols(line);
        int i = 0;
        for (std::string col; std::getline(cols, col, '\t'); ++i) {
            std::string& part = i < key_columns ? key : value;
            if (i != 0 && i != key_columns) part += '\t';  // a separator inside key or value
            part += col;
        }
        if (!t.emplace(key, value).second) {
            diffs.push_back(object + " [" + key + "]: more than one row for this key");
        }
    }
    return t;
}

std::vector<std::string> compare_all(const ClickHouseHttp& ch, const Expected& expected) {
    std::vector<std::string> diffs;
    for (const auto& q : kQueries) {
        const Table actual = read_table(query(ch, std::string(q.sql) + " FORMAT TSV"),
                                        q.key_columns, diffs, q.object);
        const auto it = expected.objects.find(q.object);
        const Table& want = it == expected.objects.end() ? Table{} : it->second;
        for (const auto& [key, value] : want) {
            const auto a = actual.find(key);
            if (a == actual.end()) {
                diffs.push_back(std::string(q.object) + " [" + key + "]: expected (" + value + "), missing");
            } else if (a->second != value) {
                diffs.push_back(std::string(q.object) + " [" + key + "]: expected (" + value +
                                "), actual (" + a->second + ")");
            }
        }
        for (const auto& [key, value] : actual) {
            if (!want.count(key)) {
                diffs.push_back(std::string(q.object) + " [" + key + "]: unexpected row (" + value + ")");
            }
        }
    }
    return diffs;
}

std::string summarize(const std::vector<std::string>& diffs, std::size_t max_lines) {
    std::string out = std::to_string(diffs.size()) + " differences:\n";
    for (std::size_t i = 0; i < diffs.size() && i < max_lines; ++i) out += "  " + diffs[i] + "\n";
    if (diffs.size() > max_lines) out += "  ...\n";
    return out;
}

std::vector<std::string> wait_until_equal(const ClickHouseHttp& ch, const Expected& expected,
                                          std::chrono::seconds timeout, const std::string& tag) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<std::string> diffs;
    while (true) {
        diffs = compare_all(ch, expected);
        if (diffs.empty() || std::chrono::steady_clock::now() > deadline) return diffs;
        std::cerr << tag << " waiting: " << diffs.size() << " differences left\n";
        std::this_thread::sleep_for(std::chrono::seconds(3));
    }
}

}  // namespace e2e
