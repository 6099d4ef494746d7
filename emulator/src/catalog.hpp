#pragma once
// The simulated shop: categories 1..C and items 1..I, with Zipf-distributed item popularity,
// each item in one category with a fixed price.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "rng.hpp"
#include "zipf_distribution.hpp"

namespace pipeline::emulator {

class Catalog {
public:
    Catalog(std::size_t categories, std::size_t items, double item_zipf);

    std::size_t categories() const { return by_category_.size(); }
    std::size_t items() const { return item_category_.size(); }

    std::uint32_t category_of(std::uint32_t item) const { return item_category_[item - 1]; }
    double price_of(std::uint32_t item) const { return item_price_[item - 1]; }

    std::uint32_t pick_category(Rng& rng) const;  // by popularity
    std::uint32_t pick_item(Rng& rng) const;      // by popularity, any category
    std::uint32_t pick_item_in(Rng& rng, std::uint32_t category) const;

private:
    std::vector<std::uint32_t> item_category_;  // item - 1 -> category (1-based)
    std::vector<double> item_price_;
    std::vector<std::vector<std::uint32_t>> by_category_;  // items, most popular first
    std::vector<ZipfDistribution> category_rank_;           // per category
    ZipfDistribution item_rank_;
    ZipfDistribution category_popularity_;
};

}  // namespace pipeline::emulator
