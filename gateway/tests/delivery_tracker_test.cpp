#include "delivery_tracker.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace gateway {
namespace {

TEST(DeliveryTracker, DoneOnceAfterGuardAndAllRecords) {
    std::optional<bool> result;
    int calls = 0;
    auto* t = DeliveryTracker::create([&](bool ok) { result = ok; ++calls; });
    t->add_record();
    t->add_record();
    t->complete(true);
    t->release(true);
    EXPECT_EQ(calls, 0);
    t->complete(true);  // last one: done runs, tracker deletes itself
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(result, std::optional<bool>(true));
}

TEST(DeliveryTracker, AnyFailureFailsTheMessage) {
    std::optional<bool> result;
    auto* t = DeliveryTracker::create([&](bool ok) { result = ok; });
    t->add_record();
    t->add_record();
    t->complete(false);
    t->complete(true);
    t->release(true);
    EXPECT_EQ(result, std::optional<bool>(false));
}

TEST(DeliveryTracker, DroppedRecordsDoNotCount) {
    std::optional<bool> result;
    auto* t = DeliveryTracker::create([&](bool ok) { result = ok; });
    t->add_record();
    t->drop_record();  // QUEUE_FULL: will be produced again
    t->add_record();
    t->release(true);
    EXPECT_FALSE(result.has_value());
    t->complete(true);
    EXPECT_EQ(result, std::optional<bool>(true));
}

TEST(DeliveryTracker, EmptyMessageCompletesOnRelease) {
    std::optional<bool> result;
    DeliveryTracker::create([&](bool ok) { result = ok; })->release(true);
    EXPECT_EQ(result, std::optional<bool>(true));
}

// A run of records counted at once (KafkaProducer::produce_events): the message is done
// only when every one of them has completed, whether one by one or together.
TEST(DeliveryTracker, CountsARunOfRecordsAtOnce) {
    std::optional<bool> result;
    auto* t = DeliveryTracker::create([&](bool ok) { result = ok; });
    t->add_record(5);
    t->drop_record(2);  // two were not taken (QUEUE_FULL)
    t->release(true);
    t->complete(true);
    t->complete(true, 1);
    EXPECT_FALSE(result.has_value());
    t->complete(true);
    EXPECT_EQ(result, std::optional<bool>(true));

    result.reset();
    t = DeliveryTracker::create([&](bool ok) { result = ok; });
    t->add_record(3);
    t->complete(true, 2);
    t->release(true);
    EXPECT_FALSE(result.has_value());
    t->complete(false);
    EXPECT_EQ(result, std::optional<bool>(false));
}

}  // namespace
}  // namespace gateway
