#pragma once
// The two settings only gateway-bench has (bench/gateway/CMakeLists.txt). They take the gateway
// apart for the gateway-overhead and connections benchmarks:
//   GATEWAY_SINK=noop   every record counts as delivered the moment it is produced, so the
//                       gateway's own cost is measured without a broker;
//   GATEWAY_PARSE=off   each message is acknowledged as one accepted event, unread: the
//                       WebSocket loop alone, the baseline that parsing is compared with.
// The production gateway is built without them (gateway/CMakeLists.txt), so no setting can
// make it acknowledge events it does not write.

#include <string>

#include "config.hpp"

namespace gateway::bench {

struct BenchModes {
    bool noop_sink = false;  // GATEWAY_SINK: kafka | noop
    bool parse = true;       // GATEWAY_PARSE: on | off (off needs GATEWAY_SINK=noop)

    // "sink=noop parse=off"
    std::string describe() const;
};

// Reads GATEWAY_SINK and GATEWAY_PARSE. Throws std::invalid_argument naming the bad setting.
BenchModes bench_modes_from_env(const EnvLookup& env);

// The process's modes, read from its environment once, on first use (main() makes that
// first use at start-up, so a bad value stops the gateway there).
const BenchModes& modes();

}  // namespace gateway::bench
