#pragma once
// The relative activity of an e-commerce site over a UTC day: quiet at night, a lunch bump,
// the peak in the evening. 24 hourly levels, interpolated linearly between hour midpoints,
// normalised so that the day's average is 1 (so `rate x factor` averages to `rate`).

#include <array>
#include <cstdint>

namespace pipeline::emulator {

class DailyCurve {
public:
    explicit DailyCurve(bool enabled);

    double factor(std::int64_t epoch_ms) const;  // >= 0; 1 everywhere when disabled
    double max_factor() const { return max_; }

private:
    bool enabled_;
    std::array<double, 24> levels_{};
    double max_ = 1.0;
};

}  // namespace pipeline::emulator
