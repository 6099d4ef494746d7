#include "noop_sink.hpp"

#include <gtest/gtest.h>

#include "backpressure_gate.hpp"
#include "common/message_parser.hpp"
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

// A message's run of records: all taken at once, counted once, the tracker done when the
// session lets go of it.
TEST(NoopSink, ProducesARunOfRecords) {
    Metrics metrics;
    BackpressureGate gate(100, 50, metrics);
    NoopSink sink(metrics, gate);
    pipeline::EventRecords records;
    records.data = "u1{}u2{}u3{}";
    for (std::size_t i = 0; i < 3; ++i) {
        records.accepted.push_back({static_cast<int>(i), 4 * i, 2, 4 * i + 2, 2});
    }
    int done = 0;
    auto* tracker = DeliveryTracker::create([&](bool ok) { done += ok ? 1 : 100; });
    EXPECT_EQ(sink.produce_events(records, 1, tracker), 2u);
    EXPECT_EQ(sink.produce_events(records, 3, tracker), 0u);
    EXPECT_EQ(done, 0);
    tracker->release(true);
    EXPECT_EQ(done, 1);
    EXPECT_EQ(metrics.events_delivered.load(), 2u);
    EXPECT_EQ(gate.in_flight(), 0);
}

}  // namespace
}  // namespace gateway
