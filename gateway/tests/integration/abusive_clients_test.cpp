// Abusive and broken clients against the real gateway binary and a real broker: oversized and
// lying frame headers, fragments, binary messages, deep nesting, slow-loris handshakes, a
// client that never reads, silent connections, 10k idle connections, requests without the
// token. Each test checks the exact error the client gets, that the gateway keeps serving a
// well-behaved client meanwhile (LatencyProbe: generous latency bounds, printed), and where
// it matters that the gateway's memory stays bounded. No assertion is a tight timing.

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "fd_limit.hpp"
#include "gateway_fixture.hpp"
#include "latency_probe.hpp"
#include "raw_ws_client.hpp"
#include "ws_test_client.hpp"

namespace gateway::test {
namespace {

using test_support::http_get;
using test_support::RawWsClient;
using test_support::WsTestClient;

constexpr double kP99BoundMs = 2000;  // generous: 2 shared cores, ASan build

std::string ack(int n, int accepted, const std::string& rejected = "") {
    return R"({"ack":)" + std::to_string(n) + R"(,"accepted":)" + std::to_string(accepted) +
           R"(,"rejected":[)" + rejected + "]}";
}

std::string whole(const char* reason) {
    return std::string(R"({"index":-1,"reason":")") + reason + "\"}";
}

void expect_probe_ok(const LatencySummary& s, const char* during) {
    std::cout << "[ well-behaved client during " << during << " ] " << s.describe() << std::endl;
    EXPECT_GE(s.acks, 1u) << during;
    EXPECT_EQ(s.failures, 0u) << during;
    EXPECT_LT(s.p99_ms, kP99BoundMs) << during;
}

bool metric_reaches(std::uint16_t port, const std::string& name, double value) {
    for (int i = 0; i < 300; ++i) {
        if (metric_value(port, name) >= value) return true;
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

class AbuseIT : public GatewayIT {
protected:
    RawWsClient open_raw() {
        RawWsClient c;
        EXPECT_TRUE(c.connect(gateway_->port()));
        EXPECT_EQ(c.handshake(gateway_->port()), 101);
        return c;
    }
};

// A frame header announcing 1 TiB: closed with 1009 at once, nothing allocated for it.
// Between GATEWAY_MAX_MESSAGE_BYTES and GATEWAY_MAX_DISCARD_BYTES a message is read and
// discarded (message_too_large) and the connection lives.
TEST_F(AbuseIT, HugeFrameHeaderClosesWith1009WithoutReadingIt) {
    start_gateway({{"GATEWAY_MAX_MESSAGE_BYTES", "4096"}, {"GATEWAY_MAX_DISCARD_BYTES", "1048576"}});
    LatencyProbe probe(gateway_->port());
    const auto rss_before = gateway_->rss_kib();
    std::vector<RawWsClient> liars;
    for (int i = 0; i < 20; ++i) {
        liars.push_back(open_raw());
        ASSERT_TRUE(liars.back().send_all(
            RawWsClient::frame(RawWsClient::text, std::string(1000, 'x'), true, 1ull << 40)));
    }
    for (auto& c : liars) {
        EXPECT_TRUE(c.wait_closed(30s)) << "a 1 TiB frame header did not close the connection";
        EXPECT_EQ(c.close_code(), 1009);
    }
    const auto rss_after = gateway_->rss_kib();
    std::cout << "gateway VmRSS before " << rss_before << " KiB, after 20 x 1 TiB headers "
              << rss_after << " KiB" << std::endl;
    EXPECT_LT(rss_after - rss_before, 64 * 1024) << "memory grew by more than 64 MiB";
    // The gateway's read completes once the TCP teardown ends, i.e. when the clients close.
    liars.clear();
    EXPECT_TRUE(metric_reaches(gateway_->port(), "gateway_message_too_big_closes_total", 20));

    // Just under the discard bound: rejected, the connection lives.
    RawWsClient client = open_raw();
    ASSERT_TRUE(client.send_all(RawWsClient::frame(RawWsClient::text, std::string(1000000, 'y'))));
    EXPECT_EQ(client.read_text(60s), ack(1, 0, whole("message_too_large")));
    ASSERT_TRUE(client.send_text(make_event("after-huge", "u")));
    EXPECT_EQ(client.read_text(60s), ack(2, 1));
    expect_probe_ok(probe.stop(), "1 TiB frame headers");
}

// Fragments: reassembled under the limit; over it rejected with message_too_large (the
// connection lives); over the discard bound closed with 1009 as soon as the crossing
// fragment's header arrives.
TEST_F(AbuseIT, FragmentedMessagesCountTheirWholeSize) {
    start_gateway({{"GATEWAY_MAX_MESSAGE_BYTES", "4096"}, {"GATEWAY_MAX_DISCARD_BYTES", "65536"}});
    LatencyProbe probe(gateway_->port());
    RawWsClient client = open_raw();

    const std::string event = make_event("frag-1", "u");
    const std::size_t third = event.size() / 3;
    ASSERT_TRUE(client.send_all(RawWsClient::frame(RawWsClient::text, event.substr(0, third), false) +
                                RawWsClient::frame(RawWsClient::cont, event.substr(third, third), false) +
                                RawWsClient::frame(RawWsClient::cont, event.substr(2 * third), true)));
    EXPECT_EQ(client.read_text(60s), ack(1, 1));

    // 100 fragments of 100 bytes: 10 000 bytes in all, each fragment small.
    std::string fragments = RawWsClient::frame(RawWsClient::text, std::string(100, 'a'), false);
    for (int i = 1; i < 100; ++i) {
        fragments += RawWsClient::frame(RawWsClient::cont, std::string(100, 'a'), i == 99);
    }
    ASSERT_TRUE(client.send_all(fragments));
    EXPECT_EQ(client.read_text(60s), ack(2, 0, whole("message_too_large")));
    ASSERT_TRUE(client.send_text(make_event("frag-2", "u")));
    EXPECT_EQ(client.read_text(60s), ack(3, 1));

    // 16 KiB fragments, never finished: the fifth crosses 64 KiB.
    std::string endless = RawWsClient::frame(RawWsClient::text, std::string(16384, 'b'), false);
    for (int i = 0; i < 6; ++i) endless += RawWsClient::frame(RawWsClient::cont, std::string(16384, 'b'), false);
    client.send_all(endless, 10s);  // the gateway may close before it has taken everything
    EXPECT_TRUE(client.wait_closed(30s));
    EXPECT_EQ(client.close_code(), 1009);
    expect_probe_ok(probe.stop(), "fragmented messages");

    TopicReader raw(bootstrap_, raw_topic_, kRawPartitions);
    EXPECT_EQ(raw.read_until(2, 60s).size(), 2u);
}

// The gateway takes text only: a binary message is rejected whole with binary_message (a dead
// letter without its payload), never parsed, and the connection lives.
TEST_F(AbuseIT, BinaryMessagesAreRejectedAndTheConnectionLives) {
    start_gateway();
    WsTestClient client;
    ASSERT_EQ(client.connect(gateway_->port()), 101);
    ASSERT_TRUE(client.send_binary(make_event("bin-1", "u")));
    EXPECT_EQ(client.read(60s), ack(1, 0, whole("binary_message")));
    ASSERT_TRUE(client.send_binary(std::string("\x00\xff\xfe garbage", 11)));
    EXPECT_EQ(client.read(60s), ack(2, 0, whole("binary_message")));
    ASSERT_TRUE(client.send_text(make_event("text-1", "u")));
    EXPECT_EQ(client.read(60s), ack(3, 1));

    TopicReader dl(bootstrap_, dl_topic_, 1);
    const auto& dead = dl.read_until(2, 60s);
    ASSERT_EQ(dead.size(), 2u);
    for (const auto& d : dead) {
        EXPECT_NE(d.value.find(R"("reason":"binary_message","payload":"")"), std::string::npos) << d.value;
    }
    TopicReader raw(bootstrap_, raw_topic_, kRawPartitions);
    const auto& records = raw.read_until(1, 60s);
    raw.read_for(2s);
    ASSERT_EQ(records.size(), 1u) << "a binary message reached the raw topic";
    EXPECT_NE(records[0].value.find("text-1"), std::string::npos);
    EXPECT_EQ(metric_value(gateway_->port(), "gateway_messages_received_total"), 3);
}

// 100 000 levels of nested arrays or objects: invalid_json, no crash (simdjson's depth limit
// is iterative), the connection and the gateway keep working.
TEST_F(AbuseIT, DeeplyNestedJsonIsRejectedWithoutCrashing) {
    start_gateway();
    LatencyProbe probe(gateway_->port());
    RawWsClient client = open_raw();
    constexpr int kDepth = 100000;
    std::string objects;
    for (int i = 0; i < kDepth; ++i) objects += R"({"a":)";
    objects += "1" + std::string(kDepth, '}');
    const std::vector<std::string> nasty = {
        std::string(kDepth, '[') + std::string(kDepth, ']'),
        objects,
        std::string(kDepth, '['),  // never closed
        "[" + make_event("nest-ok", "u") + "," + std::string(kDepth, '[') + std::string(kDepth, ']') + "]",
    };
    int n = 0;
    for (const auto& text : nasty) {
        ASSERT_TRUE(client.send_text(text));
        EXPECT_EQ(client.read_text(60s), ack(++n, 0, whole("invalid_json")));
    }
    ASSERT_TRUE(client.send_text(make_event("after-nesting", "u")));
    EXPECT_EQ(client.read_text(60s), ack(++n, 1));
    const auto health = http_get(gateway_->port(), "/health");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    expect_probe_ok(probe.stop(), "deeply nested JSON");
}

// Slow loris: upgrade requests trickled a byte every 200 ms (they would take ~40 s), and
// connections that send nothing at all. GATEWAY_HANDSHAKE_TIMEOUT_MS closes every one.
TEST_F(AbuseIT, SlowLorisHandshakesAreTimedOut) {
    start_gateway({{"GATEWAY_HANDSHAKE_TIMEOUT_MS", "1500"}});
    LatencyProbe probe(gateway_->port());
    constexpr int kTricklers = 40;
    constexpr int kSilent = 40;
    std::vector<RawWsClient> tricklers(kTricklers);
    std::vector<RawWsClient> silent(kSilent);
    for (auto& c : tricklers) ASSERT_TRUE(c.connect(gateway_->port()));
    for (auto& c : silent) ASSERT_TRUE(c.connect(gateway_->port()));
    const std::string request = RawWsClient::upgrade_request(gateway_->port());
    const auto start = std::chrono::steady_clock::now();
    std::size_t sent = 0;
    // Trickle for 10 s at most; the gateway must have closed them all long before.
    while (std::chrono::steady_clock::now() - start < 10s && sent < request.size()) {
        for (auto& c : tricklers) c.send_some(std::string_view(request).substr(sent, 1));
        ++sent;
        std::this_thread::sleep_for(200ms);
    }
    ASSERT_LT(sent, request.size()) << "the request was complete before the test ended";
    for (auto& c : tricklers) EXPECT_TRUE(c.wait_closed(15s)) << "a trickled handshake was not cut off";
    for (auto& c : silent) EXPECT_TRUE(c.wait_closed(15s)) << "a silent connection was not cut off";
    EXPECT_GE(metric_value(gateway_->port(), "gateway_http_timeouts_total"), kTricklers + kSilent);
    EXPECT_EQ(metric_value(gateway_->port(), "gateway_connections_open"), 1);  // the probe
    expect_probe_ok(probe.stop(), "slow-loris handshakes");
}

// A client that sends and never reads its acks: the socket buffers fill, the gateway stops
// reading it (GATEWAY_MAX_INFLIGHT_MESSAGES) and closes it after GATEWAY_WRITE_TIMEOUT_MS.
// A client that never reads its acks: once the socket buffers are full an ack write waits;
// the gateway stops reading that client after GATEWAY_MAX_INFLIGHT_MESSAGES unacknowledged
// messages (bounded memory), and its write watchdog closes it after GATEWAY_WRITE_TIMEOUT_MS.
// Each message is 1000 non-objects, so each ack lists 1000 rejections (~35 KB) and the
// kernel's buffers (up to 4 MiB of send buffer here) fill after about a hundred messages:
// tiny acks would need ~100k messages first. The no-op sink keeps the 1000 dead letters per
// message out of Kafka; the sink plays no part in how acks are written.
TEST_F(AbuseIT, ClientThatNeverReadsIsClosedAfterTheWriteTimeout) {
    start_gateway({{"GATEWAY_WRITE_TIMEOUT_MS", "2000"}, {"GATEWAY_MAX_INFLIGHT_MESSAGES", "64"},
                   {"GATEWAY_SINK", "noop"}});
    LatencyProbe probe(gateway_->port());
    const auto rss_before = gateway_->rss_kib();
    constexpr int kReaders = 3;
    std::vector<RawWsClient> clients;
    for (int i = 0; i < kReaders; ++i) {
        RawWsClient c;
        ASSERT_TRUE(c.connect(gateway_->port(), /*receive_buffer=*/4096));
        ASSERT_EQ(c.handshake(gateway_->port()), 101);
        clients.push_back(std::move(c));
    }
    // Send until the gateway closes the connection (a send fails) or 90 s pass.
    std::string ones = "[1";
    for (int i = 1; i < 1000; ++i) ones += ",1";
    ones += "]";
    const std::string message = RawWsClient::frame(RawWsClient::text, ones);
    std::vector<long> messages(kReaders, 0);
    std::vector<bool> ended(kReaders, false);
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < 90s &&
           std::count(ended.begin(), ended.end(), true) < kReaders) {
        bool progressed = false;
        for (int i = 0; i < kReaders; ++i) {
            if (ended[i]) continue;
            const long n = clients[i].send_some(message);
            if (n < 0) {
                ended[i] = true;
            } else if (n > 0) {
                progressed = true;
                // A partial frame is finished blocking: the stream must stay well-formed.
                if (static_cast<std::size_t>(n) < message.size() &&
                    !clients[i].send_all(std::string_view(message).substr(n), 5s)) {
                    ended[i] = true;
                }
                ++messages[i];
            } else {
                pollfd p{clients[i].fd(), POLLOUT, 0};
                ::poll(&p, 1, 0);
                if (p.revents & (POLLERR | POLLHUP)) ended[i] = true;
            }
        }
        if (!progressed) std::this_thread::sleep_for(50ms);
    }
    for (int i = 0; i < kReaders; ++i) {
        std::cout << "non-reading client " << i << " sent " << messages[i]
                  << " messages before the gateway closed it" << std::endl;
        EXPECT_TRUE(ended[i]) << "a client that never reads was not closed";
    }
    const auto rss_after = gateway_->rss_kib();
    std::cout << "gateway VmRSS before " << rss_before << " KiB, after " << rss_after << " KiB"
              << std::endl;
    EXPECT_LT(rss_after - rss_before, 64 * 1024) << "memory grew by more than 64 MiB";
    EXPECT_GE(metric_value(gateway_->port(), "gateway_write_timeouts_total"), kReaders);
    expect_probe_ok(probe.stop(), "clients that never read");
}

// Idle handling: a connection silent for half of GATEWAY_IDLE_TIMEOUT_MS is pinged; one that
// does not answer is closed at the timeout; one that answers pings (any WebSocket library
// reading its socket does) stays.
TEST_F(AbuseIT, SilentConnectionsArePingedAndClosedLiveOnesStay) {
    start_gateway({{"GATEWAY_IDLE_TIMEOUT_MS", "2000"}});
    RawWsClient deaf = open_raw();
    RawWsClient polite = open_raw();
    const auto start = std::chrono::steady_clock::now();
    bool pinged = false;
    // The deaf one reads (to see the ping and the end) but never answers.
    while (!deaf.closed() && std::chrono::steady_clock::now() - start < 30s) {
        const auto f = deaf.read_frame(1s);
        if (f && f->opcode == RawWsClient::ping) pinged = true;
        polite.read_text(10ms);  // answers its pings
    }
    EXPECT_TRUE(pinged) << "no ping before the close";
    EXPECT_TRUE(deaf.closed()) << "a connection that never answers pings was not closed";
    // The polite one is still served after more than two idle timeouts.
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < until) polite.read_text(100ms);
    ASSERT_FALSE(polite.closed());
    ASSERT_TRUE(polite.send_text(make_event("polite-1", "u")));
    EXPECT_EQ(polite.read_text(60s), ack(1, 1));
}

// 10 000 idle WebSockets (GATEWAY_IT_IDLE_CONNECTIONS overrides): the gateway keeps serving,
// /health answers, memory per connection stays small.
TEST_F(AbuseIT, TenThousandIdleConnectionsKeepTheGatewayResponsive) {
    const auto fds = raise_fd_limit();
    std::size_t wanted = 10000;
    if (const char* n = std::getenv("GATEWAY_IT_IDLE_CONNECTIONS"); n && *n) wanted = std::strtoul(n, nullptr, 10);
    if (fds.soft < wanted + 200) {
        GTEST_SKIP() << "open file limit " << fds.soft << " (hard " << fds.hard << ") is below "
                     << wanted << " + 200; raise it (ulimit -Hn)";
    }
    start_gateway({{"GATEWAY_MAX_CONNECTIONS", "20000"}});
    LatencyProbe probe(gateway_->port(), 50ms);
    std::this_thread::sleep_for(1s);  // the probe's connection and first acks settle
    const auto rss_before = gateway_->rss_kib();
    std::vector<RawWsClient> idle(wanted);
    // In waves: connect and send the upgrade for a wave, then read its responses.
    constexpr std::size_t kWave = 500;
    std::size_t upgraded = 0;
    for (std::size_t first = 0; first < wanted; first += kWave) {
        const std::size_t last = std::min(wanted, first + kWave);
        for (std::size_t i = first; i < last; ++i) {
            ASSERT_TRUE(idle[i].connect(gateway_->port())) << "connection " << i;
            ASSERT_TRUE(idle[i].send_all(RawWsClient::upgrade_request(gateway_->port())));
        }
        for (std::size_t i = first; i < last; ++i) {
            if (idle[i].read_response_status(60s) == 101) ++upgraded;
        }
    }
    ASSERT_EQ(upgraded, wanted);
    std::this_thread::sleep_for(2s);
    const auto rss_after = gateway_->rss_kib();
    const double per_connection = (rss_after - rss_before) * 1024.0 / static_cast<double>(wanted);
    std::cout << "gateway VmRSS " << rss_before << " KiB before, " << rss_after << " KiB with "
              << wanted << " idle WebSockets: " << per_connection
              << " bytes per connection (debug ASan build)" << std::endl;
    EXPECT_EQ(metric_value(gateway_->port(), "gateway_connections_open"), static_cast<double>(wanted + 1));
    const auto health = http_get(gateway_->port(), "/health", 30s);
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    // ASan adds redzones and quarantine; release is measured by bench/connections.sh.
    EXPECT_LT(per_connection, 64 * 1024.0);
    // One of the idle connections still works.
    ASSERT_TRUE(idle[wanted / 2].send_text(make_event("idle-wakes", "u")));
    EXPECT_EQ(idle[wanted / 2].read_text(60s), ack(1, 1));
    expect_probe_ok(probe.stop(), "10k idle connections");
    idle.clear();
    bool drained = false;
    for (int i = 0; i < 300 && !drained; ++i) {
        drained = metric_value(gateway_->port(), "gateway_connections_open") == 0;
        if (!drained) std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(drained) << "closed connections were not released";
}

// With GATEWAY_TOKEN, an upgrade without it gets 401 and nothing behind it is read: the
// frame pipelined after the request never becomes a message, nothing reaches Kafka.
TEST_F(AbuseIT, RequestWithoutTokenIsRefusedBeforeAnyEventIsRead) {
    start_gateway({{"GATEWAY_TOKEN", "let-me-in"}});
    for (const auto& headers : std::vector<std::map<std::string, std::string>>{
             {}, {{"Authorization", "Bearer wrong"}}}) {
        RawWsClient c;
        ASSERT_TRUE(c.connect(gateway_->port()));
        ASSERT_TRUE(c.send_all(RawWsClient::upgrade_request(gateway_->port(), "/ws/events", headers) +
                               RawWsClient::frame(RawWsClient::text, make_event("sneaky", "u"))));
        EXPECT_EQ(c.read_response_status(30s), 401);
        EXPECT_TRUE(c.wait_closed(30s));
    }
    EXPECT_EQ(metric_value(gateway_->port(), "gateway_auth_failures_total"), 2);
    EXPECT_EQ(metric_value(gateway_->port(), "gateway_messages_received_total"), 0);
    EXPECT_EQ(metric_value(gateway_->port(), "gateway_connections_total"), 0);
    TopicReader raw(bootstrap_, raw_topic_, kRawPartitions);
    EXPECT_TRUE(raw.read_for(3s).empty());
    EXPECT_EQ(raw.high_watermark_sum(), 0);
    TopicReader dl(bootstrap_, dl_topic_, 1);
    EXPECT_TRUE(dl.read_for(1s).empty());
}

// Everything at once, with a well-behaved client measured throughout and memory checked at
// the end.
TEST_F(AbuseIT, AllAbuseAtOnceLeavesAWellBehavedClientServed) {
    start_gateway({{"GATEWAY_MAX_MESSAGE_BYTES", "65536"},
                   {"GATEWAY_MAX_DISCARD_BYTES", "1048576"},
                   {"GATEWAY_HANDSHAKE_TIMEOUT_MS", "2000"},
                   {"GATEWAY_WRITE_TIMEOUT_MS", "3000"}});
    LatencyProbe probe(gateway_->port());
    std::this_thread::sleep_for(1s);
    const auto rss_before = gateway_->rss_kib();
    const auto port = gateway_->port();
    std::atomic<bool> stop{false};
    std::vector<std::thread> abusers;
    abusers.emplace_back([&] {  // lying frame headers
        while (!stop) {
            RawWsClient c;
            if (c.connect(port) && c.handshake(port) == 101) {
                c.send_all(RawWsClient::frame(RawWsClient::text, "x", true, 1ull << 50));
                c.wait_closed(10s);
            }
        }
    });
    abusers.emplace_back([&] {  // oversized, binary and nested messages, pipelined
        const std::string big(200000, 'z');
        const std::string nested = std::string(60000, '[') + std::string(60000, ']');
        while (!stop) {
            RawWsClient c;
            if (!c.connect(port) || c.handshake(port) != 101) continue;
            for (int i = 0; i < 20 && !stop; ++i) {
                c.send_all(RawWsClient::frame(RawWsClient::text, big));
                c.send_all(RawWsClient::frame(RawWsClient::binary, big));
                c.send_all(RawWsClient::frame(RawWsClient::text, nested));
                for (int k = 0; k < 3; ++k) c.read_text(10s);
            }
        }
    });
    abusers.emplace_back([&] {  // slow loris
        while (!stop) {
            std::vector<RawWsClient> loris(50);
            for (auto& c : loris) {
                if (c.connect(port)) c.send_some("GET /ws/events HTTP/1.1\r\n");
            }
            for (auto& c : loris) c.wait_closed(10s);
        }
    });
    abusers.emplace_back([&] {  // never reads
        while (!stop) {
            RawWsClient c;
            if (!c.connect(port, 4096) || c.handshake(port) != 101) continue;
            const std::string m = RawWsClient::frame(RawWsClient::text, "[]");
            const auto until = std::chrono::steady_clock::now() + 20s;
            while (!stop && std::chrono::steady_clock::now() < until) {
                const long n = c.send_some(m);
                if (n < 0) break;
                if (n == 0) std::this_thread::sleep_for(20ms);
                else if (static_cast<std::size_t>(n) < m.size() && !c.send_all(std::string_view(m).substr(n), 5s)) break;
            }
        }
    });
    std::this_thread::sleep_for(20s);
    stop = true;
    for (auto& t : abusers) t.join();
    const auto summary = probe.stop();
    const auto rss_after = gateway_->rss_kib();
    std::cout << "gateway VmRSS before the abuse " << rss_before << " KiB, after " << rss_after
              << " KiB" << std::endl;
    expect_probe_ok(summary, "all abuse at once");
    EXPECT_LT(rss_after - rss_before, 128 * 1024) << "memory grew by more than 128 MiB";
    EXPECT_GT(metric_value(port, "gateway_message_too_big_closes_total"), 0);
    EXPECT_GT(metric_value(port, "gateway_http_timeouts_total"), 0);
    const auto health = http_get(port, "/health");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
}

}  // namespace
}  // namespace gateway::test

namespace gateway::test {
namespace {

// GATEWAY_MAX_MEMORY_BYTES bounds the messages being read across all connections: with room for
// five message slots, eight clients that each send the first 10 KiB of a 40 KiB message hold
// five slots; the other three connections stop reading until a slot is handed back. Then every
// message completes, is acknowledged, and the slots are all given back.
TEST_F(AbuseIT, TheMessagesBeingReadFitTheMemoryBound) {
    // A quarter of 4000000 bytes, in slots of 3 x (65536 + 64) bytes: 5 slots.
    start_gateway({{"GATEWAY_MAX_MESSAGE_BYTES", "65536"}, {"GATEWAY_MAX_MEMORY_BYTES", "4000000"}});
    const auto port = gateway_->port();
    constexpr int kClients = 8;
    constexpr int kSlots = 5;
    std::vector<std::string> messages;
    std::vector<RawWsClient> clients;
    std::vector<std::size_t> events;
    for (int c = 0; c < kClients; ++c) {
        std::vector<std::string> batch_events;
        std::string text;
        while (text.size() < 40 * 1024) {
            batch_events.push_back(make_event("mem-" + std::to_string(c) + "-" + std::to_string(batch_events.size()),
                                              "u" + std::to_string(c), "click", R"("page":"/a/long/page/path/for/size")"));
            text = batch(batch_events);
        }
        messages.push_back(text);
        events.push_back(batch_events.size());
        clients.push_back(open_raw());
        ASSERT_TRUE(clients.back().send_all(RawWsClient::frame(RawWsClient::text, text.substr(0, 10 * 1024), false)));
    }
    ASSERT_TRUE(metric_reaches(port, "gateway_message_slots_in_use", kSlots));
    ASSERT_TRUE(metric_reaches(port, "gateway_message_slot_waits_total", kClients - kSlots));
    std::this_thread::sleep_for(500ms);  // nobody else gets one meanwhile
    EXPECT_EQ(metric_value(port, "gateway_message_slots_in_use"), kSlots);

    for (int c = 0; c < kClients; ++c) {
        ASSERT_TRUE(clients[c].send_all(
            RawWsClient::frame(RawWsClient::cont, std::string_view(messages[c]).substr(10 * 1024), true)));
    }
    for (int c = 0; c < kClients; ++c) {
        const auto got = clients[c].read_text(60s);
        ASSERT_TRUE(got) << "client " << c << " got no ack";
        EXPECT_EQ(*got, ack(1, static_cast<int>(events[c])));
    }
    for (int i = 0; i < 100 && metric_value(port, "gateway_message_slots_in_use") != 0; ++i) {
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(metric_value(port, "gateway_message_slots_in_use"), 0);
}

// HTTP bodies share the same bound: a POST whose body is past the slotless size waits for a
// slot before its body is read, and gives it back once its records are handed to Kafka.
TEST_F(AbuseIT, HttpBodiesBeingReadFitTheMemoryBound) {
    // As above: 5 slots of 3 x (65536 + 64) bytes.
    start_gateway({{"GATEWAY_MAX_MESSAGE_BYTES", "65536"}, {"GATEWAY_MAX_MEMORY_BYTES", "4000000"}});
    const auto port = gateway_->port();
    constexpr int kClients = 8;
    constexpr int kSlots = 5;
    std::vector<std::string> bodies;
    std::vector<RawWsClient> clients;
    for (int c = 0; c < kClients; ++c) {
        std::vector<std::string> events;
        std::string text;
        while (text.size() < 40 * 1024) {
            events.push_back(make_event("hmem-" + std::to_string(c) + "-" + std::to_string(events.size()),
                                        "u" + std::to_string(c), "click", R"("page":"/a/long/page/path/for/size")"));
            text = batch(events);
        }
        bodies.push_back(text);
        clients.emplace_back();
        ASSERT_TRUE(clients.back().connect(port));
        const std::string head = "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Content-Type: application/json\r\nContent-Length: " +
                                 std::to_string(text.size()) + "\r\n\r\n";
        ASSERT_TRUE(clients.back().send_all(head + text.substr(0, 10 * 1024)));
    }
    ASSERT_TRUE(metric_reaches(port, "gateway_message_slots_in_use", kSlots));
    ASSERT_TRUE(metric_reaches(port, "gateway_message_slot_waits_total", kClients - kSlots));
    std::this_thread::sleep_for(500ms);  // nobody else gets one meanwhile
    EXPECT_EQ(metric_value(port, "gateway_message_slots_in_use"), kSlots);

    for (int c = 0; c < kClients; ++c) {
        ASSERT_TRUE(clients[c].send_all(std::string_view(bodies[c]).substr(10 * 1024)));
    }
    for (int c = 0; c < kClients; ++c) {
        EXPECT_EQ(clients[c].read_response_status(60s), 200) << "client " << c;
    }
    for (int i = 0; i < 100 && metric_value(port, "gateway_message_slots_in_use") != 0; ++i) {
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(metric_value(port, "gateway_message_slots_in_use"), 0);
}

}  // namespace
}  // namespace gateway::test
