#pragma once
// How a run ended, and the process exit code that says so.
//   0 everything sent was acknowledged and accepted
//   1 start-up or fatal error (bad option, unreadable file)        [main]
//   2 the gateway rejected events the emulator considered valid
//   3 replay: unparseable CSV lines were skipped
//   4 events were still unacknowledged at exit (gateway unreachable, drain timeout)
// When several apply, the lowest non-zero code wins; the summary lists all.

#include <cstdint>
#include <string>
#include <vector>

#include "client_stats.hpp"

namespace pipeline::emulator {

inline constexpr int kExitOk = 0;
inline constexpr int kExitStartup = 1;
inline constexpr int kExitRejected = 2;
inline constexpr int kExitBadInput = 3;
inline constexpr int kExitUnacked = 4;

struct RunOutcome {
    std::uint64_t rejected_events = 0;
    std::uint64_t bad_input_lines = 0;
    std::uint64_t unacked_events = 0;
    std::uint64_t unsent_events = 0;  // produced but never handed to the client (stopped)
};

int exit_code(const RunOutcome& outcome);

// The lines the summary prints about rejections (empty when there were none).
std::string describe_rejections(std::uint64_t rejected, const std::vector<RejectedEvent>& kept);

}  // namespace pipeline::emulator
