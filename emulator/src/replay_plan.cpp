#include "replay_plan.hpp"

#include <algorithm>
#include <numeric>

namespace pipeline::emulator {

std::vector<ReplayItem> plan_replay(const std::vector<TaobaoRow>& rows, std::int64_t disorder_ms,
                                    double duplicate_rate, Rng& rng) {
    std::vector<std::uint32_t> by_time(rows.size());
    std::iota(by_time.begin(), by_time.end(), 0U);
    std::stable_sort(by_time.begin(), by_time.end(), [&](std::uint32_t a, std::uint32_t b) {
        return rows[a].ts_ms < rows[b].ts_ms;
    });

    std::vector<ReplayItem> items;
    items.reserve(rows.size() + static_cast<std::size_t>(duplicate_rate * rows.size()) + 16);
    for (const std::uint32_t r : by_time) {
        const std::int64_t ts = rows[r].ts_ms;
        const std::int64_t key = disorder_ms > 0 ? ts + rng.between(0, disorder_ms) : ts;
        items.push_back({r, false, key});
        if (duplicate_rate > 0 && rng.chance(duplicate_rate)) {
            items.push_back({r, true, rng.between(key, ts + disorder_ms)});
        }
    }
    // Stable: equal keys keep sorted-by-time order, and a duplicate stays after its original.
    std::stable_sort(items.begin(), items.end(), [](const ReplayItem& a, const ReplayItem& b) {
        return a.key_ms < b.key_ms;
    });
    return items;
}

std::chrono::nanoseconds replay_due_offset(const ReplayItem& item, std::size_t index,
                                           std::int64_t first_key_ms, double speed, double max_rate) {
    using std::chrono::duration;
    using std::chrono::duration_cast;
    std::chrono::nanoseconds due{0};
    if (speed > 0) {
        due = duration_cast<std::chrono::nanoseconds>(duration<double, std::milli>(
            static_cast<double>(item.key_ms - first_key_ms) / speed));
    }
    if (max_rate > 0) {
        due = std::max(due, duration_cast<std::chrono::nanoseconds>(
                                duration<double>(static_cast<double>(index) / max_rate)));
    }
    return due;
}

}  // namespace pipeline::emulator
