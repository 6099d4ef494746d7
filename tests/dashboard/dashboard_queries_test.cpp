// Runs every panel query of the committed Grafana dashboard against a real ClickHouse.
//
// Each query (panel title + refId) is one test: its Grafana macros are expanded the way the
// ClickHouse data source plugin expands them (grafana_macros.hpp), it is sent to ClickHouse, and it
// must succeed, return exactly the columns declared in expected-columns.json, return at least one
// row, and have a non-zero value in the columns declared "nonzero". A failure prints the panel, the
// expanded SQL and ClickHouse's own error.
//
// Environment:
//   CLICKHOUSE_URL (or CLICKHOUSE_HOST + CLICKHOUSE_HTTP_PORT), CLICKHOUSE_USER,
//   CLICKHOUSE_PASSWORD DASHBOARD_FROM / DASHBOARD_TO   the dashboard time range: epoch s or ms,
//   YYYY-MM-DD or
//                                   YYYY-MM-DDTHH:MM:SSZ (UTC); default 2017-09-01 ..
//                                   2017-12-31T23:59:59Z, which covers the Taobao sample the
//                                   end-to-end test loads
//   DASHBOARD_INTERVAL_S            the panel interval ($__interval_s); default range / max data
//   points DASHBOARD_MAX_DATA_POINTS       default 1000 (a panel's own maxDataPoints wins)
//   DASHBOARD_DATABASE              development only: run against a scratch copy of the schema
//                                   (every "analytics." becomes "<db>."); default analytics
//   DASHBOARD_JSON / DASHBOARD_EXPECTATIONS   override the committed files

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "clickhouse_http.hpp"
#include "env.hpp"
#include "grafana_macros.hpp"
#include "panel_queries.hpp"

