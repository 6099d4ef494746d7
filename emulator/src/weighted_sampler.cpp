#include "weighted_sampler.hpp"

namespace pipeline::emulator {

namespace {
std::size_t lowbit(std::size_t i) { return i & (~i + 1); }
}  // namespace

std::uint64_t WeightedSampler::prefix(std::size_t count) const {
    std::uint64_t sum = 0;
    for (std::size_t i = count; i > 0; i -= lowbit(i)) sum += tree_[i];
    return sum;
}

std::size_t WeightedSampler::push_back(std::uint64_t weight) {
    if (tree_.empty()) tree_.push_back(0);
    const std::size_t i = weights_.size() + 1;  // 1-based position of the new element
    // tree_[i] covers (i - lowbit(i), i]: the new weight plus the elements before it.
    tree_.push_back(weight + prefix(i - 1) - prefix(i - lowbit(i)));
    weights_.push_back(weight);
    total_ += weight;
    return i - 1;
}

void WeightedSampler::set(std::size_t i, std::uint64_t weight) {
    const std::uint64_t old = weights_[i];
    if (old == weight) return;
    weights_[i] = weight;
    total_ = total_ - old + weight;
    // Unsigned wrap-around makes adding (weight - old) correct for decreases as well.
    const std::uint64_t delta = weight - old;
    for (std::size_t k = i + 1; k < tree_.size(); k += lowbit(k)) tree_[k] += delta;
}

std::optional<std::size_t> WeightedSampler::sample(Rng& rng) const {
    if (total_ == 0) return std::nullopt;
    std::uint64_t target = rng.below(total_);  // find the first index whose prefix > target
    std::size_t pos = 0;
    std::size_t step = 1;
    while (step * 2 < tree_.size()) step *= 2;
    for (; step > 0; step /= 2) {
        const std::size_t next = pos + step;
        if (next < tree_.size() && tree_[next] <= target) {
            pos = next;
            target -= tree_[next];
        }
    }
    return pos;  // 0-based index == 1-based position pos + 1
}

}  // namespace pipeline::emulator
