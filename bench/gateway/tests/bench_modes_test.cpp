#include "bench_modes.hpp"

#include <gtest/gtest.h>

#include "env_of.hpp"

#include <map>
#include <stdexcept>
#include <string>

namespace gateway::bench {
namespace {

using test::env_of;

TEST(BenchModes, DefaultsAreTheGatewaysOwnBehaviour) {
    const BenchModes m = bench_modes_from_env(env_of({}));
    EXPECT_FALSE(m.noop_sink);
    EXPECT_TRUE(m.parse);
    EXPECT_EQ(m.describe(), "sink=kafka parse=on");
}

TEST(BenchModes, FromEnv) {
    const BenchModes sink_only = bench_modes_from_env(env_of({{"GATEWAY_SINK", "noop"}}));
    EXPECT_TRUE(sink_only.noop_sink);
    EXPECT_TRUE(sink_only.parse);
    const BenchModes both =
        bench_modes_from_env(env_of({{"GATEWAY_SINK", "noop"}, {"GATEWAY_PARSE", "off"}}));
    EXPECT_TRUE(both.noop_sink);
    EXPECT_FALSE(both.parse);
    EXPECT_EQ(both.describe(), "sink=noop parse=off");
}

TEST(BenchModes, BadValuesAreRefused) {
    auto refused = [](std::map<std::string, std::string> vars, const std::string& message) {
        try {
            bench_modes_from_env(env_of(std::move(vars)));
            ADD_FAILURE() << "accepted; expected: " << message;
        } catch (const std::invalid_argument& e) {
            EXPECT_EQ(std::string(e.what()), message);
        }
    };
    refused({{"GATEWAY_SINK", "file"}}, "GATEWAY_SINK must be kafka or noop");
    refused({{"GATEWAY_PARSE", "maybe"}}, "GATEWAY_PARSE must be on or off");
    // Without parsing there are no events for Kafka.
    refused({{"GATEWAY_PARSE", "off"}}, "GATEWAY_PARSE=off needs GATEWAY_SINK=noop");
}

}  // namespace
}  // namespace gateway::bench
