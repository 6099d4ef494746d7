#pragma once
// Wall-clock time in epoch milliseconds, behind an interface so the behaviour model and its
// tests can run on a clock they control.

#include <chrono>
#include <cstdint>

namespace pipeline::emulator {

class Clock {
public:
    virtual ~Clock() = default;
    virtual std::int64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
public:
    std::int64_t now_ms() const override {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

// The wall clock, `offset_ms` earlier (simulate's warm-up starts the model in the past).
class ShiftedClock final : public Clock {
public:
    explicit ShiftedClock(std::int64_t offset_ms) : offset_ms_(offset_ms) {}
    std::int64_t now_ms() const override { return SystemClock().now_ms() - offset_ms_; }

private:
    std::int64_t offset_ms_;
};

}  // namespace pipeline::emulator
