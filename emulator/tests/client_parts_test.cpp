// The client's pure parts: acks, backoff, latency histogram, URL, messages, exit codes,
// and the generator's building blocks (Rng, WeightedSampler, Zipf).

#include <gtest/gtest.h>
#include <simdjson.h>

#include <regex>

#include "ack.hpp"
#include "backoff.hpp"
#include "latency_histogram.hpp"
#include "out_message.hpp"
#include "rng.hpp"
#include "run_outcome.hpp"
#include "weighted_sampler.hpp"
#include "ws_url.hpp"
#include "zipf_distribution.hpp"

namespace pipeline::emulator {
namespace {

TEST(Ack, ParsesAcceptedAndRejected) {
    std::string error;
    const auto ack = parse_ack(
        R"({"ack":7,"accepted":2,"rejected":[{"index":1,"reason":"missing user_id"}]})", error);
    ASSERT_TRUE(ack) << error;
    EXPECT_EQ(ack->ack, 7u);
    EXPECT_EQ(ack->accepted, 2u);
    ASSERT_EQ(ack->rejected.size(), 1u);
    EXPECT_EQ(ack->rejected[0].index, 1);
    EXPECT_EQ(ack->rejected[0].reason, "missing user_id");

    const auto whole = parse_ack(R"({"ack":1,"accepted":0,"rejected":[{"index":-1,"reason":"bad json"}]})", error);
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->rejected[0].index, -1);

