#include "common/decimal.hpp"

#include <charconv>
#include <cstring>

namespace pipeline {

namespace {

// "00" "01" ... "99": two digits per lookup.
constexpr auto kPairs = [] {
    struct Table {
        char c[200];
    } t{};
    for (int i = 0; i < 100; ++i) {
        t.c[2 * i] = static_cast<char>('0' + i / 10);
        t.c[2 * i + 1] = static_cast<char>('0' + i % 10);
    }
    return t;
}();

void put_pair(char* p, std::uint32_t two_digits) { std::memcpy(p, kPairs.c + 2 * two_digits, 2); }

// Exactly 8 digits (leading zeros kept), in 32-bit arithmetic.
void put_8(char* p, std::uint32_t v) {
    const std::uint32_t high = v / 10000;
    const std::uint32_t low = v % 10000;
    put_pair(p, high / 100);
    put_pair(p + 2, high % 100);
    put_pair(p + 4, low / 100);
    put_pair(p + 6, low % 100);
}

// 1 to 8 digits, no leading zero: the digits are counted by comparison, not by division.
char* put_up_to_8(char* p, std::uint32_t v) {
    const int digits = v < 10           ? 1
                       : v < 100        ? 2
                       : v < 1000       ? 3
                       : v < 10000      ? 4
                       : v < 100000     ? 5
                       : v < 1000000    ? 6
                       : v < 10000000   ? 7
                                        : 8;
    char* const end = p + digits;
    char* q = end;
    while (v >= 100) {
        q -= 2;
        put_pair(q, v % 100);
        v /= 100;
    }
    if (v >= 10) {
        put_pair(q - 2, v);
    } else {
        q[-1] = static_cast<char>('0' + v);
    }
    return end;
}

}  // namespace

char* write_decimal(char* p, std::int64_t v) noexcept {
    constexpr std::uint64_t k1e8 = 100000000;
    if (v < 0 || static_cast<std::uint64_t>(v) >= k1e8 * k1e8) {
        // Negative or 17+ digits: rare here, left to the library.
        return std::to_chars(p, p + kMaxDecimalChars, v).ptr;
    }
    const auto u = static_cast<std::uint64_t>(v);
    if (u < k1e8) return put_up_to_8(p, static_cast<std::uint32_t>(u));
    p = put_up_to_8(p, static_cast<std::uint32_t>(u / k1e8));
    put_8(p, static_cast<std::uint32_t>(u % k1e8));
    return p + 8;
}

}  // namespace pipeline
