#include "zipf_distribution.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pipeline::emulator {

ZipfDistribution::ZipfDistribution(std::size_t n, double s) {
    if (n == 0) throw std::invalid_argument("Zipf distribution over zero ranks");
    cdf_.resize(n);
    double sum = 0;
    for (std::size_t k = 0; k < n; ++k) {
        sum += 1.0 / std::pow(static_cast<double>(k + 1), s);
        cdf_[k] = sum;
    }
    for (auto& c : cdf_) c /= sum;
    cdf_.back() = 1.0;
}

std::size_t ZipfDistribution::operator()(Rng& rng) const {
    const double u = rng.uniform();
    const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
    return std::min(static_cast<std::size_t>(it - cdf_.begin()), cdf_.size() - 1);
}

double ZipfDistribution::probability(std::size_t rank) const {
    return rank == 0 ? cdf_[0] : cdf_[rank] - cdf_[rank - 1];
}

}  // namespace pipeline::emulator
