#pragma once
// Writing integers as decimal text, faster than std::to_chars for the numbers the gateway
// writes per event (13-digit epoch milliseconds): libstdc++'s to_chars counts the digits in
// a loop and then divides by 100 a digit pair at a time in 64-bit arithmetic, some 200
// instructions for a timestamp, a sixth of writing a whole event's JSON.

#include <cstddef>
#include <cstdint>

namespace pipeline {

// The most bytes write_decimal writes: "-9223372036854775808".
inline constexpr std::size_t kMaxDecimalChars = 20;

// Writes `v` in decimal (the same bytes as std::to_chars) at `p`, which must have room for
// kMaxDecimalChars bytes; returns the end.
char* write_decimal(char* p, std::int64_t v) noexcept;

}  // namespace pipeline
