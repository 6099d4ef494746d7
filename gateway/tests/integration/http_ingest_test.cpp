// POST /v1/events against a real broker: the HTTP path gives the WebSocket path's records,
// reasons and dead letters, answers only once Kafka has every accepted event, keeps the
// connection alive, and refuses with the contract's statuses (token, origin, type, size,
// back-pressure, shutdown) before reading a body it will not take.

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gateway_fixture.hpp"
#include "http_test_client.hpp"
#include "ws_test_client.hpp"

namespace gateway::test {

using test_support::http_get;
using test_support::HttpTestClient;

namespace {

std::string event_id_of(const std::string& record) {
    static const std::regex id(R"re(^\{"event_id":"([^"]+)")re");
    std::smatch m;
    return std::regex_search(record, m, id) ? m[1].str() : "";
}

std::string metric_line(std::uint16_t port, const std::string& name) {
    const auto m = http_get(port, "/metrics");
    if (!m) return "";
    const auto at = m->body.find("\n" + name + " ");
    if (at == std::string::npos) return "";
    return m->body.substr(at + 1, m->body.find('\n', at + 1) - at - 1);
}

TEST_F(GatewayIT, HttpPostsComeOutOfTheRawTopicExactlyAndAreAnsweredAfterDelivery) {
    start_gateway();
    TopicReader reader(bootstrap_, raw_topic_, kRawPartitions);
    HttpTestClient http(gateway_->port());
    std::vector<std::string> sent;
    std::int64_t expected_in_kafka = 0;
    // Each answer comes only once the events are in the topic: its high watermark counts
    // replicated records, read right after the answer.
    const auto post = [&](const std::string& body, std::string_view type, std::size_t events) {
        const auto res = http.post(body, type);
        ASSERT_TRUE(res);
        EXPECT_EQ(res->status, 200) << res->body;
        EXPECT_EQ(res->body, R"({"accepted":)" + std::to_string(events) + R"(,"rejected":[]})");
        EXPECT_EQ(res->header("content-type"), "application/json");
        expected_in_kafka += static_cast<std::int64_t>(events);
        EXPECT_EQ(reader.high_watermark_sum(), expected_in_kafka) << "answered before delivery";
    };

    sent.push_back(make_event("h-single", "alice", "page_view",
                              R"("page":"/item/1","session_id":"s-1","props":{"qty":2,"gift":true})"));
    post(sent.back(), "application/json", 1);

    std::vector<std::string> array;
    for (int i = 0; i < 5; ++i) array.push_back(make_event("h-array-" + std::to_string(i), "u" + std::to_string(i)));
    post(batch(array), "application/json; charset=utf-8", 5);
    sent.insert(sent.end(), array.begin(), array.end());

    std::string ndjson;
    for (int i = 0; i < 4; ++i) {
        sent.push_back(make_event("h-nd-" + std::to_string(i), "bob", "click"));
        ndjson += sent.back() + "\n";
    }
    post(ndjson, "application/x-ndjson", 4);

    // What navigator.sendBeacon sends: a string is text/plain.
    std::vector<std::string> beacon = {make_event("h-beacon-0", "carol"), make_event("h-beacon-1", "carol")};
    post(batch(beacon), "text/plain;charset=UTF-8", 2);
    sent.insert(sent.end(), beacon.begin(), beacon.end());

    EXPECT_EQ(http.connections_opened(), 1) << "keep-alive: every post on one connection";

    const auto& records = reader.read_until(sent.size(), 60s);
    ASSERT_EQ(records.size(), sent.size());
    std::map<std::string, const Record*> by_id;
    for (const auto& r : records) by_id[event_id_of(r.value)] = &r;
    for (const auto& client_json : sent) {
        const auto parsed = pipeline::parse_message(client_json, pipeline::Limits{}, now_ms());
        ASSERT_EQ(parsed.accepted.size(), 1u);
        const auto it = by_id.find(parsed.accepted[0].event.event_id);
        ASSERT_NE(it, by_id.end()) << client_json;
        EXPECT_EQ(it->second->key, parsed.accepted[0].event.user_id);
        EXPECT_EQ(it->second->value, canonical_with_received_at(client_json, it->second->value));
    }
}

TEST_F(GatewayIT, HttpRejectionsHaveTheWebSocketReasonsAndDeadLetters) {
    start_gateway();
    HttpTestClient http(gateway_->port());
    const std::string bad_type = R"({"event_id":"r2","user_id":"u","type":"Bad","ts":1700000000000})";
    const std::string ndjson = make_event("r0", "u") + "\n{oops\n" + bad_type + "\n[" +
                               make_event("r3", "u") + "]\n" + make_event("r4", "u") + "\n";
    auto res = http.post(ndjson, "application/x-ndjson");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body,
              R"({"accepted":2,"rejected":[{"index":1,"reason":"invalid_json"},)"
              R"({"index":2,"reason":"invalid_field:type"},{"index":3,"reason":"not_an_object"}]})");

    res = http.post("this is not json", "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400);
    EXPECT_EQ(res->body, R"({"error":"invalid_json","accepted":0,"rejected":[{"index":-1,"reason":"invalid_json"}]})");
    EXPECT_TRUE(http.open()) << "a rejected body keeps the connection";

    TopicReader dl(bootstrap_, dl_topic_, 1);
    const auto& letters = dl.read_until(4, 60s);
    ASSERT_EQ(letters.size(), 4u);
    const std::vector<std::string> reasons = {"invalid_json", "invalid_field:type", "not_an_object", "invalid_json"};
    for (std::size_t i = 0; i < reasons.size(); ++i) {
        EXPECT_NE(letters[i].value.find(R"("reason":")" + reasons[i] + "\""), std::string::npos) << letters[i].value;
        EXPECT_NE(letters[i].value.find(R"("source":"gateway")"), std::string::npos);
    }
    std::string payload;
    pipeline::append_json_string(payload, bad_type);
    EXPECT_NE(letters[1].value.find(R"("payload":)" + payload), std::string::npos) << letters[1].value;
    TopicReader raw(bootstrap_, raw_topic_, kRawPartitions);
    const auto& records = raw.read_until(2, 60s);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ((std::set<std::string>{event_id_of(records[0].value), event_id_of(records[1].value)}),
              (std::set<std::string>{"r0", "r4"}));
}

TEST_F(GatewayIT, HttpRefusesTypeSizeAndTokenBeforeReadingTheBody) {
    start_gateway({{"GATEWAY_MAX_MESSAGE_BYTES", "2000"}, {"GATEWAY_TOKEN", "pk-123"}});
    const std::string one = make_event("t-1", "u");
    const auto refused = [&](std::string body, std::string_view type, std::string target,
                             int status, const std::string& reason, bool chunked = false) {
        HttpTestClient http(gateway_->port());
        const auto res = http.request("POST", target, std::move(body),
                                      {{"Content-Type", std::string(type)}}, 60s, chunked);
        ASSERT_TRUE(res) << target;
        EXPECT_EQ(res->status, status) << res->body;
        EXPECT_EQ(res->body, R"({"error":")" + reason + R"("})");
        EXPECT_EQ(res->header("connection"), "close");
    };
    refused(one, "application/json", "/v1/events", 401, "unauthorized");
    refused(one, "application/json", "/v1/events?token=wrong", 401, "unauthorized");
    refused(one, "application/x-www-form-urlencoded", "/v1/events?token=pk-123", 415, "unsupported_content_type");
    refused(std::string(3000, ' ') + one, "application/json", "/v1/events?token=pk-123", 413, "message_too_large");
    refused(std::string(3000, ' ') + one, "application/json", "/v1/events?token=pk-123", 413, "message_too_large",
            /*chunked=*/true);

    // The token as a query parameter (browsers), or as a bearer header.
    HttpTestClient http(gateway_->port());
    auto res = http.post(one, "application/json", {}, "/v1/events?token=pk-123");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
    res = http.post(make_event("t-2", "u"), "application/json", {{"Authorization", "Bearer pk-123"}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;

    TopicReader raw(bootstrap_, raw_topic_, kRawPartitions);
    EXPECT_EQ(raw.read_until(2, 60s).size(), 2u);
    EXPECT_EQ(raw.read_for(2s).size(), 2u) << "a refused body reached Kafka";
    EXPECT_EQ(metric_line(gateway_->port(), "gateway_auth_failures_total"), "gateway_auth_failures_total 2");
}

// Bodies past the 16 KiB other requests may carry: taken up to GATEWAY_MAX_MESSAGE_BYTES,
// answered 413 above it (not a reset connection).
TEST_F(GatewayIT, HttpTakesBodiesUpToTheMessageLimit) {
    start_gateway({{"GATEWAY_MAX_MESSAGE_BYTES", "100000"}});
    std::vector<std::string> events;
    std::string body;
    while (body.size() < 60 * 1024) {
        events.push_back(make_event("big-" + std::to_string(events.size()), "u"));
        body = batch(events);
    }
    HttpTestClient http(gateway_->port());
    auto res = http.post(body);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(res->body, R"({"accepted":)" + std::to_string(events.size()) + R"(,"rejected":[]})");

    res = HttpTestClient(gateway_->port()).post(std::string(150000, ' ') + body);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 413) << res->body;
    EXPECT_EQ(res->body, R"({"error":"message_too_large"})");

    res = HttpTestClient(gateway_->port()).request("GET", "/health", std::string(20000, 'x'));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 413);
}

TEST_F(GatewayIT, HttpCorsAnswersListedOriginsAndRefusesOthers) {
    start_gateway({{"GATEWAY_CORS_ORIGINS", "http://shop.example:8000"}});
    HttpTestClient http(gateway_->port());
    auto res = http.request("OPTIONS", "/v1/events", "",
                            {{"Origin", "http://shop.example:8000"},
                             {"Access-Control-Request-Method", "POST"},
                             {"Access-Control-Request-Headers", "content-type"}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 204);
    EXPECT_EQ(res->header("access-control-allow-origin"), "http://shop.example:8000");
    EXPECT_NE(res->header("access-control-allow-methods").find("POST"), std::string::npos);
    EXPECT_NE(res->header("access-control-allow-headers").find("Content-Type"), std::string::npos);

    res = http.request("OPTIONS", "/v1/events", "", {{"Origin", "http://evil.example"}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 403);
    EXPECT_EQ(res->header("access-control-allow-origin"), "");

    res = http.post(make_event("c-1", "u"), "text/plain", {{"Origin", "http://shop.example:8000"}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->header("access-control-allow-origin"), "http://shop.example:8000");

    // The gateway's own origin (a page it serves) needs no listing.
    const std::string self = "http://127.0.0.1:" + std::to_string(gateway_->port());
    HttpTestClient same(gateway_->port(), "127.0.0.1:" + std::to_string(gateway_->port()));
    res = same.post(make_event("c-2", "u"), "text/plain", {{"Origin", self}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->header("access-control-allow-origin"), self);

    // A page of another origin: a text/plain post needs no preflight, so the gateway itself
    // refuses it (CORS alone would only hide the answer from the page).
    HttpTestClient evil(gateway_->port());
    res = evil.post(make_event("c-evil", "u"), "text/plain", {{"Origin", "http://evil.example"}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 403);
    EXPECT_EQ(res->body, R"({"error":"origin_not_allowed"})");
    EXPECT_EQ(res->header("access-control-allow-origin"), "");
    // So is its WebSocket upgrade (CORS does not cover WebSockets).
    HttpTestClient upgrade(gateway_->port());
    res = upgrade.request("GET", "/ws/events", "",
                          {{"Origin", "http://evil.example"}, {"Connection", "Upgrade"},
                           {"Upgrade", "websocket"}, {"Sec-WebSocket-Version", "13"},
                           {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 403);

    TopicReader raw(bootstrap_, raw_topic_, kRawPartitions);
    const auto& records = raw.read_until(2, 60s);
    raw.read_for(2s);
    ASSERT_EQ(records.size(), 2u);
    for (const auto& r : records) EXPECT_NE(event_id_of(r.value), "c-evil");
    EXPECT_EQ(metric_line(gateway_->port(), "gateway_origin_refusals_total"), "gateway_origin_refusals_total 3");
}

// No broker: the first post's records wait in librdkafka and close the gate (high water 3);
// the next post is told to come back (429). On SIGTERM a post on an open connection gets 503,
// and the first post, never delivered, gets 503 too: nothing undelivered is claimed.
TEST_F(GatewayIT, HttpBackPressureAndShutdownAnswer429And503WithRetryAfter) {
    start_gateway({{"KAFKA_BOOTSTRAP", "127.0.0.1:" + std::to_string(free_port())},
                   {"GATEWAY_QUEUE_HIGH_WATER", "3"},
                   {"GATEWAY_QUEUE_LOW_WATER", "1"},
                   {"GATEWAY_RETRY_AFTER_S", "2"},
                   {"GATEWAY_SHUTDOWN_TIMEOUT_MS", "2000"}},
                  /*wait_healthy=*/false);
    const auto port = gateway_->port();
    auto first = std::async(std::launch::async, [port] {
        HttpTestClient http(port);
        std::vector<std::string> events;
        for (int i = 0; i < 5; ++i) events.push_back(make_event("bp-" + std::to_string(i), "u"));
        return http.post(batch(events), "application/json");
    });
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (metric_line(port, "gateway_kafka_inflight_records") != "gateway_kafka_inflight_records 5" &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(50ms);
    }
    ASSERT_EQ(metric_line(port, "gateway_kafka_inflight_records"), "gateway_kafka_inflight_records 5");
    HttpTestClient second(port);
    auto res = second.post(make_event("bp-late", "u"), "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 429);
    EXPECT_EQ(res->header("retry-after"), "2");
    EXPECT_EQ(res->body, R"({"error":"backpressure"})");
    EXPECT_EQ(metric_line(port, "gateway_backpressure_active"), "gateway_backpressure_active 1");
    EXPECT_EQ(metric_line(port, "gateway_http_backpressure_refusals_total"),
              "gateway_http_backpressure_refusals_total 1");

    HttpTestClient open_connection(port);
    ASSERT_TRUE(open_connection.request("GET", "/health"));  // 503 (no broker), keep-alive
    ASSERT_EQ(::kill(gateway_->pid(), SIGTERM), 0);
    std::this_thread::sleep_for(300ms);
    res = open_connection.post(make_event("bp-stopping", "u"), "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 503);
    EXPECT_EQ(res->body, R"({"error":"shutting_down"})");
    EXPECT_EQ(res->header("retry-after"), "2");

    const auto answer = first.get();
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 503);
    EXPECT_EQ(answer->body, R"({"error":"delivery_failed"})");
    EXPECT_EQ(answer->header("retry-after"), "2");
    EXPECT_EQ(gateway_->wait_exit(30s), 0);
}

TEST_F(GatewayIT, TrackerScriptIsServedWithCachingHeaders) {
    const auto dir = std::filesystem::temp_directory_path() / unique_name("tracker");
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "tracker.js") << "window.analytics={};";
    std::ofstream(dir / "tracker.js.gz") << "pretend-gzip";
    std::ofstream(dir / "tracker.mjs") << "export const x=1;";
    start_gateway({{"GATEWAY_TRACKER_DIR", dir.string()}});
    HttpTestClient http(gateway_->port());
    auto res = http.request("GET", "/tracker.js");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, "window.analytics={};");
    EXPECT_EQ(res->header("content-type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(res->header("cache-control"), "public, max-age=300");
    EXPECT_EQ(res->header("access-control-allow-origin"), "*");
    const auto etag = res->header("etag");
    EXPECT_FALSE(etag.empty());
    res = http.request("GET", "/tracker.js", "", {{"Accept-Encoding", "gzip, br"}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->header("content-encoding"), "gzip");
    EXPECT_EQ(res->body, "pretend-gzip");
    res = http.request("GET", "/tracker.js", "", {{"If-None-Match", etag}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 304);
    EXPECT_EQ(res->body, "");
    res = http.request("GET", "/tracker.mjs");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body, "export const x=1;");
    EXPECT_EQ(http.connections_opened(), 1);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gateway::test
