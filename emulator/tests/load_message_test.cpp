// The load mode's message template (load_message.hpp): what it patches must leave valid
// events (by the gateway's own validator), ids of their own in every message, and the size
// asked for.

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <stdexcept>
#include <string>

#include "common/message_parser.hpp"
#include "load_message.hpp"
#include "rng.hpp"

namespace pipeline::emulator {
namespace {

constexpr std::int64_t kNow = 1'764'150'000'000;  // 2025-11-26

TEST(LoadMessage, EveryEventIsValidForTheGatewayAndHasAnIdOfItsOwn) {
    Rng rng(11);
    LoadMessageMaker maker(rng, 3, 50, 200);
    const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    std::set<std::string> ids;
    std::set<std::string> users;
    constexpr int kMessages = 200;
    for (int m = 0; m < kMessages; ++m) {
        const std::int64_t now = kNow + m;
        const OutMessage message = maker.make(rng, now);
        const ParsedMessage parsed = parse_message(*message.payload, Limits{}, now);
        ASSERT_TRUE(parsed.rejected.empty())
            << "message " << m << ": " << to_string(parsed.rejected[0].reason);
        ASSERT_EQ(parsed.accepted.size(), 50u);
        ASSERT_EQ(message.event_count(), 50u);
        for (std::size_t k = 0; k < parsed.accepted.size(); ++k) {
            const Event& e = parsed.accepted[k].event;
            EXPECT_EQ(e.event_id, message.event_id(k)) << "the ids the client reports by";
            EXPECT_EQ(e.ts_ms, now) << "ts is the send time";
            EXPECT_TRUE(e.user_id.starts_with("load-3-")) << e.user_id;
            if (m < 2) {
                EXPECT_TRUE(std::regex_match(e.event_id, uuid)) << e.event_id;
            }
            ids.insert(e.event_id);
            users.insert(e.user_id);
        }
    }
    EXPECT_EQ(ids.size(), 50u * kMessages) << "every event id is new";
    // 10 000 draws of 20 000 user ids give ~7 900 distinct ones: the Kafka keys spread.
    EXPECT_GT(users.size(), 5000u);
}

TEST(LoadMessage, EventsHaveAboutTheAskedSize) {
    for (const std::size_t bytes : {200u, 500u, 2000u, 20000u}) {
        Rng rng(5);
        LoadMessageMaker maker(rng, 0, 20, bytes);
        const OutMessage message = maker.make(rng, kNow);
        const ParsedMessage parsed = parse_message(*message.payload, Limits{}, kNow);
        ASSERT_EQ(parsed.accepted.size(), 20u);
        const double per_event = static_cast<double>(message.payload->size() - 2) / 20.0;
        EXPECT_NEAR(per_event, static_cast<double>(bytes), 0.05 * static_cast<double>(bytes))
            << bytes;
    }
}

TEST(LoadMessage, AHeldMessageKeepsItsTextAndAReleasedBufferIsReused) {
    Rng rng(2);
    LoadMessageMaker maker(rng, 1, 10, 200);
    OutMessage first = maker.make(rng, kNow);
    const std::string first_text = *first.payload;
    const std::string first_id = first.event_id(0);
    OutMessage second = maker.make(rng, kNow + 1);
    EXPECT_EQ(*first.payload, first_text) << "a message in flight is never written again";
    EXPECT_NE(second.event_id(0), first_id);
    const std::string* buffer = first.payload.get();
    first = OutMessage{};  // acked: the client lets go of it
    const OutMessage third = maker.make(rng, kNow + 2);
    EXPECT_EQ(third.payload.get(), buffer) << "the buffer came back";
    EXPECT_NE(third.event_id(0), first_id);
    EXPECT_EQ(third.payload->size(), first_text.size());
}

TEST(LoadMessage, TheTimestampMustHave13Digits) {
    Rng rng(1);
    LoadMessageMaker maker(rng, 0, 2, 200);
    EXPECT_THROW(maker.make(rng, 999'999'999'999), std::out_of_range);
    EXPECT_THROW(maker.make(rng, 10'000'000'000'000), std::out_of_range);
    EXPECT_NO_THROW(maker.make(rng, kNow));
}

}  // namespace
}  // namespace pipeline::emulator
