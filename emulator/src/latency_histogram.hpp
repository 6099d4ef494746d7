#pragma once
// Fixed-size log-linear histogram of durations in microseconds (HdrHistogram-like):
// exact below 128 us, then 64 buckets per power of two (relative error < 1.6 %).
// Bounded memory however many samples; mergeable across connections.

#include <array>
#include <cstdint>

namespace pipeline::emulator {

class LatencyHistogram {
public:
    void record(std::int64_t micros);
    void merge(const LatencyHistogram& other);

    std::uint64_t count() const { return count_; }
    std::int64_t max() const { return max_; }
    double mean() const { return count_ ? static_cast<double>(sum_) / count_ : 0.0; }
    // The q-quantile (0 < q <= 1) in microseconds; 0 when empty.
    std::int64_t percentile(double q) const;

private:
    static constexpr int kSubBits = 6;  // 64 buckets per power of two
    static constexpr int kLinear = 2 << kSubBits;
    static constexpr int kPowers = 40;  // up to 2^46 us (~2 years)
    static constexpr std::size_t kBuckets = kLinear + kPowers * (1 << kSubBits);

    static std::size_t index_of(std::uint64_t v);
    static std::int64_t value_of(std::size_t index);  // a representative (midpoint) value

    std::array<std::uint64_t, kBuckets> buckets_{};
    std::uint64_t count_ = 0;
    std::uint64_t sum_ = 0;
    std::int64_t max_ = 0;
};

}  // namespace pipeline::emulator
