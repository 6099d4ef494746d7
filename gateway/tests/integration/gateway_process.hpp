#pragma once
// Starts the gateway binary as a subprocess on a free port with extra environment, its
// output in a log file; stops it with SIGTERM.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace gateway::test {

std::uint16_t free_port();
// Which program to start: the gateway, or gateway-bench (the gateway with the benchmark
// modes GATEWAY_SINK and GATEWAY_PARSE, bench/gateway/bench_modes.hpp).
enum class GatewayBuild { production, bench };
std::string gateway_binary(GatewayBuild build = GatewayBuild::production);
std::string kafka_bootstrap();

class GatewayProcess {
public:
    explicit GatewayProcess(std::map<std::string, std::string> env,
                            GatewayBuild build = GatewayBuild::production);
    ~GatewayProcess();
    GatewayProcess(const GatewayProcess&) = delete;
    GatewayProcess& operator=(const GatewayProcess&) = delete;

    std::uint16_t port() const { return port_; }
    // Waits until the port answers HTTP at all.
    bool wait_listening(std::chrono::milliseconds timeout);
    // Waits until GET /health gives `status`.
    bool wait_health(int status, std::chrono::milliseconds timeout);
    // SIGTERM, then waits; the exit code, or nullopt when it had to be killed.
    std::optional<int> terminate(std::chrono::milliseconds timeout = std::chrono::seconds(30));
    // Waits for the process to exit by itself; its exit code, or nullopt on timeout.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    std::string log_tail(std::size_t bytes = 4000) const;
    pid_t pid() const { return pid_; }
    // The gateway's resident memory (VmRSS of /proc/PID/status) in KiB, 0 when unknown.
    std::int64_t rss_kib() const;

private:
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    std::string log_path_;
};

}  // namespace gateway::test
