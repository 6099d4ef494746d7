// The benchmark modes are gateway-bench's alone. gateway-bench with GATEWAY_SINK=noop or
// GATEWAY_PARSE=off needs no broker: it is started against a port where nothing listens. The
// gateway itself ignores both variables and writes to Kafka, so no setting makes it
// acknowledge events it does not write.

#include <gtest/gtest.h>

#include <thread>

#include "gateway_fixture.hpp"
#include "gateway_process.hpp"
#include "latency_probe.hpp"
#include "ws_test_client.hpp"

namespace gateway::test {
namespace {

using test_support::WsTestClient;

std::string dead_broker() { return "127.0.0.1:" + std::to_string(free_port()); }

TEST(BenchModesIT, NoopSinkAcksAtOnceWithoutABroker) {
    GatewayProcess gw({{"KAFKA_BOOTSTRAP", dead_broker()}, {"GATEWAY_SINK", "noop"}},
                      GatewayBuild::bench);
    ASSERT_TRUE(gw.wait_listening(60s)) << gw.log_tail();
    ASSERT_TRUE(gw.wait_health(200, 30s)) << gw.log_tail();
    WsTestClient client;
    ASSERT_EQ(client.connect(gw.port()), 101);
    ASSERT_TRUE(client.send_text(batch({make_event("n1", "u"), make_event("n2", "u"), "{}"})));
    EXPECT_EQ(client.read(30s),
              R"({"ack":1,"accepted":2,"rejected":[{"index":2,"reason":"missing_field:event_id"}]})");
    EXPECT_EQ(metric_value(gw.port(), "gateway_events_delivered_total"), 2);
    EXPECT_EQ(metric_value(gw.port(), "gateway_deadletters_delivered_total"), 1);
    EXPECT_NE(gw.log_tail(100000).find("BENCHMARK MODE (gateway-bench) sink=noop parse=on"),
              std::string::npos);
}

TEST(BenchModesIT, ParseOffAcksEachMessageAsOneEventUnread) {
    GatewayProcess gw({{"KAFKA_BOOTSTRAP", dead_broker()},
                       {"GATEWAY_SINK", "noop"},
                       {"GATEWAY_PARSE", "off"}},
                      GatewayBuild::bench);
    ASSERT_TRUE(gw.wait_health(200, 60s)) << gw.log_tail();
    WsTestClient client;
    ASSERT_EQ(client.connect(gw.port()), 101);
    ASSERT_TRUE(client.send_text("not json at all"));
    EXPECT_EQ(client.read(30s), R"({"ack":1,"accepted":1,"rejected":[]})");
    ASSERT_TRUE(client.send_text(make_event("p1", "u")));
    EXPECT_EQ(client.read(30s), R"({"ack":2,"accepted":1,"rejected":[]})");
    EXPECT_EQ(metric_value(gw.port(), "gateway_events_accepted_total"), 2);
    EXPECT_EQ(metric_value(gw.port(), "gateway_events_delivered_total"), 0);
}

TEST(BenchModesIT, ParseOffWithTheKafkaSinkIsRefusedAtStartup) {
    GatewayProcess gw(std::map<std::string, std::string>{{"GATEWAY_PARSE", "off"}},
                      GatewayBuild::bench);
    EXPECT_EQ(gw.wait_exit(30s), std::optional<int>(1));
    EXPECT_NE(gw.log_tail().find("GATEWAY_PARSE=off needs GATEWAY_SINK=noop"), std::string::npos)
        << gw.log_tail();
}

// The production gateway has neither mode: with both variables set and no broker it parses,
// finds Kafka unreachable (/health 503) and acknowledges nothing it cannot write.
TEST(BenchModesIT, TheGatewayHasNoBenchmarkModes) {
    GatewayProcess gw({{"KAFKA_BOOTSTRAP", dead_broker()},
                       {"GATEWAY_SINK", "noop"},
                       {"GATEWAY_PARSE", "off"}});
    ASSERT_TRUE(gw.wait_listening(60s)) << gw.log_tail();
    ASSERT_TRUE(gw.wait_health(503, 30s)) << gw.log_tail();
    EXPECT_EQ(gw.log_tail(100000).find("BENCHMARK MODE"), std::string::npos) << gw.log_tail();
    EXPECT_EQ(gw.log_tail(100000).find("sink="), std::string::npos) << gw.log_tail();
}

}  // namespace
}  // namespace gateway::test
