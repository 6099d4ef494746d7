#include "common/decimal.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace pipeline {
namespace {

std::string written(std::int64_t v) {
    char buf[kMaxDecimalChars];
    return std::string(buf, write_decimal(buf, v));
}

std::string expected(std::int64_t v) {
    char buf[kMaxDecimalChars];
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

// The same bytes as std::to_chars at every digit count and on both sides of each power of
// ten, where the fast paths switch.
TEST(Decimal, WritesWhatToCharsWrites) {
    std::vector<std::int64_t> values = {0,
                                        1,
                                        -1,
                                        std::numeric_limits<std::int64_t>::max(),
                                        std::numeric_limits<std::int64_t>::min(),
                                        946684800000,
                                        1700000000123};
    std::int64_t power = 1;
    for (int digits = 1; digits <= 18; ++digits) {
        power *= 10;
        for (const std::int64_t d : {-1, 0, 1}) {
            values.push_back(power + d);
            values.push_back(-(power + d));
            values.push_back(power / 10 * 7 + d);
        }
    }
    std::mt19937_64 rng(42);
    for (int i = 0; i < 100000; ++i) {
        const auto r = static_cast<std::int64_t>(rng());
        values.push_back(r);
        values.push_back(r >> (rng() % 63));
    }
    for (const std::int64_t v : values) {
        ASSERT_EQ(written(v), expected(v)) << v;
    }
}

}  // namespace
}  // namespace pipeline
