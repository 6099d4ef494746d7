#include "backpressure_gate.hpp"

#include <gtest/gtest.h>

#include "metrics.hpp"

namespace gateway {
namespace {

TEST(BackpressureGate, PassesBelowHighWater) {
    Metrics metrics;
    BackpressureGate gate(10, 5, metrics);
    gate.add(9);
    EXPECT_TRUE(gate.try_pass([] { FAIL() << "must not wait"; }));
    EXPECT_FALSE(gate.closed());
}

TEST(BackpressureGate, ClosesAtHighWaterAndOpensAtLowWater) {
    Metrics metrics;
    BackpressureGate gate(10, 5, metrics);
    int woken = 0;
    gate.add(10);
    EXPECT_FALSE(gate.try_pass([&] { ++woken; }));
    EXPECT_FALSE(gate.try_pass([&] { ++woken; }));
    EXPECT_TRUE(gate.closed());
    EXPECT_EQ(metrics.backpressure_pauses.load(), 2u);
    EXPECT_EQ(metrics.backpressure_active.load(), 1);
    EXPECT_EQ(gate.waiting(), 2u);

    gate.remove(4);  // 6 in flight: still above the low-water mark
    gate.maybe_open();
    EXPECT_EQ(woken, 0);
    // Hysteresis: below high water but not yet at low water, new readers still wait.
    EXPECT_FALSE(gate.try_pass([&] { ++woken; }));

    gate.remove(1);  // 5: at the low-water mark
    gate.maybe_open();
    EXPECT_EQ(woken, 3);
    EXPECT_FALSE(gate.closed());
    EXPECT_EQ(metrics.backpressure_active.load(), 0);
    EXPECT_TRUE(gate.try_pass([] {}));
    EXPECT_EQ(metrics.kafka_inflight_records.load(), 5);
}

// HTTP posts ask without waiting: the same closing and hysteresis, nobody registered.
TEST(BackpressureGate, AdmitsWithoutAWaiter) {
    Metrics metrics;
    BackpressureGate gate(10, 5, metrics);
    gate.add(9);
    EXPECT_TRUE(gate.admits());
    gate.add(1);
    EXPECT_FALSE(gate.admits());
    EXPECT_TRUE(gate.closed());
    EXPECT_EQ(metrics.backpressure_active.load(), 1);
    EXPECT_EQ(gate.waiting(), 0u);
    gate.remove(4);
    gate.maybe_open();
    EXPECT_FALSE(gate.admits());  // above the low-water mark
    gate.remove(1);
    gate.maybe_open();
    EXPECT_TRUE(gate.admits());
    gate.add(5);
    gate.open_for_good();
    EXPECT_TRUE(gate.admits());
}

TEST(BackpressureGate, OpenForGoodWakesEveryoneAndStaysOpen) {
    Metrics metrics;
    BackpressureGate gate(2, 1, metrics);
    gate.add(5);
    int woken = 0;
    EXPECT_FALSE(gate.try_pass([&] { ++woken; }));
    gate.open_for_good();
    EXPECT_EQ(woken, 1);
    EXPECT_TRUE(gate.try_pass([&] { ++woken; }));
}

}  // namespace
}  // namespace gateway
