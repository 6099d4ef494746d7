// Integration tests: the gateway binary as a subprocess against a real Kafka broker at
// KAFKA_BOOTSTRAP (default 127.0.0.1:9092). Every test uses its own topics. The broker
// stop/start test needs KAFKA_CTL (e.g. scripts/kafka.sh) and is skipped without it.
// Waits are generous and nothing asserts speed.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/json_writer.hpp"
#include "common/message_parser.hpp"
#include "gateway_fixture.hpp"
#include "gateway_process.hpp"
#include "kafka_test_client.hpp"
#include "ws_test_client.hpp"

namespace gateway::test {

using test_support::http_get;
using test_support::WsTestClient;

namespace {


TEST_F(GatewayIT, EventsComeOutOfTheRawTopicExactly) {
    start_gateway();
    WsTestClient client;
    ASSERT_EQ(client.connect(gateway_->port()), 101);

    std::vector<std::string> sent;
    sent.push_back(make_event("single-1", "alice", "page_view",
                              R"("page":"/item/1","session_id":"s-1","props":{"category_id":"42","qty":2,"gift":true,"price":9.5})"));
    ASSERT_TRUE(client.send_text(sent.back()));
    auto ack = client.read(60s);
    ASSERT_TRUE(ack) << "no ack";
    EXPECT_EQ(*ack, R"({"ack":1,"accepted":1,"rejected":[]})");

    std::vector<std::string> events;
    for (int i = 0; i < 20; ++i) {
        events.push_back(make_event("batch-" + std::to_string(i), "user-" + std::to_string(i % 7),
                                    i % 2 ? "click" : "purchase", R"("page":"/p/)" + std::to_string(i) + "\""));
    }
    ASSERT_TRUE(client.send_text(batch(events)));
    ack = client.read(60s);
    ASSERT_TRUE(ack);
    EXPECT_EQ(*ack, R"({"ack":2,"accepted":20,"rejected":[]})");
    sent.insert(sent.end(), events.begin(), events.end());

    // Unknown fields are ignored; the record carries only the canonical fields.
    const std::string with_unknown = make_event("unknown-1", "bob", "search", R"("extra":{"x":[1,2]})");
    ASSERT_TRUE(client.send_text(with_unknown));
    ack = client.read(60s);
    ASSERT_TRUE(ack);
    EXPECT_EQ(*ack, R"({"ack":3,"accepted":1,"rejected":[]})");
    sent.push_back(with_unknown);

    TopicReader reader(bootstrap_, raw_topic_, kRawPartitions);
    const auto& records = reader.read_until(sent.size(), 60s);
    ASSERT_EQ(records.size(), sent.size());
    reader.read_for(2s);
    EXPECT_EQ(records.size(), sent.size()) << "more records than events";