namespace dashboard_test {

// gtest prints the parameter of a failing test: show the panel, not its bytes (found by ADL, so it
// lives in PanelQuery's namespace).
void PrintTo(const PanelQuery& q, std::ostream* os) {
    *os << "panel \"" << q.title << "\" query " << q.ref_id;
}

namespace {

using test_support::ClickHouseHttp;
using test_support::clickhouse_from_env;
using test_support::HttpResult;

using test_support::env_or;

struct Expectation {
    std::vector<std::string> columns;
    std::vector<std::string> nonzero;
};
using Expectations = std::map<std::pair<std::string, std::string>, Expectation>;

std::string str(simdjson::dom::element e) { return std::string(std::string_view(e)); }

Expectations load_expectations(const std::string& path) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.load(path);
    Expectations out;
    for (auto [title, refs] : doc["panels"].get_object()) {
        for (auto [ref, spec] : refs.get_object()) {
            Expectation e;
            for (auto c : spec["columns"].get_array()) e.columns.push_back(str(c));
            for (auto c : spec["nonzero"].get_array()) e.nonzero.push_back(str(c));
            out[{std::string(title), std::string(ref)}] = e;
        }
    }
    return out;
}

std::string expectations_path() {
    return env_or("DASHBOARD_EXPECTATIONS", DASHBOARD_DEFAULT_EXPECTATIONS);
}

// Read once, at test registration; a broken file becomes one failing test instead of a crash.
std::vector<PanelQuery> registered_queries() {
    try {
        auto q = load_queries(dashboard_path());
        if (q.empty()) {
            PanelQuery bad;
            bad.title = "no queries";
            bad.load_error = "no panel query found in " + dashboard_path();
            q.push_back(bad);
        }
        return q;
    } catch (const std::exception& e) {
        PanelQuery bad;
        bad.title = "dashboard unreadable";
        bad.load_error = "cannot read " + dashboard_path() + ": " + e.what();
        return {bad};
    }
}

std::string rewrite_database(const std::string& sql) {
    const std::string db = env_or("DASHBOARD_DATABASE", "analytics");
    if (db == "analytics") return sql;
    return std::regex_replace(sql, std::regex(R"(\banalytics\.)"), db + ".");
}

// The statement as it goes over HTTP: trailing ';' and blanks removed, JSON output requested.
std::string with_json_format(std::string sql) {
    while (!sql.empty() &&
           (std::isspace(static_cast<unsigned char>(sql.back())) || sql.back() == ';')) {
        sql.pop_back();
    }
    return sql + "\nFORMAT JSON";
}

bool is_nonzero(simdjson::dom::element v) {
    switch (v.type()) {
        case simdjson::dom::element_type::INT64:
            return int64_t(v) != 0;
        case simdjson::dom::element_type::UINT64:
            return uint64_t(v) != 0;
        case simdjson::dom::element_type::DOUBLE:
            return double(v) != 0.0;
        case simdjson::dom::element_type::BOOL:
            return bool(v);
        case simdjson::dom::element_type::STRING: {
            // 64-bit integers come quoted; so do dates. Anything that is not a plain zero counts.
            const std::string s = str(v);
            return !s.empty() && s != "0" && s != "0.0" && s != "0000-00-00" &&
                   s != "0000-00-00 00:00:00" && s != "1970-01-01" && s != "1970-01-01 00:00:00";
        }
        default:
            return false;
    }
}

std::string test_name(const PanelQuery& q) {
    std::string name = q.title + "_" + q.ref_id;
    std::string out;
    for (const char c : name) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
    return out;
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}


class PanelQueryTest : public ::testing::TestWithParam<PanelQuery> {};

TEST_P(PanelQueryTest, RunsOnClickHouseWithExpectedColumnsAndRows) {
    const PanelQuery& q = GetParam();
    ASSERT_TRUE(q.load_error.empty()) << q.load_error;
    const std::string where = "panel \"" + q.title + "\" query " + q.ref_id;

    Expectations expectations;
    ASSERT_NO_THROW(expectations = load_expectations(expectations_path()))
        << "cannot read " << expectations_path();
    const auto it = expectations.find({q.title, q.ref_id});
    ASSERT_NE(it, expectations.end())
        << where << " has no entry in " << expectations_path() << ": declare its columns there";
    const Expectation& expected = it->second;

    const Range range = test_range();
    std::string sql;
    try {
        sql = rewrite_database(expanded_sql(q));
    } catch (const MacroError& e) {
        FAIL() << where << ": " << e.what() << "\n--- query ---\n" << q.raw_sql;
    }

    const ClickHouseHttp clickhouse = clickhouse_from_env();
    const HttpResult res = clickhouse.post(with_json_format(sql), "max_execution_time=60");
    ASSERT_EQ(res.status, 200) << where << " failed on " << clickhouse.url()
                               << "\n--- expanded SQL ---\n"
                               << sql << "\n--- ClickHouse said ---\n"
                               << res.body;

    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    const auto err = parser.parse(res.body).get(doc);
    ASSERT_FALSE(err) << where << ": ClickHouse's answer is not JSON ("
                      << simdjson::error_message(err) << ")\n"
                      << res.body.substr(0, 2000);

    std::vector<std::string> columns;
    for (auto m : doc["meta"].get_array()) columns.push_back(str(m["name"]));
    EXPECT_EQ(columns, expected.columns)
        << where << ": columns are [" << joined(columns) << "], expected ["
        << joined(expected.columns) << "]\n--- expanded SQL ---\n"
        << sql;

    simdjson::dom::array rows = doc["data"].get_array();
    ASSERT_GT(rows.size(), 0u) << where << " returned no rows for " << utc_date(range.from_s)
                               << " .. " << utc_date(range.to_s)
                               << " (DASHBOARD_FROM / DASHBOARD_TO); is the data loaded?"
                               << "\n--- expanded SQL ---\n"
                               << sql;

    for (const auto& col : expected.nonzero) {
        bool any = false;
        for (simdjson::dom::object row : rows) {
            auto v = row[col];
            if (!v.error() && is_nonzero(v.value_unsafe())) {
                any = true;
                break;
            }
        }
        EXPECT_TRUE(any) << where << ": column " << col << " is zero or null in every row ("
                         << rows.size() << " rows)\n--- expanded SQL ---\n"
                         << sql;
    }
}

INSTANTIATE_TEST_SUITE_P(Dashboard, PanelQueryTest, ::testing::ValuesIn(registered_queries()),
                         [](const ::testing::TestParamInfo<PanelQuery>& info) {
                             return test_name(info.param) + "_" + std::to_string(info.index);
                         });

// The dashboard as a whole: what contract section 6 and the compose stack rely on.
TEST(DashboardShape, ProvisionedDashboardHasSpecPanelsAndLiveRefresh) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_FALSE(parser.load(dashboard_path()).get(doc)) << "cannot parse " << dashboard_path();
    EXPECT_EQ(str(doc["refresh"]), "5s");
    EXPECT_EQ(str(doc["uid"]), "behaviour-analytics");

    const auto queries = load_queries(dashboard_path());
    std::set<std::string> titles;
    for (const auto& q : queries) {
        titles.insert(q.title);
        EXPECT_EQ(q.datasource_uid, "clickhouse")
            << q.title << " " << q.ref_id
            << ": use the provisioned ClickHouse data source (uid clickhouse)";
        EXPECT_EQ(q.editor_type, "sql") << q.title << " " << q.ref_id;
        EXPECT_FALSE(q.raw_sql.empty()) << q.title << " " << q.ref_id;
    }
    // contract section 6: at least these panels (matched by title prefix).
    for (const std::string want :
         {"Events per Type", "Page Views", "Unique Users per Page",
          "Conversion Rate (view -> purchase)", "Session Stats",
          "Funnel (view -> click -> purchase)", "Activity Heatmap", "Retention: new vs returning",
          "Retention cohorts", "Events/s in", "Dead letters", "Pipeline health"}) {
        const bool found = std::any_of(titles.begin(), titles.end(),
                                       [&](const std::string& t) { return t.rfind(want, 0) == 0; });
        EXPECT_TRUE(found) << "no panel titled \"" << want << "...\"";
    }
}

