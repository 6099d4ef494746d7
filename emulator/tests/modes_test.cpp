// The three modes end to end against the in-test WebSocket server: what reaches the
// "gateway", the summaries and the exit codes.

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>

#include "modes.hpp"
#include "run_outcome.hpp"
#include "test_ws_server.hpp"

namespace pipeline::emulator {
namespace {

using testing::TestServerOptions;
using testing::TestWsServer;

const std::string kSample = std::string(EMULATOR_TESTDATA_DIR) + "/taobao-user-behavior-sample.csv";

Config config_for(const TestWsServer& server) {
    Config c;
    c.client.url = server.url();
    c.client.reconnect_min_ms = 10;
    c.client.reconnect_max_ms = 200;
    c.drain_timeout_s = 30;
    return c;
}

std::set<std::string> all_received_ids(const TestWsServer& server) {
    std::set<std::string> ids;
    for (const auto& connection : server.received()) {
        for (const auto& message : connection) ids.insert(message.begin(), message.end());
    }
    return ids;
}

TEST(Modes, ReplayOfTheSampleThroughDropsDeliversEveryEvent) {
    TestServerOptions options;
    options.drops = {{.acks = 5, .unacked_reads = 3}, {.acks = 10, .unacked_reads = 0}};
    TestWsServer server(options);
    Config c = config_for(server);
    c.mode = Mode::replay;
    c.replay.file = kSample;
    c.replay.batch = 50;
    c.replay.disorder_ms = 2000;
    c.replay.duplicate_rate = 0.1;
    ::testing::internal::CaptureStdout();
    const int code = run_replay(c, 1);
    const std::string out = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(code, kExitOk) << out;
    EXPECT_NE(out.find("events read       4321"), std::string::npos) << out;
    EXPECT_NE(out.find("unacknowledged    0"), std::string::npos) << out;
    const auto accepted = server.accepted_events();
    EXPECT_EQ(accepted.size(), 4321u);
    EXPECT_EQ(accepted.count("taobao-user-behavior-sample.csv:1"), 1u);
    EXPECT_EQ(accepted.count("taobao-user-behavior-sample.csv:4321"), 1u);
    EXPECT_EQ(server.received().size(), 3u);
}

TEST(Modes, ReplayWithMaxRateIsPacedAndStillDeliversEverything) {
    // A file of 40 rows within one second: unpaced it goes out in one message at once;
    // at --max-rate 100 the 40 events take at least 0.39 s, in several messages.
    const std::string csv = ::testing::TempDir() + "/paced.csv";
    {
        std::ofstream out(csv);
        for (int i = 0; i < 40; ++i) out << "u" << i % 3 << "," << i << ",7,pv,1511544070\n";
    }
    TestWsServer server(TestServerOptions{});
    Config c = config_for(server);
    c.mode = Mode::replay;
    c.replay.file = csv;
    c.replay.max_rate = 100;
    ::testing::internal::CaptureStdout();
    const auto started = std::chrono::steady_clock::now();
    const int code = run_replay(c, 1);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const std::string out = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(code, kExitOk) << out;
    EXPECT_EQ(server.accepted_events().size(), 40u);
    EXPECT_GE(took, 0.39);
    ASSERT_EQ(server.received().size(), 1u);
    EXPECT_GE(server.received()[0].size(), 4u) << "paced events leave in several messages";
}

TEST(Modes, ReplayExitsWith2WhenTheGatewayRejectsAnEvent) {
    TestServerOptions options;
    options.reject_ids = {"taobao-user-behavior-sample.csv:17"};
    TestWsServer server(options);
    Config c = config_for(server);
    c.replay.file = kSample;
    ::testing::internal::CaptureStdout();
    const int code = run_replay(c, 1);
    const std::string out = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(code, kExitRejected);
    EXPECT_NE(out.find("taobao-user-behavior-sample.csv:17"), std::string::npos) << out;
    EXPECT_NE(out.find("test: rejected"), std::string::npos) << out;
}

TEST(Modes, ReplayExitsWith3ForBadLinesButSendsTheRest) {
    TestWsServer server(TestServerOptions{});
    const std::string path = ::testing::TempDir() + "emulator_bad_lines.csv";
    {
        std::ofstream f(path);
        f << "1,2,3,pv,1511544070\nnot,a,row\n2,3,4,buy,1511544071\n";
    }
    Config c = config_for(server);
    c.replay.file = path;
    ::testing::internal::CaptureStdout();
    const int code = run_replay(c, 1);
    const std::string out = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(code, kExitBadInput);
    EXPECT_NE(out.find("bad line 2"), std::string::npos) << out;
    const auto ids = all_received_ids(server);
    EXPECT_EQ(ids, (std::set<std::string>{"emulator_bad_lines.csv:1", "emulator_bad_lines.csv:3"}));
}

TEST(Modes, SimulateSendsValidLiveEventsForItsDuration) {
    TestWsServer server(TestServerOptions{});
    Config c = config_for(server);
    c.simulate.duration_s = 2;
    c.simulate.warmup_s = 120;
    c.simulate.rate = 40;
    c.simulate.progress_s = 1;
    ::testing::internal::CaptureStdout();
    const int code = run_simulate(c, 7);
    const std::string out = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(code, kExitOk) << out;
    const auto ids = all_received_ids(server);
    EXPECT_GT(ids.size(), 10u) << "the warm-up means events flow from the start";
    EXPECT_EQ(server.accepted_events().size(), ids.size());
    EXPECT_NE(out.find("simulate summary"), std::string::npos);
}

TEST(Modes, LoadPrintsItsFiguresAsAJsonLine) {
    TestWsServer server(TestServerOptions{});
    Config c = config_for(server);
    c.load.connections = 2;
    c.load.batch = 20;
    c.load.duration_s = 1;
    ::testing::internal::CaptureStdout();
    const int code = run_load(c, 3);
    const std::string out = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(code, kExitOk) << out;
    EXPECT_NE(out.find("{\"mode\":\"load\",\"connections\":2,\"batch\":20,"), std::string::npos) << out;
    EXPECT_NE(out.find("\"latency_ms\":{\"p50\":"), std::string::npos) << out;
    EXPECT_EQ(server.received().size(), 2u);
    EXPECT_GT(server.accepted_events().size(), 100u);
}

}  // namespace
}  // namespace pipeline::emulator
