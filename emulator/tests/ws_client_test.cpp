// The at-least-once client against the in-test WebSocket server (test_ws_server.hpp).
// Timing is generous: the assertions are about what was sent and acked, never how fast.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "io_runner.hpp"
#include "out_message.hpp"
#include "run_outcome.hpp"
#include "test_ws_server.hpp"
#include "ws_client.hpp"

namespace pipeline::emulator {
namespace {

using namespace std::chrono_literals;
using testing::TestServerOptions;
using testing::TestWsServer;
using Ids = std::vector<std::string>;

OutMessage message_of(std::size_t m, std::size_t events) {
    std::vector<Event> batch;
    for (std::size_t e = 0; e < events; ++e) {
        Event& event = batch.emplace_back();
        event.event_id = fmt::format("m{}-e{}", m, e);
        event.user_id = "u1";
        event.type = "page_view";
        event.ts_ms = 1'700'000'000'000;
        event.page = "/";
    }
    return make_message(batch);
}

ClientConfig fast_config(const std::string& url, std::size_t window) {
    ClientConfig c;
    c.url = url;
    c.window = window;
    c.reconnect_min_ms = 10;
    c.reconnect_max_ms = 200;
    c.connect_timeout_ms = 5000;
    return c;
}

// Sends `messages` messages of `events` events each; returns the ids, message by message.
std::vector<Ids> send_all(WsClient& client, std::size_t messages, std::size_t events) {
    std::vector<Ids> sent;
    for (std::size_t m = 0; m < messages; ++m) {
        OutMessage message = message_of(m, events);
        sent.push_back(message.event_ids);
        EXPECT_TRUE(client.try_send(message, 30s)) << "message " << m;
    }
    return sent;
}

// The properties of at-least-once delivery with in-order acks, whatever the drops were:
// - the messages acked, connection after connection, are exactly the sent ones in order;
// - every connection after the first starts with the first message not yet acked, so a
//   reconnect resends exactly the unacked messages, in order, with the same event_ids;
// - no message acked before is sent again.
void expect_at_least_once(const TestWsServer& server, const std::vector<Ids>& sent) {
    const auto received = server.received();
    const auto acked = server.acked_messages();
    ASSERT_EQ(received.size(), acked.size());
    std::size_t next_unacked = 0;
    for (std::size_t c = 0; c < received.size(); ++c) {
        ASSERT_LE(acked[c], received[c].size());
        for (std::size_t i = 0; i < received[c].size(); ++i) {
            ASSERT_LT(next_unacked + i, sent.size()) << "connection " << c << " message " << i;
            EXPECT_EQ(received[c][i], sent[next_unacked + i]) << "connection " << c << " message " << i;
        }
        next_unacked += acked[c];
    }
    EXPECT_EQ(next_unacked, sent.size());
    const auto accepted = server.accepted_events();
    for (const auto& ids : sent) {
        for (const auto& id : ids) EXPECT_GE(accepted.count(id) ? accepted.at(id) : 0, 1) << id;
    }
}

TEST(WsClient, ReconnectsAndResendsExactlyTheUnackedMessages) {
    TestServerOptions options;
    // Connection 0: acks 3 messages, reads 2 more without acking, drops TCP.
    // Connection 1: acks 4 messages, then drops. Connection 2: acks everything.
    options.drops = {{.acks = 3, .unacked_reads = 2}, {.acks = 4, .unacked_reads = 0}};
    TestWsServer server(options);
    IoRunner io(1);
    WsClient client(io.context(), fast_config(server.url(), 8), "test");
    client.start();

    const auto sent = send_all(client, 30, 5);
    ASSERT_TRUE(client.wait_idle(60s));
    const ClientStats s = client.stats();
    client.stop();

    EXPECT_EQ(s.messages_acked, 30u);
    EXPECT_EQ(s.events_accepted, 150u);
    EXPECT_EQ(s.events_rejected, 0u);
    EXPECT_EQ(s.unacked_events, 0u);
    EXPECT_EQ(s.connects, 3u);
    EXPECT_EQ(s.disconnects, 2u);
    EXPECT_GE(s.messages_resent, 2u);  // at least the two read-but-unacked ones

    const auto received = server.received();
    ASSERT_EQ(received.size(), 3u);
    ASSERT_GE(received[0].size(), 5u);
    // The two messages connection 0 read but never acked come first on connection 1.
    ASSERT_GE(received[1].size(), 2u);
    EXPECT_EQ(received[1][0], received[0][3]);
    EXPECT_EQ(received[1][1], received[0][4]);
    EXPECT_EQ(received[1][0], sent[3]);
    expect_at_least_once(server, sent);
    EXPECT_EQ(exit_code(RunOutcome{.rejected_events = s.events_rejected,
                                   .unacked_events = s.unacked_events}),
              kExitOk);
}

TEST(WsClient, ReconnectsAfterAWebSocketCloseFrame) {
    TestServerOptions options;
    options.drops = {{.acks = 2, .unacked_reads = 1, .graceful = true}};
    TestWsServer server(options);
    IoRunner io(1);
    WsClient client(io.context(), fast_config(server.url(), 4), "test");
    client.start();

    const auto sent = send_all(client, 12, 3);
    ASSERT_TRUE(client.wait_idle(60s));
    const ClientStats s = client.stats();
    EXPECT_EQ(s.events_accepted, 36u);
    EXPECT_EQ(s.connects, 2u);
    expect_at_least_once(server, sent);
}

TEST(WsClient, AWrongAckNumberIsAProtocolErrorAndTheMessageIsResent) {
    TestServerOptions options;
    options.wrong_ack_at = 2;
    TestWsServer server(options);
    IoRunner io(1);
    WsClient client(io.context(), fast_config(server.url(), 1), "test");
    client.start();

    const auto sent = send_all(client, 4, 2);
    ASSERT_TRUE(client.wait_idle(60s));
    const ClientStats s = client.stats();
    EXPECT_GE(s.protocol_errors, 1u);
    EXPECT_EQ(s.connects, 2u);
    EXPECT_EQ(s.messages_acked, 4u);
    const auto received = server.received();
    ASSERT_EQ(received.size(), 2u);
    // With a window of 1, connection 0 saw messages 0 and 1; message 1 (badly acked) is
    // the first one on connection 1.
    ASSERT_EQ(received[0].size(), 2u);
    EXPECT_EQ(received[1].front(), sent[1]);
    const auto accepted = server.accepted_events();
    for (const auto& ids : sent) {
        for (const auto& id : ids) EXPECT_GE(accepted.count(id), 1u) << id;
    }
}

TEST(WsClient, RejectedValidEventsAreReportedAndFailTheRun) {
    TestServerOptions options;
    options.reject_ids = {"m1-e2", "m4-e0"};
    TestWsServer server(options);
    IoRunner io(1);
    WsClient client(io.context(), fast_config(server.url(), 8), "test");
    client.start();

    send_all(client, 6, 4);
    ASSERT_TRUE(client.wait_idle(60s));
    const ClientStats s = client.stats();
    EXPECT_EQ(s.events_rejected, 2u);
    EXPECT_EQ(s.events_accepted, 22u);
    const auto rejections = client.rejections();
    ASSERT_EQ(rejections.size(), 2u);
    EXPECT_EQ(rejections[0].event_id, "m1-e2");
    EXPECT_EQ(rejections[0].index, 2);
    EXPECT_EQ(rejections[0].reason, "test: rejected m1-e2");
    EXPECT_EQ(rejections[1].event_id, "m4-e0");

    const RunOutcome outcome{.rejected_events = s.events_rejected};
    EXPECT_EQ(exit_code(outcome), kExitRejected);
    const std::string report = describe_rejections(s.events_rejected, rejections);
    EXPECT_NE(report.find("m1-e2"), std::string::npos);
    EXPECT_NE(report.find("test: rejected m4-e0"), std::string::npos);
}

TEST(WsClient, SendsTheBearerToken) {
    TestWsServer server(TestServerOptions{});
    IoRunner io(1);
    ClientConfig config = fast_config(server.url(), 4);
    config.token = "s3cret";
    WsClient client(io.context(), config, "test");
    client.start();
    send_all(client, 1, 1);
    ASSERT_TRUE(client.wait_idle(60s));
    EXPECT_EQ(server.authorization(), "Bearer s3cret");
}

TEST(WsClient, ARefusedUpgradeIsRetriedAndNothingIsAcked) {
    TestServerOptions options;
    options.require_token = "right";
    TestWsServer server(options);
    IoRunner io(1);
    ClientConfig config = fast_config(server.url(), 4);
    config.token = "wrong";
    WsClient client(io.context(), config, "test");
    client.start();
    send_all(client, 2, 2);
    EXPECT_FALSE(client.wait_idle(500ms));
    const ClientStats s = client.stats();
    EXPECT_EQ(s.connects, 0u);
    EXPECT_EQ(s.unacked_events, 4u);
    EXPECT_GE(server.received().size(), 2u) << "it kept trying";
    EXPECT_EQ(server.authorization(), "Bearer wrong");
}

TEST(WsClient, AProducerOnAFullWindowIsWokenOncePerEighthOfTheWindowNotPerAck) {
    TestWsServer server(TestServerOptions{});
    IoRunner io(1);
    constexpr std::size_t kWindow = 32;  // woken when 4 slots are free
    constexpr std::size_t kMessages = 1000;
    WsClient client(io.context(), fast_config(server.url(), kWindow), "test");
    std::vector<OutMessage> messages;
    for (std::size_t m = 0; m < kMessages; ++m) messages.push_back(message_of(m, 1));
    // The window is full before the client connects, so the producer waits at least once.
    for (std::size_t m = 0; m < kWindow; ++m) ASSERT_TRUE(client.try_send(messages[m], 1s));
    std::thread starter([&] {
        std::this_thread::sleep_for(100ms);
        client.start();
    });
    for (std::size_t m = kWindow; m < kMessages; ++m) {
        ASSERT_TRUE(client.try_send(messages[m], 30s)) << m;
    }
    starter.join();
    ASSERT_TRUE(client.wait_idle(60s));
    const ClientStats s = client.stats();
    client.stop();
    EXPECT_EQ(s.messages_acked, kMessages);
    EXPECT_GE(s.room_wakeups, 1u);
    // Each wake-up after the first needs the producer to have refilled 4 slots first.
    EXPECT_LE(s.room_wakeups, 1 + kMessages / (kWindow / 8)) << "woken per ack";
}

TEST(WsClient, WithTheGatewayDownTheWindowBoundsWhatIsQueuedAndNothingIsLost) {
    std::string url;
    {
        TestWsServer gone(TestServerOptions{});
        url = gone.url();  // a port nobody listens on any more
    }
    IoRunner io(1);
    WsClient client(io.context(), fast_config(url, 2), "test");
    client.start();
    OutMessage a = message_of(0, 3);
    OutMessage b = message_of(1, 3);
    OutMessage c = message_of(2, 3);
    EXPECT_TRUE(client.try_send(a, 1s));
    EXPECT_TRUE(client.try_send(b, 1s));
    EXPECT_FALSE(client.try_send(c, 300ms));  // window full: back-pressure
    EXPECT_EQ(c.event_ids.size(), 3u);         // not taken
    EXPECT_FALSE(client.wait_idle(300ms));
    const ClientStats s = client.stats();
    EXPECT_EQ(s.unacked_messages, 2u);
    EXPECT_EQ(s.unacked_events, 6u);
    EXPECT_FALSE(s.connected);
    EXPECT_EQ(exit_code(RunOutcome{.unacked_events = s.unacked_events}), kExitUnacked);
    client.stop();
    EXPECT_FALSE(client.try_send(c, 10ms));
}

}  // namespace
}  // namespace pipeline::emulator
