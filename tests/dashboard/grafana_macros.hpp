#pragma once
// Expands the ClickHouse data source plugin's macros in a panel query the way the plugin does
// (grafana-clickhouse-datasource v4, pkg/macros/macros.go), for one dashboard time range.
//
// Supported, with the plugin's exact output:
//   $__timeFilter(c)       c >= toDateTime(FROM) AND c <= toDateTime(TO)          (epoch seconds)
//   $__dateFilter(c)       c >= toDate('YYYY-MM-DD') AND c <= toDate('YYYY-MM-DD') (UTC dates)
//   $__dateTimeFilter(d, t) / $__dt(d, t)
//                          (d >= toDate(..) AND d <= toDate(..)) AND (t >= toDateTime(..) AND t <=
//                          toDateTime(..))
//   $__fromTime / $__toTime   toDateTime(FROM) / toDateTime(TO)
//   $__interval_s          the panel interval in whole seconds, at least 1
// Rejected with an explanation (they do not run on ClickHouse 18.16, contract section 8, or need
// template variables this dashboard does not define): $__timeFilter_ms, $__fromTime_ms,
// $__toTime_ms, $__timeInterval, $__timeInterval_ms, $__conditionalAll, any other $__name, and
// any $variable / ${variable}.

#include <cstdint>
#include <stdexcept>
#include <string>

namespace dashboard_test {

class MacroError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class GrafanaMacros {
  public:
    // from_s / to_s: the dashboard range in epoch seconds (UTC); interval_s: the panel interval.
    GrafanaMacros(std::int64_t from_s, std::int64_t to_s, std::int64_t interval_s);

    // Returns sql with every macro expanded; throws MacroError on an unsupported one.
    std::string expand(const std::string& sql) const;

    std::int64_t from_s() const { return from_s_; }
    std::int64_t to_s() const { return to_s_; }
    std::int64_t interval_s() const { return interval_s_; }

  private:
    std::string expand_one(const std::string& name, const std::string& args_text,
                           bool has_args) const;

    std::int64_t from_s_;
    std::int64_t to_s_;
    std::int64_t interval_s_;
};

// "2017-09-01", "2017-09-01T00:00:00Z", "2017-09-01 00:00:00", or epoch seconds / milliseconds
// (more than 10 digits) -> epoch seconds, UTC. Throws std::invalid_argument.
std::int64_t parse_time(const std::string& text);

// Epoch seconds -> "YYYY-MM-DD" (UTC).
std::string utc_date(std::int64_t epoch_s);

}  // namespace dashboard_test
