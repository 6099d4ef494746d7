// bench/connections.sh's client: opens N idle WebSocket connections to the gateway, holds
// them for S seconds (while the script reads the gateway's memory), then exits. Raw sockets
// (tests/support/raw_ws_client), so the client itself costs one fd per connection and no
// event loop. Prints one JSON line: {"connections":N,"upgraded":U,"open_s":T}.
//   idle_connections --port P --connections N --hold-s S
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
    unsigned port = 8080;
    std::size_t connections = 10000;
    unsigned hold_s = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--port") port = std::strtoul(argv[i + 1], nullptr, 10);
        else if (flag == "--connections") connections = std::strtoul(argv[i + 1], nullptr, 10);
        else if (flag == "--hold-s") hold_s = std::strtoul(argv[i + 1], nullptr, 10);
        else {
            std::fprintf(stderr, "usage: %s --port P --connections N --hold-s S\n", argv[0]);
            return 2;
        }
    }
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
