#pragma once
// The order in which replay sends a file's events:
// - stable sort by ts;
// - disorder D: every copy gets a send key in [ts, ts + D] (uniform, seeded) and the
//   stream is ordered by key, so no event is sent after one whose ts is more than D ms
//   later (key_a <= key_b implies ts_a <= ts_b + D);
// - duplicates: with P(duplicate_rate) an event gets a second copy (same event) whose key
//   is drawn in [its original's key, ts + D]: it comes after the original and obeys the
//   same disorder bound (so a duplicate is never a late event downstream).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "rng.hpp"
#include "taobao_csv.hpp"

namespace pipeline::emulator {

struct ReplayItem {
    std::uint32_t row = 0;        // index into TaobaoFile::rows
    bool duplicate = false;       // the second copy of that row
    std::int64_t key_ms = 0;      // send order (and, at --speed, the send time)
};

std::vector<ReplayItem> plan_replay(const std::vector<TaobaoRow>& rows, std::int64_t disorder_ms,
                                    double duplicate_rate, Rng& rng);

// Pacing: when the plan's item number `index` (0-based) is due, counted from the replay's start.
// --speed s > 0: (key - first key) / s; --max-rate r > 0: index / r (at most r events per second
// on average, however dense the data); both: the later of the two; neither: zero (as fast as the
// window allows).
std::chrono::nanoseconds replay_due_offset(const ReplayItem& item, std::size_t index,
                                           std::int64_t first_key_ms, double speed, double max_rate);

}  // namespace pipeline::emulator
