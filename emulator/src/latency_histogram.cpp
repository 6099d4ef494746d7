#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace pipeline::emulator {

std::size_t LatencyHistogram::index_of(std::uint64_t v) {
    if (v < static_cast<std::uint64_t>(kLinear)) return static_cast<std::size_t>(v);
    const int e = std::bit_width(v) - 1;  // >= kSubBits + 1
    const int shift = e - kSubBits;
    const auto sub = static_cast<std::size_t>((v >> shift) & ((1U << kSubBits) - 1));
    const std::size_t index =
        kLinear + static_cast<std::size_t>(e - kSubBits - 1) * (1U << kSubBits) + sub;
    return std::min(index, kBuckets - 1);
}

std::int64_t LatencyHistogram::value_of(std::size_t index) {
    if (index < static_cast<std::size_t>(kLinear)) return static_cast<std::int64_t>(index);
    const std::size_t rel = index - kLinear;
    const int shift = static_cast<int>(rel >> kSubBits) + 1;
    const std::uint64_t sub = rel & ((1U << kSubBits) - 1);
    const std::uint64_t low = ((1ULL << kSubBits) + sub) << shift;
    return static_cast<std::int64_t>(low + (1ULL << shift) / 2);
}

void LatencyHistogram::record(std::int64_t micros) {
    const auto v = static_cast<std::uint64_t>(std::max<std::int64_t>(micros, 0));
    ++buckets_[index_of(v)];
    ++count_;
    sum_ += v;
    max_ = std::max(max_, static_cast<std::int64_t>(v));
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
    count_ += other.count_;
    sum_ += other.sum_;
    max_ = std::max(max_, other.max_);
}

std::int64_t LatencyHistogram::percentile(double q) const {
    if (count_ == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(
        std::max(1.0, std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
        seen += buckets_[i];
        if (seen >= rank) return std::min(value_of(i), max_);
    }
    return max_;
}

}  // namespace pipeline::emulator
