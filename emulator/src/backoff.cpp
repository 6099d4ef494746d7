#include "backoff.hpp"

#include <algorithm>

namespace pipeline::emulator {

Backoff::Backoff(std::int64_t min_ms, std::int64_t max_ms, std::uint64_t seed)
    : min_ms_(std::max<std::int64_t>(min_ms, 1)),
      max_ms_(std::max(max_ms, min_ms_)),
      rng_(seed) {}

std::int64_t Backoff::next_delay_ms() {
    std::int64_t d = min_ms_;
    for (int i = 0; i < attempt_ && d < max_ms_; ++i) d *= 2;
    d = std::min(d, max_ms_);
    ++attempt_;
    return d / 2 + rng_.between(0, d - d / 2);
}

}  // namespace pipeline::emulator