    const auto minimal = parse_ack(R"({"accepted":3,"ack":2,"extra":true})", error);
    ASSERT_TRUE(minimal);
    EXPECT_TRUE(minimal->rejected.empty());
}

TEST(Ack, RejectsMalformedFrames) {
    std::string error;
    EXPECT_FALSE(parse_ack("not json", error));
    EXPECT_FALSE(parse_ack(R"({"accepted":1})", error));
    EXPECT_FALSE(parse_ack(R"({"ack":-1,"accepted":1})", error));
    EXPECT_FALSE(parse_ack(R"({"ack":1,"accepted":1,"rejected":{}})", error));
    EXPECT_FALSE(parse_ack(R"({"ack":1,"accepted":1} trailing)", error));
    EXPECT_FALSE(parse_ack("[1,2]", error));
}

TEST(Backoff, GrowsExponentiallyWithJitterUpToTheCap) {
    Backoff backoff(100, 5000, 1);
    std::int64_t ceiling = 100;
    for (int i = 0; i < 12; ++i) {
        const std::int64_t d = backoff.next_delay_ms();
        EXPECT_GE(d, ceiling / 2) << "attempt " << i;
        EXPECT_LE(d, ceiling) << "attempt " << i;
        ceiling = std::min<std::int64_t>(ceiling * 2, 5000);
    }
    backoff.reset();
    EXPECT_LE(backoff.next_delay_ms(), 100);
    // Jitter: two clients with different seeds do not retry in lockstep.
    Backoff a(1000, 60000, 1), b(1000, 60000, 2);
    int differ = 0;
    for (int i = 0; i < 5; ++i) differ += a.next_delay_ms() != b.next_delay_ms();
    EXPECT_GT(differ, 0);
}

TEST(LatencyHistogram, PercentilesWithinTheBucketPrecision) {
    LatencyHistogram h;
    for (std::int64_t ms = 1; ms <= 1000; ++ms) h.record(ms * 1000);
    EXPECT_EQ(h.count(), 1000u);
    EXPECT_NEAR(static_cast<double>(h.percentile(0.50)), 500'000, 500'000 * 0.02);
    EXPECT_NEAR(static_cast<double>(h.percentile(0.99)), 990'000, 990'000 * 0.02);
    EXPECT_EQ(h.max(), 1'000'000);
    EXPECT_LE(h.percentile(1.0), h.max());
    LatencyHistogram small;
    small.record(5);
    small.record(70);
    EXPECT_EQ(small.percentile(0.5), 5);
    EXPECT_EQ(small.percentile(1.0), 70);
    h.merge(small);
    EXPECT_EQ(h.count(), 1002u);
    EXPECT_EQ(LatencyHistogram().percentile(0.5), 0);
}

TEST(WsUrl, Parses) {
    const WsUrl u = parse_ws_url("ws://127.0.0.1:8080/ws/events");
    EXPECT_EQ(u.host, "127.0.0.1");
    EXPECT_EQ(u.port, "8080");
    EXPECT_EQ(u.target, "/ws/events");
    const WsUrl d = parse_ws_url("ws://gateway");
    EXPECT_EQ(d.port, "80");
    EXPECT_EQ(d.target, "/");
    EXPECT_EQ(parse_ws_url("ws://[::1]:9000/x").host, "::1");
    EXPECT_THROW(parse_ws_url("wss://h/x"), std::invalid_argument);
    EXPECT_THROW(parse_ws_url("ws://h:0/x"), std::invalid_argument);
    EXPECT_THROW(parse_ws_url("ws://:80/x"), std::invalid_argument);
}

TEST(OutMessage, IsAJsonArrayOfTheEventsWithTheirIds) {
    std::vector<Event> events(2);
    events[0].event_id = "a";
    events[0].user_id = "u";
    events[0].type = "click";
    events[0].ts_ms = 1'700'000'000'000;
    events[1].event_id = "b";
    events[1].user_id = "u";
    events[1].type = "page_view";
    events[1].ts_ms = 1'700'000'000'001;
    events[1].page = "/item/1";
    events[1].props = {{"price", 9.5}};
    const OutMessage m = make_message(events);
    EXPECT_EQ(m.event_ids, (std::vector<std::string>{"a", "b"}));
    simdjson::dom::parser parser;
    simdjson::dom::array array;
    ASSERT_FALSE(parser.parse(*m.payload).get_array().get(array));
    EXPECT_EQ(array.size(), 2u);
    EXPECT_EQ(std::string_view(array.at(1)["page"]), "/item/1");
}

TEST(RunOutcome, ExitCodes) {
    EXPECT_EQ(exit_code({}), kExitOk);
    EXPECT_EQ(exit_code({.rejected_events = 1, .bad_input_lines = 1, .unacked_events = 1}),
              kExitRejected);
    EXPECT_EQ(exit_code({.bad_input_lines = 2, .unacked_events = 1}), kExitBadInput);
    EXPECT_EQ(exit_code({.unacked_events = 1}), kExitUnacked);
    EXPECT_TRUE(describe_rejections(0, {}).empty());
}

TEST(Rng, IsDeterministicAndMakesVersion4Uuids) {
    Rng a(5), b(5);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
    const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    for (int i = 0; i < 100; ++i) EXPECT_TRUE(std::regex_match(a.uuid(), uuid));
    double sum = 0;
    for (int i = 0; i < 100'000; ++i) {
        const double u = a.uniform();
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        sum += u;
    }
    EXPECT_NEAR(sum / 100'000, 0.5, 0.005);
    for (int i = 0; i < 1000; ++i) {
        const auto v = a.between(-3, 3);
        ASSERT_GE(v, -3);
        ASSERT_LE(v, 3);
    }
}

TEST(WeightedSampler, PicksInProportionAndNeverAZeroWeight) {
    WeightedSampler s;
    s.push_back(1);
    s.push_back(0);
    s.push_back(3);
    s.push_back(6);
    Rng rng(9);
    std::array<int, 4> hits{};
    for (int i = 0; i < 100'000; ++i) ++hits[*s.sample(rng)];
    EXPECT_EQ(hits[1], 0);
    EXPECT_NEAR(hits[0], 10'000, 500);
    EXPECT_NEAR(hits[2], 30'000, 800);
    EXPECT_NEAR(hits[3], 60'000, 800);
    s.set(3, 0);
    s.set(1, 1);
    EXPECT_EQ(s.total(), 5u);
    hits = {};
    for (int i = 0; i < 50'000; ++i) ++hits[*s.sample(rng)];
    EXPECT_EQ(hits[3], 0);
    EXPECT_NEAR(hits[2], 30'000, 800);
    for (std::size_t i = 0; i < 4; ++i) s.set(i, 0);
    EXPECT_FALSE(s.sample(rng));
    // Growing one by one keeps the tree consistent.
    WeightedSampler g;
    for (int i = 0; i < 1000; ++i) g.push_back(i % 3 == 0 ? 2 : 0);
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(*g.sample(rng) % 3, 0u);
}

TEST(Zipf, RankZeroIsMostLikely) {
    const ZipfDistribution z(100, 1.0);
    Rng rng(4);
    std::vector<int> hits(100);
    for (int i = 0; i < 100'000; ++i) ++hits[z(rng)];
    EXPECT_NEAR(hits[0] / 100'000.0, z.probability(0), 0.01);
    EXPECT_GT(hits[0], hits[1]);
    EXPECT_GT(hits[1], hits[10]);
}

}  // namespace
}  // namespace pipeline::emulator
