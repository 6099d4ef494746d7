#pragma once
// The command line (CLI11): subcommands simulate (the default), replay FILE and load; every
// option can also come from an environment variable (listed in --help and the README).

#include <cstdint>
#include <string>

#include "config.hpp"

namespace CLI {
class App;
}

namespace pipeline::emulator {

// Declares every option, bound to the fields of `config`.
void build_cli(CLI::App& app, Config& config);

// After parsing: picks the mode and validates. Throws std::invalid_argument.
void finish_config(const CLI::App& app, Config& config);

// One line for the log, the token hidden.
std::string describe(const Config& config);

}  // namespace pipeline::emulator
