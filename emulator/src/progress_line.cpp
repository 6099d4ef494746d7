#include "progress_line.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace pipeline::emulator {

namespace {
using steady = std::chrono::steady_clock;
constexpr auto kInterval = std::chrono::seconds(1);
constexpr int kWidth = 30;
}  // namespace

ProgressLine::ProgressLine(std::size_t total)
    : total_(total), tty_(::isatty(STDERR_FILENO) == 1), next_(steady::now() + kInterval) {}

void ProgressLine::update(const ClientStats& s, double elapsed_s, bool final) {
    const auto now = steady::now();
    if (!final && now < next_) return;
    next_ = now + kInterval;
    const double rate = elapsed_s > 0 ? static_cast<double>(s.events_accepted) / elapsed_s : 0;
    const double done = total_ ? static_cast<double>(s.events_accepted + s.events_rejected) /
                                     static_cast<double>(total_)
                               : 1.0;
    if (tty_) {
        const int filled = static_cast<int>(std::min(1.0, done) * kWidth);
        fmt::print(stderr, "\r[{:=<{}}{: <{}}] {:5.1f}% sent {} acked {} rejected {} {:.0f} ev/s{}",
                   "", filled, "", kWidth - filled, done * 100.0, s.events_sent,
                   s.events_accepted, s.events_rejected, rate,
                   s.connected ? "   " : " (disconnected)");
        if (final) fmt::print(stderr, "\n");
        std::fflush(stderr);
    } else {
        spdlog::info("replay {:.1f}%: sent {} acked {} rejected {} unacked {} | {:.0f} events/s{}",
                     done * 100.0, s.events_sent, s.events_accepted, s.events_rejected,
                     s.unacked_events, rate, s.connected ? "" : " | DISCONNECTED");
    }
}

}  // namespace pipeline::emulator