TEST(DashboardShape, EveryQueryIsDeclaredAndEveryDeclarationHasAQuery) {
    const auto queries = load_queries(dashboard_path());
    const auto expectations = load_expectations(expectations_path());
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& q : queries) {
        EXPECT_TRUE(seen.insert({q.title, q.ref_id}).second)
            << "two queries share panel title \"" << q.title << "\" and refId " << q.ref_id;
        EXPECT_TRUE(expectations.count({q.title, q.ref_id}))
            << "panel \"" << q.title << "\" query " << q.ref_id << " is not declared in "
            << expectations_path();
    }
    for (const auto& [key, e] : expectations) {
        EXPECT_TRUE(seen.count(key))
            << expectations_path() << " declares panel \"" << key.first << "\" query " << key.second
            << ", which the dashboard does not have";
    }
}

// The account the dashboards use (Grafana's data source, deploy/clickhouse/users.d/reader.xml) reads
// and cannot write. The probes change nothing even on an account that could write (an INSERT of no
// rows, a DROP of a table that does not exist), so running this against a writable account fails
// without harm. ./pipeline test also runs every panel query above as this account.
TEST(ReadOnlyAccount, SelectsButCannotInsertOrDrop) {
    const ClickHouseHttp base = clickhouse_from_env();
    const ClickHouseHttp reader(base.url(), env_or("CLICKHOUSE_READER_USER", "reader"),
                                env_or("CLICKHOUSE_READER_PASSWORD", "reader123"));
    const std::string db = env_or("DASHBOARD_DATABASE", "analytics");

    const HttpResult select = reader.post("SELECT count() FROM " + db + ".events");
    EXPECT_EQ(select.status, 200) << select.body;

    // ClickHouse refuses with code 164 (READONLY) before it looks at the table.
    for (const std::string& write :
         {"INSERT INTO " + db + ".events_store SELECT * FROM " + db + ".events_store WHERE 0",
          "DROP TABLE IF EXISTS " + db + ".reader_probe_never_created"}) {
        const HttpResult res = reader.post(write);
        EXPECT_NE(res.status, 200) << "the read-only account ran: " << write;
        EXPECT_NE(res.body.find("Code: 164"), std::string::npos)
            << "expected a readonly refusal (code 164) for: " << write << "\n" << res.body;
    }
}

// The expansion itself, against the plugin's documented output.
TEST(GrafanaMacros, ExpandsLikeThePlugin) {
    const GrafanaMacros m(1504224000, 1514764799, 10540);
    EXPECT_EQ(
        m.expand("WHERE $__timeFilter(window_start)"),
        "WHERE window_start >= toDateTime(1504224000) AND window_start <= toDateTime(1514764799)");
    EXPECT_EQ(m.expand("WHERE $__dateFilter(day)"),
              "WHERE day >= toDate('2017-09-01') AND day <= toDate('2017-12-31')");
    EXPECT_EQ(m.expand("$__dt(d, t)"),
              "(d >= toDate('2017-09-01') AND d <= toDate('2017-12-31')) AND "
              "(t >= toDateTime(1504224000) AND t <= toDateTime(1514764799))");
    EXPECT_EQ(m.expand("$__fromTime, $__toTime, $__interval_s"),
              "toDateTime(1504224000), toDateTime(1514764799), 10540");
    EXPECT_EQ(m.expand("$__timeFilter(toDateTime(x, 'UTC'))"),
              "toDateTime(x, 'UTC') >= toDateTime(1504224000) AND toDateTime(x, 'UTC') <= "
              "toDateTime(1514764799)");
    EXPECT_EQ(GrafanaMacros(0, 10, 0).expand("$__interval_s"), "1");
}

TEST(GrafanaMacros, RejectsWhatClickHouse1816CannotRun) {
    const GrafanaMacros m(0, 60, 1);
    for (const std::string bad :
         {"$__timeInterval(ts)", "$__timeInterval_ms(ts)", "$__timeFilter_ms(ts)", "$__fromTime_ms",
          "$__toTime_ms", "$__conditionalAll(a IN ($v), $v)", "$__unknown", "WHERE type = $type",
          "WHERE type = ${type}", "$__timeFilter()", "$__timeFilter(a, b)"}) {
        EXPECT_THROW(m.expand(bad), MacroError) << bad;
    }
    EXPECT_EQ(m.expand("SELECT '$' AS dollar"), "SELECT '$' AS dollar");
}

TEST(GrafanaMacros, ParsesTimes) {
    EXPECT_EQ(parse_time("2017-09-01"), 1504224000);
    EXPECT_EQ(parse_time("2017-09-01T00:00:00Z"), 1504224000);
    EXPECT_EQ(parse_time("2017-09-01 00:00:01"), 1504224001);
    EXPECT_EQ(parse_time("1504224000"), 1504224000);
    EXPECT_EQ(parse_time("1504224000123"), 1504224000);
    EXPECT_THROW(parse_time("yesterday"), std::invalid_argument);
    EXPECT_EQ(utc_date(1514764799), "2017-12-31");
}

}  // namespace
}  // namespace dashboard_test
