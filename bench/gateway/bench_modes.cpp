#include "bench_modes.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace gateway::bench {

std::string BenchModes::describe() const {
    return fmt::format("sink={} parse={}", noop_sink ? "noop" : "kafka", parse ? "on" : "off");
}

BenchModes bench_modes_from_env(const EnvLookup& env) {
    const std::string sink = env("GATEWAY_SINK").value_or("kafka");
    const std::string parse = env("GATEWAY_PARSE").value_or("on");
    if (sink != "kafka" && sink != "noop") {
        throw std::invalid_argument("GATEWAY_SINK must be kafka or noop");
    }
    if (parse != "on" && parse != "off") {
        throw std::invalid_argument("GATEWAY_PARSE must be on or off");
    }
    // Without parsing there are no events to write: only the no-op sink can take that.
    if (parse == "off" && sink != "noop") {
        throw std::invalid_argument("GATEWAY_PARSE=off needs GATEWAY_SINK=noop");
    }
    return BenchModes{sink == "noop", parse == "on"};
}

const BenchModes& modes() {
    static const BenchModes loaded = bench_modes_from_env(process_env());
    return loaded;
}

}  // namespace gateway::bench
