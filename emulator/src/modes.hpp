#pragma once
// The three modes. Each returns the process exit code (run_outcome.hpp); they throw only
// for start-up problems (unreadable file, bad URL), which main reports as exit code 1.

#include <cstdint>

#include "config.hpp"

namespace pipeline::emulator {

int run_simulate(const Config& config, std::uint64_t seed);
int run_replay(const Config& config, std::uint64_t seed);
int run_load(const Config& config, std::uint64_t seed);

}  // namespace pipeline::emulator
