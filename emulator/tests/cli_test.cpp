// The command line: subcommands, defaults, options after the subcommand, environment
// variables, validation.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli.hpp"

namespace pipeline::emulator {
namespace {

// Parses like main() does; throws what CLI11 or finish_config throw.
Config parse(std::vector<std::string> args) {
    CLI::App app;
    Config config;
    build_cli(app, config);
    args.insert(args.begin(), "emulator");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    app.parse(static_cast<int>(argv.size()), argv.data());
    finish_config(app, config);
    return config;
}

// Sets an environment variable for the scope of one test.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
    ~ScopedEnv() { ::unsetenv(name_); }

private:
    const char* name_;
};

TEST(Cli, NoSubcommandIsSimulateWithTheDefaults) {
    const Config c = parse({});
    EXPECT_EQ(c.mode, Mode::simulate);
    EXPECT_EQ(c.client.url, "ws://127.0.0.1:8080/ws/events");
    EXPECT_EQ(c.simulate.users, 1000u);
    EXPECT_EQ(c.simulate.rate, 50.0);
    EXPECT_FALSE(c.seed.has_value());
}

TEST(Cli, GlobalOptionsMayFollowTheSubcommand) {
    // The form the end-to-end test uses.
    const Config c = parse({"replay", "data.csv", "--url", "ws://gw:9/ws/events", "--disorder-ms",
                            "2000", "--duplicate-rate", "0.1", "--batch", "50", "--seed", "3"});
    EXPECT_EQ(c.mode, Mode::replay);
    EXPECT_EQ(c.replay.file, "data.csv");
    EXPECT_EQ(c.client.url, "ws://gw:9/ws/events");
    EXPECT_EQ(c.replay.disorder_ms, 2000);
    EXPECT_EQ(c.replay.duplicate_rate, 0.1);
    EXPECT_EQ(c.replay.batch, 50u);
    ASSERT_TRUE(c.seed.has_value());
    EXPECT_EQ(*c.seed, 3u);
    EXPECT_EQ(c.load.batch, 50u) << "--batch of replay is not load's";
    EXPECT_EQ(c.replay.max_rate, 0.0) << "no rate cap by default";
    EXPECT_EQ(parse({"replay", "data.csv", "--max-rate", "150"}).replay.max_rate, 150.0);
}

TEST(Cli, EnvironmentVariablesSetOptionsAndTheCommandLineWins) {
    ScopedEnv url("EMULATOR_URL", "ws://from-env:1/x");
    ScopedEnv token("GATEWAY_TOKEN", "t0k");
    ScopedEnv users("EMULATOR_USERS", "77");
    ScopedEnv funnel("EMULATOR_FUNNEL", "0.1,0.2,0.3,0.4,0.5");
    ScopedEnv curve("EMULATOR_DAILY_CURVE", "false");
    const Config c = parse({"simulate", "--users", "88"});
    EXPECT_EQ(c.client.url, "ws://from-env:1/x");
    EXPECT_EQ(c.client.token, "t0k");
    EXPECT_EQ(c.simulate.users, 88u);
    EXPECT_EQ(c.simulate.funnel, (std::array<double, 5>{0.1, 0.2, 0.3, 0.4, 0.5}));
    EXPECT_FALSE(c.simulate.daily_curve);
    EXPECT_EQ(describe(c).find("t0k"), std::string::npos) << "the token is never logged";
}

TEST(Cli, LoadOptions) {
    const Config c = parse({"load", "--connections", "8", "--batch", "10", "--duration", "2.5"});
    EXPECT_EQ(c.mode, Mode::load);
    EXPECT_EQ(c.load.connections, 8u);
    EXPECT_EQ(c.load.batch, 10u);
    EXPECT_EQ(c.load.duration_s, 2.5);
}

TEST(Cli, InvalidValuesAreRejectedAtStartUp) {
    EXPECT_THROW(parse({"--url", "http://x"}), std::invalid_argument);
    EXPECT_THROW(parse({"simulate", "--rate", "0"}), std::invalid_argument);
    EXPECT_THROW(parse({"simulate", "--funnel", "0.5,0.5,0.5,0.5,1.5"}), std::invalid_argument);
    EXPECT_THROW(parse({"simulate", "--think-max", "1800"}), std::invalid_argument);
    EXPECT_THROW(parse({"replay", "f.csv", "--duplicate-rate", "2"}), std::invalid_argument);
    EXPECT_THROW(parse({"replay", "f.csv", "--max-rate", "-1"}), std::invalid_argument);
    EXPECT_THROW(parse({"--window", "0"}), std::invalid_argument);
    EXPECT_THROW(parse({"replay"}), CLI::ParseError);  // FILE is required
    EXPECT_THROW(parse({"simulate", "--funnel", "0.5,0.5"}), CLI::ParseError);
}

}  // namespace
}  // namespace pipeline::emulator
