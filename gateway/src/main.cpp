// gateway: WebSocket -> Kafka. Configuration from the environment, overridden by flags
// (gateway --help). Exceptions are only for start-up; they end here with exit code 1.
// gateway-bench is this program built with GATEWAY_BENCH_MODES (bench/gateway/bench_modes.hpp).
#include <spdlog/spdlog.h>

#include <exception>

#include "common/message_parser.hpp"
#include "config.hpp"
#include "fd_limit.hpp"
#include "malloc_tuning.hpp"
#include "server.hpp"
#ifdef GATEWAY_BENCH_MODES
#include "bench_modes.hpp"
#endif

int main(int argc, char** argv) {
    try {
        gateway::Config config = gateway::config_from_env(gateway::process_env());
        if (const auto code = gateway::apply_command_line(config, argc, argv)) return *code;
        config.resolve();
        config.validate();
        spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z level=%l component=gateway %v");
        spdlog::set_level(spdlog::level::from_str(config.log_level));
        spdlog::info("config {}", config.describe());
        spdlog::info("json parser simdjson implementation={}", pipeline::json_parser_implementation());
        if (!gateway::tune_malloc()) spdlog::info("malloc thresholds left as they were");
        const auto fds = gateway::raise_fd_limit();
        spdlog::info("open file limit soft={} (was {}) hard={}", fds.soft, fds.before, fds.hard);
        if (fds.soft < config.max_connections + 64) {
            spdlog::warn("open file limit {} is below GATEWAY_MAX_CONNECTIONS={} (+64): accepts "
                         "fail with EMFILE before the connection limit is reached",
                         fds.soft, config.max_connections);
        }
#ifdef GATEWAY_BENCH_MODES
        const auto& bench = gateway::bench::modes();
        spdlog::warn("BENCHMARK MODE (gateway-bench) {}: {}{}NOT FOR PRODUCTION", bench.describe(),
                     bench.noop_sink ? "events are acknowledged but written NOWHERE; " : "",
                     bench.parse ? "" : "messages are acknowledged UNREAD; ");
#endif
        gateway::Server server(std::move(config));
        return server.run();
    } catch (const std::exception& e) {
        spdlog::critical("startup failed error=\"{}\"", e.what());
        return 1;
    }
}
