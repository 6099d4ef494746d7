#pragma once
// A small, fast, fully specified pseudo-random generator (xoshiro256**, seeded through
// splitmix64) with the few distributions the emulator needs. Unlike the <random>
// distributions, every draw here is defined by this code alone, so a seed reproduces the
// same events with any standard library.

#include <cstdint>
#include <string>

namespace pipeline::emulator {

class Rng {
public:
    explicit Rng(std::uint64_t seed);

    std::uint64_t next_u64() {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    // Uniform in [0, 1), 53 bits.
    double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
    // Uniform in (0, 1]: safe for log().
    double uniform_pos() { return 1.0 - uniform(); }
    // Uniform integer in [0, n); n > 0. Unbiased (rejection).
    std::uint64_t below(std::uint64_t n);
    // Uniform integer in [lo, hi].
    std::int64_t between(std::int64_t lo, std::int64_t hi);
    bool chance(double p) { return uniform() < p; }

    double normal();                                  // standard normal (Box-Muller)
    double lognormal(double mu, double sigma);        // exp(N(mu, sigma^2))
    double exponential(double mean);                 // mean > 0
    double pareto(double x_min, double alpha);        // P(X > x) = (x_min / x)^alpha

    // A random RFC 4122 version-4 UUID string (36 characters).
    std::string uuid();
    // The same, written into out[0..36) (no terminator): the load mode patches ids in place.
    void uuid_into(char* out);

    // A new generator whose stream is independent of this one (draws one value).
    Rng split() { return Rng(next_u64()); }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    std::uint64_t state_[4];
};

}  // namespace pipeline::emulator