    std::map<std::string, const Record*> by_id;
    static const std::regex id(R"re(^\{"event_id":"([^"]+)")re");
    std::map<std::string, int> user_partition;
    for (const auto& r : records) {
        std::smatch m;
        ASSERT_TRUE(std::regex_search(r.value, m, id)) << r.value;
        by_id[m[1].str()] = &r;
    }
    for (const auto& client_json : sent) {
        const auto parsed = pipeline::parse_message(client_json, pipeline::Limits{}, now_ms());
        ASSERT_EQ(parsed.accepted.size(), 1u);
        const auto& ev = parsed.accepted[0].event;
        const auto it = by_id.find(ev.event_id);
        ASSERT_NE(it, by_id.end()) << "missing " << ev.event_id;
        const Record& r = *it->second;
        EXPECT_TRUE(r.has_key);
        EXPECT_EQ(r.key, ev.user_id);
        EXPECT_EQ(r.value, canonical_with_received_at(client_json, r.value));
        // One user's events land in one partition (key = user_id).
        const auto [pos, inserted] = user_partition.emplace(ev.user_id, r.partition);
        EXPECT_EQ(pos->second, r.partition) << ev.user_id;
    }
}

TEST_F(GatewayIT, AcksAreInOrderAndOnlyAfterDelivery) {
    start_gateway({{"GATEWAY_MAX_INFLIGHT_MESSAGES", "1000"}});
    WsTestClient client;
    ASSERT_EQ(client.connect(gateway_->port()), 101);
    TopicReader reader(bootstrap_, raw_topic_, kRawPartitions);

    constexpr int kMessages = 150;
    constexpr int kPerMessage = 4;
    for (int m = 0; m < kMessages; ++m) {  // pipelined: no waiting for acks
        std::vector<std::string> events;
        for (int i = 0; i < kPerMessage; ++i) {
            events.push_back(make_event("m" + std::to_string(m) + "-" + std::to_string(i),
                                        "u" + std::to_string((m * kPerMessage + i) % 13)));
        }
        ASSERT_TRUE(client.send_text(batch(events)));
    }
    static const std::regex ack_number(R"re(^\{"ack":(\d+),)re");
    std::uint64_t previous = 0;
    // The records in the topic (the partitions' high watermarks) as last read. They only grow,
    // so when an earlier reading already covers an ack the topic is not asked again.
    std::int64_t in_topic = 0;
    for (int m = 1; m <= kMessages; ++m) {
        const auto ack = client.read(120s);
        ASSERT_TRUE(ack) << "ack " << m << " missing";
        // In order: each ack names the message after the one the previous ack named.
        std::smatch number;
        ASSERT_TRUE(std::regex_search(*ack, number, ack_number)) << *ack;
        const std::uint64_t n = std::stoull(number[1].str());
        ASSERT_EQ(n, previous + 1) << "ack after ack " << previous;
        previous = n;
        const std::string expected = R"({"ack":)" + std::to_string(m) + R"(,"accepted":)" +
                                     std::to_string(kPerMessage) + R"(,"rejected":[]})";
        ASSERT_EQ(*ack, expected);
        // Every ack: what it acknowledges (and everything before it) is already in the topic.
        const auto acknowledged = static_cast<std::int64_t>(m) * kPerMessage;
        if (in_topic < acknowledged) in_topic = reader.high_watermark_sum();
        ASSERT_GE(in_topic, acknowledged) << "after ack " << m;
    }
    const auto& records = reader.read_until(kMessages * kPerMessage, 60s);
    EXPECT_EQ(records.size(), static_cast<std::size_t>(kMessages * kPerMessage));
}

// With a tiny in-flight limit the gateway pauses reading instead of queueing; the client's
// pipelined messages wait in TCP and are all acknowledged, in order.
TEST_F(GatewayIT, InflightLimitPausesReadingWithoutLoss) {
    start_gateway({{"GATEWAY_MAX_INFLIGHT_MESSAGES", "2"}});
    WsTestClient client;
    ASSERT_EQ(client.connect(gateway_->port()), 101);
    constexpr int kMessages = 60;
    for (int m = 0; m < kMessages; ++m) {
        ASSERT_TRUE(client.send_text(batch({make_event("lim-" + std::to_string(m), "u" + std::to_string(m % 5)),
                                            R"({"event_id":"x"})"})));
    }
    for (int m = 1; m <= kMessages; ++m) {
        const auto ack = client.read(120s);
        ASSERT_TRUE(ack) << "ack " << m;
        EXPECT_EQ(*ack, R"({"ack":)" + std::to_string(m) +
                            R"(,"accepted":1,"rejected":[{"index":1,"reason":"missing_field:user_id"}]})");
    }
    TopicReader reader(bootstrap_, raw_topic_, kRawPartitions);
    EXPECT_EQ(reader.read_until(kMessages, 60s).size(), static_cast<std::size_t>(kMessages));
}

TEST_F(GatewayIT, DeadLettersCarryTheirReasons) {
    start_gateway();
    WsTestClient client;
    ASSERT_EQ(client.connect(gateway_->port()), 101);

    ASSERT_TRUE(client.send_text("this is not json"));
    auto ack = client.read(60s);
    ASSERT_TRUE(ack);
    EXPECT_EQ(*ack, R"({"ack":1,"accepted":0,"rejected":[{"index":-1,"reason":"invalid_json"}]})");

    const std::string missing_user = R"({"event_id":"d1","type":"click","ts":1700000000000})";
    const std::string old_ts = R"({"event_id":"d2","user_id":"u","type":"click","ts":946684799999})";
    const std::string nested = R"({"event_id":"d3","user_id":"u","type":"click","ts":1700000000000,"props":{"a":{"b":1}}})";
    ASSERT_TRUE(client.send_text(batch({missing_user, make_event("ok-1", "u"), old_ts, nested, "17"})));
    ack = client.read(60s);
    ASSERT_TRUE(ack);
    EXPECT_EQ(*ack,
              R"({"ack":2,"accepted":1,"rejected":[{"index":0,"reason":"missing_field:user_id"},)"
              R"({"index":2,"reason":"ts_out_of_range"},{"index":3,"reason":"invalid_props"},)"
              R"({"index":4,"reason":"not_an_object"}]})");

    TopicReader dl(bootstrap_, dl_topic_, 1);
    const auto& records = dl.read_until(5, 60s);
    ASSERT_EQ(records.size(), 5u);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"invalid_json", "this is not json"},
        {"missing_field:user_id", missing_user},
        {"ts_out_of_range", old_ts},
        {"invalid_props", nested},
        {"not_an_object", "17"},
    };
    for (std::size_t i = 0; i < expected.size(); ++i) {
        std::string payload;
        pipeline::append_json_string(payload, expected[i].second);
        const std::regex shape(R"(^\{"received_at_ms":\d+,"reason":")" + expected[i].first +
                               R"(","payload":(.*),"source":"gateway","id":"gateway-[0-9a-f]{16}-\d+"\}$)");
        std::smatch m;
        ASSERT_TRUE(std::regex_match(records[i].value, m, shape)) << records[i].value;
        EXPECT_EQ(m[1].str(), payload);
    }
    TopicReader raw(bootstrap_, raw_topic_, kRawPartitions);
    EXPECT_EQ(raw.read_until(1, 60s).size(), 1u);
}

