#include "message_slots.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace gateway {
namespace {

TEST(MessageSlots, AtMostTheLimitInUseAndWaitersServedInOrder) {
    MessageSlots slots(2);
    std::vector<int> woken;
    EXPECT_TRUE(slots.try_acquire([] {}));
    EXPECT_TRUE(slots.try_acquire([] {}));
    EXPECT_FALSE(slots.try_acquire([&] { woken.push_back(1); }));
    EXPECT_FALSE(slots.try_acquire([&] { woken.push_back(2); }));
    EXPECT_EQ(slots.in_use(), 2u);
    EXPECT_EQ(slots.waiting(), 2u);

    slots.release();  // handed to waiter 1
    EXPECT_EQ(woken, std::vector<int>{1});
    EXPECT_EQ(slots.in_use(), 2u);
    slots.release();  // to waiter 2
    EXPECT_EQ(woken, (std::vector<int>{1, 2}));
    slots.release();
    slots.release();
    EXPECT_EQ(slots.in_use(), 0u);
    EXPECT_EQ(slots.waiting(), 0u);
}

TEST(MessageSlots, OpenForGoodServesEveryWaiter) {
    MessageSlots slots(1);
    int woken = 0;
    EXPECT_TRUE(slots.try_acquire([] {}));
    EXPECT_FALSE(slots.try_acquire([&] { ++woken; }));
    EXPECT_FALSE(slots.try_acquire([&] { ++woken; }));
    slots.open_for_good();
    EXPECT_EQ(woken, 2);
    EXPECT_TRUE(slots.try_acquire([] {}));
}

TEST(MessageSlots, ASlotHoldsTheLargestMessageAndItsRecords) {
    EXPECT_EQ(MessageSlots::slot_bytes(1024 * 1024), 3u * (1024 * 1024 + 64));
}

}  // namespace
}  // namespace gateway
