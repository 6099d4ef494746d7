#include "panel_queries.hpp"

#include <simdjson.h>

#include <algorithm>

#include "env.hpp"
#include "grafana_macros.hpp"

namespace dashboard_test {
namespace {

using test_support::env_or;

std::string str_or(simdjson::dom::object o, const char* key, const std::string& fallback = "") {
    auto v = o[key];
    if (v.error()) return fallback;
    std::string_view sv;
    if (v.get(sv)) return fallback;
    return std::string(sv);
}

}  // namespace

std::vector<PanelQuery> load_queries(const std::string& path) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.load(path);
    std::vector<PanelQuery> out;
    // Panels may sit inside collapsed rows (row.panels); walk both levels.
    std::vector<simdjson::dom::object> panels;
    for (simdjson::dom::object p : doc["panels"].get_array()) {
        panels.push_back(p);
        auto nested = p["panels"];
        if (!nested.error()) {
            for (simdjson::dom::object q : nested.get_array()) panels.push_back(q);
        }
    }
    for (simdjson::dom::object p : panels) {
        auto targets = p["targets"];
        if (targets.error()) continue;
        std::string panel_uid;
        auto pds = p["datasource"];
        if (!pds.error()) panel_uid = str_or(pds.get_object(), "uid");
        std::int64_t mdp = 0;
        auto mdp_e = p["maxDataPoints"];
        if (!mdp_e.error()) mdp = mdp_e.get_int64().value_unsafe();
        for (simdjson::dom::object t : targets.get_array()) {
            PanelQuery q;
            q.title = str_or(p, "title");
            q.panel_type = str_or(p, "type");
            q.ref_id = str_or(t, "refId");
            q.raw_sql = str_or(t, "rawSql");
            q.editor_type = str_or(t, "editorType");
            q.datasource_uid = panel_uid;
            auto tds = t["datasource"];
            if (!tds.error()) q.datasource_uid = str_or(tds.get_object(), "uid", panel_uid);
            q.max_data_points = mdp;
            out.push_back(q);
        }
    }
    return out;
}

Range test_range() {
    return {parse_time(env_or("DASHBOARD_FROM", "2017-09-01T00:00:00Z")),
            parse_time(env_or("DASHBOARD_TO", "2017-12-31T23:59:59Z"))};
}

std::int64_t interval_for(const Range& r, const PanelQuery& q) {
    const std::string fixed = env_or("DASHBOARD_INTERVAL_S", "");
    if (!fixed.empty()) return std::stoll(fixed);
    const std::int64_t points = q.max_data_points > 0
                                    ? q.max_data_points
                                    : std::stoll(env_or("DASHBOARD_MAX_DATA_POINTS", "1000"));
    return std::max<std::int64_t>(1, (r.to_s - r.from_s) / std::max<std::int64_t>(points, 1));
}

std::string expanded_sql(const PanelQuery& q) {
    const Range range = test_range();
    return GrafanaMacros(range.from_s, range.to_s, interval_for(range, q)).expand(q.raw_sql);
}

std::string dashboard_path() { return env_or("DASHBOARD_JSON", DASHBOARD_DEFAULT_JSON); }

}  // namespace dashboard_test
