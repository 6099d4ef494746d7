#pragma once
// The panel queries of a Grafana dashboard JSON, and the time range and interval they are expanded
// for. Shared by the dashboard test (runs each on ClickHouse 18.16) and expand_panel_queries (prints
// them expanded, for the modern-ClickHouse comparison), so both run the same SQL.

#include <cstdint>
#include <string>
#include <vector>

namespace dashboard_test {

struct PanelQuery {
    std::string title;
    std::string ref_id;
    std::string panel_type;
    std::string raw_sql;
    std::string datasource_uid;
    std::string editor_type;
    std::int64_t max_data_points = 0;
    // Set when the dashboard could not be read: the one "query" fails with it.
    std::string load_error;
};

// Every target of every panel, nested row panels included. Throws on unreadable JSON.
std::vector<PanelQuery> load_queries(const std::string& path);

struct Range {
    std::int64_t from_s;
    std::int64_t to_s;
};

// DASHBOARD_FROM / DASHBOARD_TO, default 2017-09-01 .. 2017-12-31T23:59:59Z (the Taobao sample).
Range test_range();

// Grafana's interval is about range / max data points (it rounds to a "nice" step; any value >= 1
// gives valid SQL). DASHBOARD_INTERVAL_S fixes it; DASHBOARD_MAX_DATA_POINTS is the default points.
std::int64_t interval_for(const Range& r, const PanelQuery& q);

// The query with its macros expanded for test_range(), as the plugin sends it; throws MacroError.
std::string expanded_sql(const PanelQuery& q);

// The committed dashboard, or DASHBOARD_JSON.
std::string dashboard_path();

}  // namespace dashboard_test
