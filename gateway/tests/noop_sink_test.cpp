#include "noop_sink.hpp"

#include <gtest/gtest.h>

#include "backpressure_gate.hpp"
#include "delivery_tracker.hpp"
#include "metrics.hpp"

namespace gateway {
namespace {

// The no-op sink (benchmarks) completes every record at once, with the same bookkeeping a
// Kafka delivery report does.
TEST(NoopSink, DeliversAtOnceWithoutABroker) {
    Metrics metrics;
    BackpressureGate gate(100, 50, metrics);
    NoopSink sink(metrics, gate);
    EXPECT_TRUE(sink.healthy());
    int done = 0;
    bool result = false;
    auto* tracker = DeliveryTracker::create([&](bool ok) {
        ++done;
        result = ok;
    });
    EXPECT_EQ(sink.produce_event("user", "{}", tracker), ProduceStatus::ok);
    EXPECT_EQ(sink.produce_event("user", "{}", tracker), ProduceStatus::ok);
    EXPECT_EQ(sink.produce_dead_letter("{}", nullptr), ProduceStatus::ok);
    EXPECT_EQ(done, 0);  // the session's guard reference is still held
    tracker->release(true);
    EXPECT_EQ(done, 1);
    EXPECT_TRUE(result);
    EXPECT_EQ(metrics.events_delivered.load(), 2u);
    EXPECT_EQ(metrics.deadletters_delivered.load(), 1u);
    EXPECT_EQ(gate.in_flight(), 0);
    EXPECT_TRUE(sink.flush(std::chrono::milliseconds(1)));
}

}  // namespace
}  // namespace gateway