// An event whose record would be over what Kafka takes (here: a 1 MB props value in a message
// under GATEWAY_MAX_MESSAGE_BYTES) is rejected with its reason and dead-lettered, its message is
// acknowledged and the connection lives: the producer never sees a record it would refuse (a
// permanent produce error would leave the message unacknowledged, resent for ever).
TEST_F(GatewayIT, AnEventTooLargeForKafkaIsRejectedWithAReasonAndDeadLettered) {
    start_gateway();
    WsTestClient client;
    ASSERT_EQ(client.connect(gateway_->port()), 101);
    const std::string huge = make_event("huge", "u1", "click", R"("props":{"blob":")" + std::string(1000100, 'x') + "\"}");
    ASSERT_LT(huge.size(), 1024u * 1024u);
    ASSERT_TRUE(client.send_text(batch({make_event("small-1", "u1"), huge, make_event("small-2", "u1")})));
    auto ack = client.read(60s);
    ASSERT_TRUE(ack) << "no ack; connection closed=" << client.closed() << " code=" << client.close_code();
    EXPECT_EQ(*ack, R"({"ack":1,"accepted":2,"rejected":[{"index":1,"reason":"invalid_props"}]})");
    ASSERT_TRUE(client.send_text(make_event("after-huge", "u1")));
    ack = client.read(60s);
    ASSERT_TRUE(ack);
    EXPECT_EQ(*ack, R"({"ack":2,"accepted":1,"rejected":[]})");

    TopicReader dl(bootstrap_, dl_topic_, 1);
    const auto& letters = dl.read_until(1, 60s);
    ASSERT_EQ(letters.size(), 1u);
    EXPECT_NE(letters[0].value.find(R"("reason":"invalid_props","payload":"{\"event_id\":\"huge\")"), std::string::npos)
        << letters[0].value.substr(0, 200);
    EXPECT_LE(letters[0].value.size(), 2u * 4096u);  // the payload is cut to 4 KiB
    TopicReader raw(bootstrap_, raw_topic_, kRawPartitions);
    EXPECT_EQ(raw.read_until(3, 60s).size(), 3u);
}

