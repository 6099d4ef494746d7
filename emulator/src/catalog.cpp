#include "catalog.hpp"

#include <cmath>
#include <stdexcept>

namespace pipeline::emulator {

Catalog::Catalog(std::size_t categories, std::size_t items, double item_zipf)
    : item_rank_(items == 0 ? 1 : items, item_zipf),
      category_popularity_(categories == 0 ? 1 : categories, 1.0) {
    if (categories == 0 || items < categories) {
        throw std::invalid_argument("the catalog needs at least one item per category");
    }
    // The catalog is fixed (not drawn from the run's seed), so item 17 is the same item
    // with the same price in every run.
    Rng rng(0xC47A1065);
    by_category_.resize(categories);
    item_category_.resize(items);
    item_price_.resize(items);
    for (std::size_t i = 0; i < items; ++i) {
        // The first `categories` items seed one category each, so none is empty.
        const auto category = static_cast<std::uint32_t>(
            i < categories ? i : rng.below(categories));
        item_category_[i] = category + 1;
        by_category_[category].push_back(static_cast<std::uint32_t>(i + 1));
        // Log-normal prices around 30 with cents.
        item_price_[i] = std::round(rng.lognormal(std::log(30.0), 0.8) * 100.0) / 100.0 + 0.99;
    }
    category_rank_.reserve(categories);
    for (const auto& list : by_category_) category_rank_.emplace_back(list.size(), item_zipf);
}

std::uint32_t Catalog::pick_category(Rng& rng) const {
    return static_cast<std::uint32_t>(category_popularity_(rng) + 1);
}

std::uint32_t Catalog::pick_item(Rng& rng) const {
    return static_cast<std::uint32_t>(item_rank_(rng) + 1);
}

std::uint32_t Catalog::pick_item_in(Rng& rng, std::uint32_t category) const {
    const auto& list = by_category_[category - 1];
    return list[category_rank_[category - 1](rng)];
}

}  // namespace pipeline::emulator
