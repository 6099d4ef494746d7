#pragma once
// Picks an index with probability proportional to its weight, with weights that change
// (a Fenwick tree over integer weights: exact sums, O(log n) update, append and sample).
// The behaviour model sets a user's weight to 0 while the user is in a session or within
// the minimum gap after one, and restores it afterwards.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "rng.hpp"

namespace pipeline::emulator {

class WeightedSampler {
public:
    std::size_t size() const { return weights_.size(); }
    std::uint64_t total() const { return total_; }
    std::uint64_t weight(std::size_t i) const { return weights_[i]; }

    std::size_t push_back(std::uint64_t weight);  // returns the new index
    void set(std::size_t i, std::uint64_t weight);
    // nullopt when every weight is zero.
    std::optional<std::size_t> sample(Rng& rng) const;

private:
    std::uint64_t prefix(std::size_t count) const;  // sum of the first `count` weights

    std::vector<std::uint64_t> weights_;
    std::vector<std::uint64_t> tree_;  // 1-based Fenwick tree, tree_[0] unused
    std::uint64_t total_ = 0;
};

}  // namespace pipeline::emulator