TEST_F(GatewayIT, OversizedMessageIsRejectedAndTheConnectionStaysOpen) {
    start_gateway({{"GATEWAY_MAX_MESSAGE_BYTES", "4096"}, {"GATEWAY_MAX_EVENTS_PER_MESSAGE", "3"}});
    WsTestClient client;
    ASSERT_EQ(client.connect(gateway_->port()), 101);

    const std::string big = R"({"event_id":"big","pad":")" + std::string(200000, 'x') + "\"}";
    ASSERT_TRUE(client.send_text(big));
    auto ack = client.read(60s);
    ASSERT_TRUE(ack) << "connection closed=" << client.closed();
    EXPECT_EQ(*ack, R"({"ack":1,"accepted":0,"rejected":[{"index":-1,"reason":"message_too_large"}]})");

    ASSERT_TRUE(client.send_text(make_event("after-big", "u1")));
    ack = client.read(60s);
    ASSERT_TRUE(ack);
    EXPECT_EQ(*ack, R"({"ack":2,"accepted":1,"rejected":[]})");

    // Exactly at the limit is fine (the padding is an unknown field: no length limit).
    std::string exact = make_event("exact", "u1", "click", R"("pad":")");
    exact.pop_back();  // the closing brace
    exact += std::string(4096 - exact.size() - 2, 'p') + "\"}";
    ASSERT_EQ(exact.size(), 4096u);
    ASSERT_TRUE(client.send_text(exact));
    ack = client.read(60s);
    ASSERT_TRUE(ack);
    EXPECT_EQ(*ack, R"({"ack":3,"accepted":1,"rejected":[]})");

    ASSERT_TRUE(client.send_text(batch({make_event("a", "u"), make_event("b", "u"),
                                        make_event("c", "u"), make_event("d", "u")})));
    ack = client.read(60s);
    ASSERT_TRUE(ack);
    EXPECT_EQ(*ack, R"({"ack":4,"accepted":0,"rejected":[{"index":-1,"reason":"too_many_events"}]})");

    // Binary messages are not read as text: rejected whole, the connection lives
    // (more in abusive_clients_test.cpp).
    ASSERT_TRUE(client.send_binary(make_event("binary-1", "u2")));
    ack = client.read(60s);
    ASSERT_TRUE(ack);
    EXPECT_EQ(*ack, R"({"ack":5,"accepted":0,"rejected":[{"index":-1,"reason":"binary_message"}]})");

    TopicReader dl(bootstrap_, dl_topic_, 1);
    const auto& dead = dl.read_until(2, 60s);
    ASSERT_EQ(dead.size(), 2u);
    EXPECT_NE(dead[0].value.find(R"("reason":"message_too_large")"), std::string::npos);
    EXPECT_LE(dead[0].value.size(), 4096u + 200u);  // payload truncated to 4 KiB
}

