// bench/connections.sh's client: opens N idle WebSocket connections to the gateway, holds
// them for S seconds (while the script reads the gateway's memory), then exits. Raw sockets
// (tests/support/raw_ws_client), so the client itself costs one fd per connection and no
// event loop. Prints one JSON line: {"connections":N,"upgraded":U,"open_s":T}.
//   idle_connections --port P --connections N --hold-s S
#include <CLI/CLI.hpp>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "raw_ws_client.hpp"

int main(int argc, char** argv) {
    std::uint16_t port = 8080;
    std::size_t connections = 10000;
    unsigned hold_s = 10;
    CLI::App app{"Opens N idle WebSocket connections to the gateway and holds them"};
    app.add_option("--port", port, "the gateway's port on 127.0.0.1");
    app.add_option("--connections", connections, "connections to open")->check(CLI::PositiveNumber);
    app.add_option("--hold-s", hold_s, "seconds to hold them");
    CLI11_PARSE(app, argc, argv);
    // One fd per connection: take the whole hard limit.
    rlimit lim{};
    ::getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
    if (lim.rlim_cur < connections + 32) {
        std::fprintf(stderr, "open file limit %llu is too low for %zu connections\n",
                     static_cast<unsigned long long>(lim.rlim_cur), connections);
        return 1;
    }
    const auto start = std::chrono::steady_clock::now();
    std::vector<test_support::RawWsClient> clients(connections);
    std::size_t upgraded = 0;
    // Waves: the upgrades of a wave are sent before any answer is read.
    constexpr std::size_t kWave = 500;
    const auto p = static_cast<std::uint16_t>(port);
    for (std::size_t first = 0; first < connections; first += kWave) {
        const std::size_t last = std::min(connections, first + kWave);
        for (std::size_t i = first; i < last; ++i) {
            if (clients[i].connect(p)) clients[i].send_all(test_support::RawWsClient::upgrade_request(p));
        }
        for (std::size_t i = first; i < last; ++i) {
            if (clients[i].read_response_status(std::chrono::seconds(60)) == 101) ++upgraded;
        }
    }
    const double open_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("{\"connections\":%zu,\"upgraded\":%zu,\"open_s\":%.3f}\n", connections, upgraded, open_s);
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(hold_s));
    return upgraded == connections ? 0 : 1;
}
