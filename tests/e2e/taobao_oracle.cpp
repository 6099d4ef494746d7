#include "taobao_oracle.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace e2e {
namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 86'400'000;

std::string tsv(std::initializer_list<std::string> cols) {
    std::string out;
    for (const auto& c : cols) {
        if (!out.empty()) out += '\t';
        out += c;
    }
    return out;
}

std::string s(std::int64_t v) { return std::to_string(v); }

// "YYYY-MM-DD" of a UTC day number (days since 1970-01-01), civil-from-days.
std::string iso_date(std::int64_t days) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t doe = days - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(y),
                  static_cast<long long>(m), static_cast<long long>(d));
    return buf;
}

std::string map_behaviour(const std::string& b) {
    if (b == "pv") return "page_view";
    if (b == "cart") return "add_to_cart";
    if (b == "fav") return "favorite";
    if (b == "buy") return "purchase";
    throw std::runtime_error("unknown behaviour " + b);
}

// Largest k such that the session has events of steps 1..k with non-decreasing times. Taking,
// step by step, the earliest event of the next step not before the previous one is optimal.
int funnel_step(const std::vector<const CsvEvent*>& session, const std::vector<std::string>& steps) {
    std::int64_t t = INT64_MIN;
    int k = 0;
    for (const auto& step : steps) {
        std::int64_t best = INT64_MAX;
        for (const auto* e : session) {
            if (e->type == step && e->ts_ms >= t) best = std::min(best, e->ts_ms);
        }
        if (best == INT64_MAX) break;
        t = best;
        ++k;
    }
    return k;
}

}  // namespace

std::vector<CsvEvent> read_taobao_csv(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    const std::string file_name = path.substr(path.find_last_of('/') + 1);
    std::vector<CsvEvent> out;
    std::string line;
    for (int line_no = 1; std::getline(in, line); ++line_no) {
        std::vector<std::string> f;
        std::stringstream ss(line);
        for (std::string col; std::getline(ss, col, ',');) f.push_back(col);
        if (f.size() != 5) throw std::runtime_error("bad line " + std::to_string(line_no));
        out.push_back({file_name + ":" + std::to_string(line_no), f[0], map_behaviour(f[3]),
                       "/item/" + f[1], std::stoll(f[4]) * 1000});
    }
    return out;
}

Expected compute_expected(const std::vector<CsvEvent>& events,
                          const std::vector<std::string>& steps, std::int64_t gap_ms) {
    Expected x;
    auto& o = x.objects;

    // Windowed counts.
    std::map<std::pair<std::int64_t, std::string>, std::int64_t> per_type, views;
    std::map<std::pair<std::int64_t, std::string>, std::set<std::string>> page_users;
    std::map<std::int64_t, std::set<std::string>> viewers, purchasers;
    std::map<std::pair<int, int>, std::int64_t> heatmap;
    for (const auto& e : events) {
        const std::int64_t w = e.ts_ms / kMinute * kMinute;
        ++per_type[{w, e.type}];
        if (e.type == "page_view") {
            ++views[{w, e.page}];
            page_users[{w, e.page}].insert(e.user_id);
            viewers[w].insert(e.user_id);
        }
        if (e.type == "purchase") purchasers[w].insert(e.user_id);
        const std::int64_t day = e.ts_ms / kDay;
        const int iso_dow = static_cast<int>((day + 3) % 7) + 1;  // 1970-01-01 was a Thursday
        ++heatmap[{iso_dow, static_cast<int>(e.ts_ms % kDay / kHour)}];
    }
    for (const auto& [k, n] : per_type) o["events_per_type"][tsv({s(k.first / 1000), k.second})] = s(n);
    for (const auto& [k, n] : views) o["page_views"][tsv({s(k.first / 1000), k.second})] = s(n);
    for (const auto& [k, u] : page_users)
        o["unique_users_per_page"][tsv({s(k.first / 1000), k.second})] = s(static_cast<std::int64_t>(u.size()));
    std::set<std::int64_t> windows;
    for (const auto& [w, _] : viewers) windows.insert(w);
    for (const auto& [w, _] : purchasers) windows.insert(w);
    for (const auto w : windows) {
        const auto& v = viewers[w];
        const auto& p = purchasers[w];
        std::int64_t both = 0;
        for (const auto& u : v) both += p.count(u);
        o["conversion"][s(w / 1000)] = tsv({s(static_cast<std::int64_t>(v.size())),
                                            s(static_cast<std::int64_t>(p.size())), s(both)});
    }
    for (const auto& [k, n] : heatmap) o["activity_heatmap"][tsv({s(k.first), s(k.second)})] = s(n);

    // Sessions, in event-time order per user (a stable sort keeps file order for equal times).
    std::map<std::string, std::vector<const CsvEvent*>> by_user;
    for (const auto& e : events) by_user[e.user_id].push_back(&e);
    std::map<std::int64_t, std::array<std::int64_t, 4>> funnel;  // hour -> sessions, step1..3
    std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> cohorts;
    std::map<std::int64_t, std::array<std::int64_t, 3>> daily;  // day -> active, new, returning
    for (auto& [user, evs] : by_user) {
        std::stable_sort(evs.begin(), evs.end(),
                         [](const CsvEvent* a, const CsvEvent* b) { return a->ts_ms < b->ts_ms; });
        std::vector<std::vector<const CsvEvent*>> sessions;
        for (const auto* e : evs) {
            if (sessions.empty() || e->ts_ms - sessions.back().back()->ts_ms >= gap_ms) sessions.emplace_back();
            sessions.back().push_back(e);
        }
        for (const auto& sess : sessions) {
            const std::int64_t start = sess.front()->ts_ms;
            const std::string id = user + ":" + s(start);
            std::int64_t pv = 0, bought = 0;
            for (const auto* e : sess) {
                pv += e->type == "page_view";
                bought |= e->type == "purchase";
                o["events"][e->event_id] = tsv({e->user_id, e->type, e->page, s(e->ts_ms), id});
            }
            const int step = funnel_step(sess, steps);
            o["sessions"][id] = tsv({user, s(start), s(sess.back()->ts_ms),
                                     s(static_cast<std::int64_t>(sess.size())), s(pv), s(bought), s(step)});
            auto& f = funnel[start / kHour * kHour];
            ++f[0];
            for (int k = 1; k <= 3; ++k) f[k] += step >= k;
        }
        std::set<std::int64_t> days;
        for (const auto* e : evs) days.insert(e->ts_ms / kDay);
        const std::int64_t first = *days.begin();
        for (const auto d : days) {
            ++cohorts[{first, d - first}];
            auto& r = daily[d];
            ++r[0];
            ++r[d == first ? 1 : 2];
        }
    }
    for (const auto& [h, f] : funnel) o["funnel"][s(h / 1000)] = tsv({s(f[0]), s(f[1]), s(f[2]), s(f[3])});
    for (const auto& [d, r] : daily) o["retention_daily"][iso_date(d)] = tsv({s(r[0]), s(r[1]), s(r[2])});
    for (const auto& [k, n] : cohorts) o["retention_cohorts"][tsv({iso_date(k.first), s(k.second)})] = s(n);
    o["late_events"];  // nothing is late: the replay's disorder stays within OUT_OF_ORDERNESS
    return x;
}

}  // namespace e2e