TEST_F(GatewayIT, HealthFollowsTheBroker) {
    start_gateway();
    const auto ok = http_get(gateway_->port(), "/health");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
    EXPECT_EQ(ok->body, "ok");

    // A gateway whose broker does not exist reports 503 (and still serves /metrics).
    GatewayProcess orphan({{"KAFKA_BOOTSTRAP", "127.0.0.1:" + std::to_string(free_port())},
                           {"RAW_TOPIC", raw_topic_},
                           {"DEADLETTER_TOPIC", dl_topic_}});
    ASSERT_TRUE(orphan.wait_listening(60s)) << orphan.log_tail();
    ASSERT_TRUE(orphan.wait_health(503, 30s));
    const auto down = http_get(orphan.port(), "/health");
    ASSERT_TRUE(down);
    EXPECT_EQ(down->status, 503);
    const auto metrics = http_get(orphan.port(), "/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_NE(metrics->body.find("gateway_kafka_up 0"), std::string::npos);
    EXPECT_EQ(orphan.terminate(), std::optional<int>(0)) << orphan.log_tail();

    // A reachable broker without the topic is not healthy either (topics are not auto-created).
    GatewayProcess no_topic({{"RAW_TOPIC", unique_name("missing")}, {"DEADLETTER_TOPIC", dl_topic_}});
    ASSERT_TRUE(no_topic.wait_listening(60s)) << no_topic.log_tail();
    ASSERT_TRUE(no_topic.wait_health(503, 30s));
    const auto missing = http_get(no_topic.port(), "/health");
    ASSERT_TRUE(missing);
    EXPECT_NE(missing->body.find("missing"), std::string::npos) << missing->body;
}

TEST_F(GatewayIT, MetricsExposeTheCounters) {
    start_gateway();
    {
        WsTestClient client;
        ASSERT_EQ(client.connect(gateway_->port()), 101);
        ASSERT_TRUE(client.send_text(batch({make_event("m1", "u"), make_event("m2", "u"),
                                            R"({"event_id":"bad"})"})));
        ASSERT_TRUE(client.read(60s));
        ASSERT_TRUE(client.send_text("{oops"));
        ASSERT_TRUE(client.read(60s));
        const auto m = http_get(gateway_->port(), "/metrics");
        ASSERT_TRUE(m);
        EXPECT_EQ(m->status, 200);
        for (const char* line : {
                 "gateway_connections_open 1\n",
                 "gateway_connections_total 1\n",
                 "gateway_messages_received_total 2\n",
                 "gateway_events_accepted_total 2\n",
                 "gateway_events_delivered_total 2\n",
                 "gateway_events_rejected_total{reason=\"missing_field:user_id\"} 1\n",
                 "gateway_events_rejected_total{reason=\"invalid_json\"} 1\n",
                 "gateway_kafka_up 1\n",
                 "gateway_backpressure_pauses_total 0\n",
                 "gateway_kafka_queue_depth ",
                 "gateway_bytes_received_total ",
                 "gateway_produce_ack_latency_seconds_count 2\n",
                 "gateway_produce_ack_latency_seconds_bucket{le=\"+Inf\"} 2\n",
             }) {
            EXPECT_NE(m->body.find(line), std::string::npos) << "missing " << line << "\n" << m->body;
        }
    }
}

TEST_F(GatewayIT, TokenIsRequiredWhenConfigured) {
    start_gateway({{"GATEWAY_TOKEN", "let-me-in"}});
    {
        WsTestClient anonymous;
        EXPECT_EQ(anonymous.connect(gateway_->port()), 401);
    }
    {
        WsTestClient wrong;
        EXPECT_EQ(wrong.connect(gateway_->port(), "/ws/events",
                                {{"Authorization", "Bearer nope"}}),
                  401);
    }
    {
        WsTestClient bearer;
        ASSERT_EQ(bearer.connect(gateway_->port(), "/ws/events",
                                 {{"Authorization", "Bearer let-me-in"}}),
                  101);
        ASSERT_TRUE(bearer.send_text(make_event("tok-1", "u")));
        const auto ack = bearer.read(60s);
        ASSERT_TRUE(ack);
        EXPECT_EQ(*ack, R"({"ack":1,"accepted":1,"rejected":[]})");
    }
    {
        WsTestClient query;
        EXPECT_EQ(query.connect(gateway_->port(), "/ws/events?token=let-me-in"), 101);
    }
    // Health and metrics stay open.
    const auto health = http_get(gateway_->port(), "/health");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
}

TEST_F(GatewayIT, SigtermSendsAcksClosesWith1001AndExitsZero) {
    start_gateway();
    WsTestClient client;
    ASSERT_EQ(client.connect(gateway_->port()), 101);
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(client.send_text(make_event("term-" + std::to_string(i), "u")));
    }
    for (int i = 1; i <= 5; ++i) ASSERT_TRUE(client.read(60s)) << "ack " << i;
    std::thread stopper([&] { EXPECT_EQ(gateway_->terminate(), std::optional<int>(0)) << gateway_->log_tail(); });
    const auto more = client.read(60s);
    EXPECT_FALSE(more.has_value());
    EXPECT_TRUE(client.closed());
    EXPECT_EQ(client.close_code(), 1001);
    stopper.join();
}

