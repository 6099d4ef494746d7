// emulator: simulated users, dataset replay and load against the gateway (contract sections 2, 3, 7).
// Summary on stdout, progress and logs on stderr. Exit codes: run_outcome.hpp.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <random>

#include "cli.hpp"
#include "config.hpp"
#include "modes.hpp"
#include "run_outcome.hpp"

int main(int argc, char** argv) {
    namespace em = pipeline::emulator;
    spdlog::set_default_logger(spdlog::stderr_color_mt("emulator"));
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");

    CLI::App app;
    em::Config config;
    em::build_cli(app, config);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    try {
        em::finish_config(app, config);
        const auto level = spdlog::level::from_str(config.log_level);
        spdlog::set_level(level);
        const std::uint64_t seed =
            config.seed ? *config.seed
                        : (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^
                              std::random_device{}();
        spdlog::info("emulator {}{}", em::describe(config),
                     config.seed ? "" : fmt::format(" (seed {}: pass --seed to reproduce)", seed));
        switch (config.mode) {
            case em::Mode::simulate: return em::run_simulate(config, seed);
            case em::Mode::replay: return em::run_replay(config, seed);
            case em::Mode::load: return em::run_load(config, seed);
        }
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return em::kExitStartup;
    }
    return em::kExitStartup;
}
