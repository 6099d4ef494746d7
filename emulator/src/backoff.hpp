#pragma once
// Exponential reconnect backoff with "equal jitter": attempt k waits a uniform time in
// [d/2, d] where d = min(max, min x 2^k). reset() after a connection proved healthy.

#include <cstdint>

#include "rng.hpp"

namespace pipeline::emulator {

class Backoff {
public:
    Backoff(std::int64_t min_ms, std::int64_t max_ms, std::uint64_t seed);

    std::int64_t next_delay_ms();
    void reset() { attempt_ = 0; }
    int attempt() const { return attempt_; }

private:
    std::int64_t min_ms_;
    std::int64_t max_ms_;
    int attempt_ = 0;
    Rng rng_;
};

}  // namespace pipeline::emulator