TEST_F(GatewayIT, ConnectionLimitRefusesTheUpgradeWith503) {
    start_gateway({{"GATEWAY_MAX_CONNECTIONS", "1"}});
    WsTestClient first;
    ASSERT_EQ(first.connect(gateway_->port()), 101);
    {
        WsTestClient second;
        EXPECT_EQ(second.connect(gateway_->port()), 503);
    }
    ASSERT_TRUE(first.send_text(make_event("limit-1", "u")));
    ASSERT_TRUE(first.read(60s));
    first.close();
    // The slot comes back once the first connection is gone.
    bool reconnected = false;
    for (int attempt = 0; attempt < 100 && !reconnected; ++attempt) {
        WsTestClient again;
        reconnected = again.connect(gateway_->port()) == 101;
        if (!reconnected) std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(reconnected);
}

// No broker at all: records wait in librdkafka, so nothing may be acknowledged.
TEST_F(GatewayIT, FailedDeliveryIsNeverAcknowledgedAndClosesWith1011) {
    start_gateway({{"KAFKA_BOOTSTRAP", "127.0.0.1:" + std::to_string(free_port())},
                   {"KAFKA_MESSAGE_TIMEOUT_MS", "3000"}},
                  /*wait_healthy=*/false);
    WsTestClient client;
    ASSERT_EQ(client.connect(gateway_->port()), 101);
    ASSERT_TRUE(client.send_text(make_event("lost-1", "u")));
    const auto ack = client.read(60s);
    EXPECT_FALSE(ack.has_value()) << *ack;
    EXPECT_TRUE(client.closed());
    EXPECT_EQ(client.close_code(), 1011);
    const auto metrics = http_get(gateway_->port(), "/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_NE(metrics->body.find("gateway_delivery_failures_total 1\n"), std::string::npos)
        << metrics->body;
    EXPECT_NE(metrics->body.find("gateway_acks_sent_total 0\n"), std::string::npos);
}

TEST_F(GatewayIT, SigtermWithUndeliveredMessagesSendsNoAckAndExitsZero) {
    start_gateway({{"KAFKA_BOOTSTRAP", "127.0.0.1:" + std::to_string(free_port())},
                   {"GATEWAY_SHUTDOWN_TIMEOUT_MS", "1500"}},
                  /*wait_healthy=*/false);
    WsTestClient client;
    ASSERT_EQ(client.connect(gateway_->port()), 101);
    // An invalid message has nothing to deliver and is acknowledged at once...
    ASSERT_TRUE(client.send_text("[1]"));
    const auto first = client.read(60s);
    ASSERT_TRUE(first);
    EXPECT_EQ(*first, R"({"ack":1,"accepted":0,"rejected":[{"index":0,"reason":"not_an_object"}]})");
    // ...a valid one cannot be, and is not, even at shutdown.
    ASSERT_TRUE(client.send_text(make_event("pending-1", "u")));
    EXPECT_FALSE(client.read(2s).has_value());
    std::thread stopper([&] {
        EXPECT_EQ(gateway_->terminate(), std::optional<int>(0)) << gateway_->log_tail();
    });
    const auto more = client.read(60s);
    EXPECT_FALSE(more.has_value()) << *more;
    EXPECT_TRUE(client.closed());
    EXPECT_EQ(client.close_code(), 1001);
    stopper.join();
}

TEST_F(GatewayIT, BackpressureHoldsWhileTheBrokerIsDownAndNothingIsLost) {
    const char* ctl = std::getenv("KAFKA_CTL");
    if (!ctl || !*ctl) GTEST_SKIP() << "KAFKA_CTL is not set (e.g. scripts/kafka.sh)";
    start_gateway({{"GATEWAY_QUEUE_HIGH_WATER", "40"},
                   {"GATEWAY_QUEUE_LOW_WATER", "10"},
                   {"GATEWAY_MAX_INFLIGHT_MESSAGES", "1000"}});
    WsTestClient client;
    ASSERT_EQ(client.connect(gateway_->port()), 101);
    ASSERT_TRUE(client.send_text(make_event("before-stop", "u0")));
    ASSERT_TRUE(client.read(60s));
    // Connected (and reading) before the gate closes.
    WsTestClient idle;
    ASSERT_EQ(idle.connect(gateway_->port()), 101);

    ASSERT_EQ(std::system((std::string(ctl) + " stop").c_str()), 0);
    bool restarted = false;
    struct Restart {
        const char* ctl;
        bool& done;
        ~Restart() {
            if (!done) std::system((std::string(ctl) + " start").c_str());
        }
    } restart_guard{ctl, restarted};

    ASSERT_TRUE(gateway_->wait_health(503, 120s)) << gateway_->log_tail();
    constexpr int kMessages = 30;
    constexpr int kPerMessage = 5;
    std::set<std::string> ids = {"before-stop"};
    for (int m = 0; m < kMessages; ++m) {
        std::vector<std::string> events;
        for (int i = 0; i < kPerMessage; ++i) {
            const std::string id = "bp-" + std::to_string(m) + "-" + std::to_string(i);
            ids.insert(id);
            events.push_back(make_event(id, "u" + std::to_string(i)));
        }
        ASSERT_TRUE(client.send_text(batch(events)));
    }
    // Nothing can be acknowledged while the broker is down.
    EXPECT_FALSE(client.read(5s).has_value());
    EXPECT_FALSE(client.closed());
    const auto metrics = http_get(gateway_->port(), "/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_NE(metrics->body.find("gateway_backpressure_active 1"), std::string::npos) << metrics->body;
    EXPECT_EQ(metrics->body.find("gateway_backpressure_pauses_total 0\n"), std::string::npos);

    // The other client's message has nothing to deliver, so its ack comes at once; then it
    // waits at the closed gate with nothing else pending: it must stay connected.
    ASSERT_TRUE(idle.send_text("[1]"));
    const auto idle_ack = idle.read(60s);
    ASSERT_TRUE(idle_ack);
    EXPECT_EQ(*idle_ack, R"({"ack":1,"accepted":0,"rejected":[{"index":0,"reason":"not_an_object"}]})");
    EXPECT_FALSE(idle.read(2s).has_value());
    EXPECT_FALSE(idle.closed());

    ASSERT_EQ(std::system((std::string(ctl) + " start").c_str()), 0);
    restarted = true;
    for (int m = 2; m <= kMessages + 1; ++m) {
        const auto ack = client.read(300s);
        ASSERT_TRUE(ack) << "ack " << m << " missing, closed=" << client.closed();
        EXPECT_EQ(*ack, R"({"ack":)" + std::to_string(m) + R"(,"accepted":5,"rejected":[]})");
    }
    ASSERT_TRUE(gateway_->wait_health(200, 120s));
    ASSERT_TRUE(idle.send_text(make_event("idle-after", "u9")));
    const auto idle_after = idle.read(120s);
    ASSERT_TRUE(idle_after) << "closed=" << idle.closed();
    EXPECT_EQ(*idle_after, R"({"ack":2,"accepted":1,"rejected":[]})");
    ids.insert("idle-after");
    TopicReader reader(bootstrap_, raw_topic_, kRawPartitions);
    const auto& records = reader.read_until(ids.size(), 120s);
    reader.read_for(2s);
    std::set<std::string> seen;
    static const std::regex id(R"re(^\{"event_id":"([^"]+)")re");
    for (const auto& r : records) {
        std::smatch m;
        ASSERT_TRUE(std::regex_search(r.value, m, id));
        seen.insert(m[1].str());
    }
    EXPECT_EQ(seen, ids);
    EXPECT_EQ(records.size(), ids.size()) << "duplicates with an idempotent producer";
}

}  // namespace
}  // namespace gateway::test
