#include "grafana_macros.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <vector>

namespace dashboard_test {
namespace {

bool is_ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// Splits "a, f(b, c)" at top-level commas.
std::vector<std::string> split_args(const std::string& text) {
    std::vector<std::string> out;
    int depth = 0;
    std::string cur;
    for (const char c : text) {
        if (c == '(') ++depth;
        if (c == ')') --depth;
        if (c == ',' && depth == 0) {
            out.push_back(trim(cur));
            cur.clear();
        } else {
            cur.push_back(c);
        }
    }
    out.push_back(trim(cur));
    return out;
}

std::string to_date_time(std::int64_t s) { return "toDateTime(" + std::to_string(s) + ")"; }

}  // namespace

GrafanaMacros::GrafanaMacros(std::int64_t from_s, std::int64_t to_s, std::int64_t interval_s)
    : from_s_(from_s), to_s_(to_s), interval_s_(std::max<std::int64_t>(interval_s, 1)) {
    if (to_s_ < from_s_) throw std::invalid_argument("time range ends before it starts");
}

std::string GrafanaMacros::expand(const std::string& sql) const {
    std::string out;
    std::size_t i = 0;
    while (i < sql.size()) {
        if (sql[i] != '$') {
            out.push_back(sql[i++]);
            continue;
        }
        if (sql.compare(i, 3, "$__") != 0) {
            // A dashboard/template variable ($name or ${name}): Grafana would substitute it before
            // the plugin sees the query; this dashboard defines none.
            std::size_t j = i + 1;
            if (j < sql.size() && (sql[j] == '{' || is_ident(sql[j]))) {
                throw MacroError(
                    "template variable at \"" + sql.substr(i, 20) +
                    "\": the dashboard defines no variables, so the query cannot be run as is");
            }
            out.push_back(sql[i++]);
            continue;
        }
        std::size_t j = i + 3;
        while (j < sql.size() && is_ident(sql[j])) ++j;
        const std::string name = sql.substr(i + 3, j - i - 3);
        std::string args;
        bool has_args = false;
        if (j < sql.size() && sql[j] == '(') {
            int depth = 0;
            std::size_t k = j;
            for (; k < sql.size(); ++k) {
                if (sql[k] == '(') ++depth;
                if (sql[k] == ')' && --depth == 0) break;
            }
            if (k == sql.size()) throw MacroError("unbalanced parentheses after $__" + name);
            args = sql.substr(j + 1, k - j - 1);
            has_args = true;
            j = k + 1;
        }
        out += expand_one(name, args, has_args);
        i = j;
    }
    return out;
}

std::string GrafanaMacros::expand_one(const std::string& name, const std::string& args_text,
                                      bool has_args) const {
    const auto args = has_args ? split_args(args_text) : std::vector<std::string>{};
    auto need = [&](std::size_t n) {
        if (args.size() != n || (n > 0 && args[0].empty())) {
            throw MacroError("$__" + name + " expects " + std::to_string(n) +
                             " argument(s), got \"" + args_text + "\"");
        }
    };
    const std::string from_dt = to_date_time(from_s_);
    const std::string to_dt = to_date_time(to_s_);
    const std::string from_d = "toDate('" + utc_date(from_s_) + "')";
    const std::string to_d = "toDate('" + utc_date(to_s_) + "')";

    if (name == "timeFilter") {
        need(1);
        return args[0] + " >= " + from_dt + " AND " + args[0] + " <= " + to_dt;
    }
    if (name == "dateFilter") {
        need(1);
        return args[0] + " >= " + from_d + " AND " + args[0] + " <= " + to_d;
    }
    if (name == "dateTimeFilter" || name == "dt") {
        need(2);
        return "(" + args[0] + " >= " + from_d + " AND " + args[0] + " <= " + to_d + ") AND (" +
               args[1] + " >= " + from_dt + " AND " + args[1] + " <= " + to_dt + ")";
    }
    if (name == "fromTime" && !has_args) return from_dt;
    if (name == "toTime" && !has_args) return to_dt;
    if (name == "interval_s" && !has_args) return std::to_string(interval_s_);
    if (name == "timeFilter_ms" || name == "fromTime_ms" || name == "toTime_ms" ||
        name == "timeInterval" || name == "timeInterval_ms") {
        throw MacroError(
            "$__" + name +
            " expands to toStartOfInterval / DateTime64 / fromUnixTimestamp64Milli, which "
            "ClickHouse 18.16 lacks (contract section 8); bucket with intDiv(toUInt32(col), "
            "greatest(60, $__interval_s)) instead");
    }
    if (name == "conditionalAll") {
        throw MacroError("$__conditionalAll needs a template variable; the dashboard defines none");
    }
    throw MacroError("unknown or misused macro $__" + name +
                     (has_args ? "(" + args_text + ")" : ""));
}

std::int64_t parse_time(const std::string& raw) {
    const std::string text = trim(raw);
    if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
        })) {
        const std::int64_t v = std::stoll(text);
        return text.size() > 10 ? v / 1000 : v;
    }
    std::tm tm{};
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    char sep = 0;
    char tail[8] = {0};
    const int n = std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%7s", &y, &mo, &d, &sep, &h,
                              &mi, &s, tail);
    const bool date_only = n == 3 && text.size() == 10;
    const bool date_time = n >= 7 && (sep == 'T' || sep == ' ') &&
                           (n == 7 || std::string(tail) == "Z" || std::string(tail) == "+00:00");
    if (!date_only && !date_time) {
        throw std::invalid_argument(
            "cannot read time \"" + text +
            "\" (use epoch seconds/ms, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC)");
    }
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = date_only ? 0 : h;
    tm.tm_min = date_only ? 0 : mi;
    tm.tm_sec = date_only ? 0 : s;
    return static_cast<std::int64_t>(timegm(&tm));
}

std::string utc_date(std::int64_t epoch_s) {
    const std::time_t t = static_cast<std::time_t>(epoch_s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

}  // namespace dashboard_test
