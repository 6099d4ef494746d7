#pragma once
// One simulated user: stable traits drawn when the user joins the population.

#include <cstdint>
#include <string>

namespace pipeline::emulator {

struct SimUser {
    std::string id;                     // "user-000042"
    std::string device;                 // "desktop", "mobile" or "tablet"
    std::uint32_t favorite_category = 1;
    std::int64_t last_event_ms = -1;    // end of the user's latest session, -1 before any
    std::uint32_t sessions = 0;
};

}  // namespace pipeline::emulator
