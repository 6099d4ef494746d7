// Prints every panel query of the dashboard with its Grafana macros expanded (panel_queries.hpp,
// grafana_macros.hpp), for tools in other languages that run the dashboard's SQL: the
// modern-ClickHouse comparison (tests/modern-clickhouse) reads this instead of expanding again.
//
// Output: per query three NUL-terminated fields: panel title, refId, expanded SQL.
// Exit 1 (message on stderr) when the dashboard cannot be read or a macro cannot be expanded.
//   expand_panel_queries [dashboard.json]      (env: DASHBOARD_FROM, DASHBOARD_TO, ... as the test)

#include <iostream>
#include <string>

#include "grafana_macros.hpp"
#include "panel_queries.hpp"

int main(int argc, char** argv) {
    using namespace dashboard_test;
    const std::string path = argc > 1 ? argv[1] : dashboard_path();
    try {
        const auto queries = load_queries(path);
        if (queries.empty()) {
            std::cerr << "no panel query in " << path << "\n";
            return 1;
        }
        for (const auto& q : queries) {
            std::cout << q.title << '\0' << q.ref_id << '\0' << expanded_sql(q) << '\0';
        }
    } catch (const std::exception& e) {
        std::cerr << path << ": " << e.what() << "\n";
        return 1;
    }
    return 0;
}
