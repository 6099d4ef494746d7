// The gateway's heartbeats (README "Heartbeats"), read back from a real broker: one record per raw
// partition per interval, marked by a header, saying "not quiet" for the reconnect grace after a
// start and "quiet" after it; none after the linger without events, again after an event; never
// counted as events.
#include <regex>
#include <set>

#include "gateway_fixture.hpp"
#include "ws_test_client.hpp"

namespace gateway::test {
namespace {

using test_support::http_get;
using test_support::WsTestClient;

struct Heartbeat {
    int partition = 0;
    std::int64_t sent_ms = 0;
    bool quiet = false;
};

std::vector<Heartbeat> heartbeats_of(const std::vector<Record>& records) {
    static const std::regex kValue(
        R"re(^\{"gateway":"[^"]+","sent_ms":(\d+),"quiet":(true|false)\}$)re");
    std::vector<Heartbeat> out;
    for (const auto& r : records) {
        if (!r.heartbeat) continue;
        std::smatch m;
        EXPECT_TRUE(std::regex_match(r.value, m, kValue)) << r.value;
        EXPECT_FALSE(r.has_key) << "a heartbeat has no key";
        if (m.empty()) continue;
        out.push_back({r.partition, std::stoll(m[1]), m[2] == "true"});
    }
    return out;
}

std::string metric(std::uint16_t port, const std::string& name) {
    const auto m = http_get(port, "/metrics");
    if (!m) return "(no /metrics)";
    const std::regex re("\n" + name + " ([0-9]+)");
    std::smatch match;
    return std::regex_search(m->body, match, re) ? match[1].str() : "(missing)";
}

class Heartbeats : public GatewayIT {};

TEST_F(Heartbeats, EveryRawPartitionHearsNotQuietDuringTheReconnectGraceThenQuiet) {
    const auto started_ms = now_ms();
    ASSERT_NO_FATAL_FAILURE(start_gateway({{"GATEWAY_HEARTBEAT_INTERVAL_MS", "200"},
                                           {"GATEWAY_RECONNECT_GRACE_MS", "2000"}}));
    TopicReader reader(bootstrap_, raw_topic_, kRawPartitions, /*heartbeats=*/true);
    const auto beats = heartbeats_of(reader.read_for(4500ms));

    std::set<int> partitions;
    std::map<int, std::int64_t> last_sent;
    bool saw_not_quiet = false, saw_quiet = false;
    for (const auto& b : beats) {
        partitions.insert(b.partition);
        EXPECT_GE(b.sent_ms, started_ms);
        if (last_sent.count(b.partition)) {
            EXPECT_GT(b.sent_ms, last_sent[b.partition]) << "in order";
        }
        last_sent[b.partition] = b.sent_ms;
        if (b.sent_ms < started_ms + 1500) {
            EXPECT_FALSE(b.quiet) << "within the grace at " << b.sent_ms;
        }
        saw_not_quiet |= !b.quiet;
        saw_quiet |= b.quiet;
    }
    EXPECT_EQ(partitions.size(), static_cast<std::size_t>(kRawPartitions)) << "every raw partition";
    EXPECT_TRUE(saw_not_quiet) << "not quiet right after the start";
    EXPECT_TRUE(saw_quiet) << "quiet after the grace";
    EXPECT_EQ(metric(gateway_->port(), "gateway_events_delivered_total"), "0")
        << "heartbeats are no events";
    EXPECT_NE(metric(gateway_->port(), "gateway_heartbeats_delivered_total"), "0");
    EXPECT_EQ(metric(gateway_->port(), "gateway_quiet"), "1");
}

TEST_F(Heartbeats, StopAfterTheLingerWithoutEventsAndComeBackWithOne) {
    ASSERT_NO_FATAL_FAILURE(start_gateway({{"GATEWAY_HEARTBEAT_INTERVAL_MS", "200"},
                                           {"GATEWAY_HEARTBEAT_LINGER_MS", "1000"}}));
    TopicReader reader(bootstrap_, raw_topic_, kRawPartitions, /*heartbeats=*/true);
    const std::size_t early = heartbeats_of(reader.read_for(3000ms)).size();
    EXPECT_GT(early, 0u) << "heartbeats while the linger runs";
    const std::size_t before = heartbeats_of(reader.read_for(1500ms)).size();
    EXPECT_EQ(before, early) << "no heartbeat long after the last event";

    WsTestClient client;
    ASSERT_EQ(client.connect(gateway_->port()), 101);
    ASSERT_TRUE(client.send_text(make_event("hb-1", "u1")));
    ASSERT_TRUE(client.read(10s).has_value()) << "no ack";
    const auto records = reader.read_for(1500ms);
    EXPECT_GT(heartbeats_of(records).size(), before) << "an event brings them back";
    std::size_t events = 0;
    for (const auto& r : records) events += !r.heartbeat;
    EXPECT_EQ(events, 1u);
}

}  // namespace
}  // namespace gateway::test
