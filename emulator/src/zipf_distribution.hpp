#pragma once
// Zipf's law over ranks 0..n-1: P(rank k) proportional to 1 / (k + 1)^s.
// Used for item and category popularity.

#include <cstddef>
#include <vector>

#include "rng.hpp"

namespace pipeline::emulator {

class ZipfDistribution {
public:
    ZipfDistribution(std::size_t n, double s);

    std::size_t operator()(Rng& rng) const;
    std::size_t size() const { return cdf_.size(); }
    double probability(std::size_t rank) const;

private:
    std::vector<double> cdf_;  // cumulative, normalised to end at 1
};

}  // namespace pipeline::emulator
