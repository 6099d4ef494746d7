#include "rng.hpp"

#include <cmath>
#include <numbers>

namespace pipeline::emulator {

namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

}  // namespace

Rng::Rng(std::uint64_t seed) {
    for (auto& s : state_) s = splitmix64(seed);
}

std::uint64_t Rng::below(std::uint64_t n) {
    // Rejects the top partial block so every residue is equally likely.
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x = next_u64();
    while (x >= limit) x = next_u64();
    return x % n;
}

std::int64_t Rng::between(std::int64_t lo, std::int64_t hi) {
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    if (span == 0) return static_cast<std::int64_t>(next_u64());  // the full 64-bit range
    return lo + static_cast<std::int64_t>(below(span));
}

double Rng::normal() {
    const double u1 = uniform_pos();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double Rng::lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }

double Rng::exponential(double mean) { return -mean * std::log(uniform_pos()); }

double Rng::pareto(double x_min, double alpha) {
    return x_min * std::pow(uniform_pos(), -1.0 / alpha);
}

std::string Rng::uuid() {
    std::string out(36, '-');
    uuid_into(out.data());
    return out;
}

void Rng::uuid_into(char* out) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::uint64_t hi = next_u64();
    std::uint64_t lo = next_u64();
    hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
    lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
    int pos = 0;
    auto put = [&](std::uint64_t v, int nibbles) {
        for (int i = nibbles - 1; i >= 0; --i) {
            if (pos == 8 || pos == 13 || pos == 18 || pos == 23) out[pos++] = '-';
            out[pos++] = kHex[(v >> (4 * i)) & 0xF];
        }
    };
    put(hi, 16);
    put(lo, 16);
}

}  // namespace pipeline::emulator
