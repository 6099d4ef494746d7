#pragma once
// Replay progress on stderr, at most once a second: a \r progress bar when stderr is a
// terminal, else a log line.

#include <chrono>
#include <cstddef>

#include "client_stats.hpp"

namespace pipeline::emulator {

class ProgressLine {
public:
    explicit ProgressLine(std::size_t total);

    // `final` prints regardless of the interval and ends the bar's line.
    void update(const ClientStats& stats, double elapsed_s, bool final = false);

private:
    std::size_t total_;
    bool tty_;
    std::chrono::steady_clock::time_point next_;
};

}  // namespace pipeline::emulator
