#include "daily_curve.hpp"

#include <algorithm>
#include <numeric>

namespace pipeline::emulator {

namespace {
// Hour 0 .. 23 UTC.
constexpr std::array<double, 24> kLevels = {0.60, 0.40, 0.30, 0.25, 0.25, 0.30, 0.45, 0.70,
                                            0.90, 1.05, 1.15, 1.20, 1.30, 1.25, 1.15, 1.10,
                                            1.10, 1.20, 1.35, 1.50, 1.60, 1.50, 1.20, 0.90};
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;
}  // namespace

DailyCurve::DailyCurve(bool enabled) : enabled_(enabled) {
    const double mean = std::accumulate(kLevels.begin(), kLevels.end(), 0.0) / 24.0;
    for (std::size_t h = 0; h < 24; ++h) levels_[h] = kLevels[h] / mean;
    max_ = enabled_ ? *std::max_element(levels_.begin(), levels_.end()) : 1.0;
}

double DailyCurve::factor(std::int64_t epoch_ms) const {
    if (!enabled_) return 1.0;
    // Position in hours since the midpoint of hour 0, in [0, 24).
    std::int64_t ms = (epoch_ms - kHourMs / 2) % kDayMs;
    if (ms < 0) ms += kDayMs;
    const auto h = static_cast<std::size_t>(ms / kHourMs);
    const double frac = static_cast<double>(ms % kHourMs) / static_cast<double>(kHourMs);
    return levels_[h] + (levels_[(h + 1) % 24] - levels_[h]) * frac;
}

}  // namespace pipeline::emulator
