#include "pending_message.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ack_json.hpp"
#include "event_sink.hpp"
#include "metrics.hpp"

namespace gateway {
namespace {

// Takes `room` records, then says QUEUE_FULL; keeps what it took; reports delivery on demand.
class FakeSink : public EventSink {
public:
    std::size_t room = 1000;
    std::vector<std::string> events, dead_letters;
    std::vector<DeliveryTracker*> pending;

    void start() override {}
    ProduceStatus produce_event(std::string_view, std::string_view value,
                                DeliveryTracker* tracker) override {
        if (room == 0) return ProduceStatus::queue_full;
        --room;
        tracker->add_record();
        pending.push_back(tracker);
        events.emplace_back(value);
        return ProduceStatus::ok;
    }
    ProduceStatus produce_dead_letter(std::string_view value, DeliveryTracker*) override {
        if (room == 0) return ProduceStatus::queue_full;
        --room;
        dead_letters.emplace_back(value);
        return ProduceStatus::ok;
    }
    std::size_t produce_events(const pipeline::EventRecords& r, std::size_t first,
                               DeliveryTracker* tracker) override {
        std::size_t n = 0;
        for (std::size_t i = first; i < r.accepted.size(); ++i, ++n) {
            if (produce_event(r.key(r.accepted[i]), r.value(r.accepted[i]), tracker) !=
                ProduceStatus::ok) {
                break;
            }
        }
        return n;
    }
    void deliver_all(bool ok) {
        for (auto* t : std::exchange(pending, {})) t->complete(ok);
    }
    bool healthy() const noexcept override { return true; }
    std::string health_problem() const override { return ""; }
    void send_heartbeats(bool) override {}
    bool flush(std::chrono::milliseconds) override { return true; }
    void purge() override {}
    void stop() override {}
};

void two_events_one_reject(pipeline::EventRecords& r) {
    r.data = "u1{\"a\":1}u2{\"b\":2}";
    r.accepted.push_back({0, 0, 2, 2, 7});
    r.accepted.push_back({2, 9, 2, 11, 7});
    r.rejected.push_back({1, pipeline::RejectReason::invalid_type, "{\"type\":\"X\"}"});
}

TEST(PendingMessage, ProducesEventsThenDeadLettersAndReportsOnceDelivered) {
    Metrics metrics;
    FakeSink sink;
    DeadLetterIds ids;
    PendingMessage pending;
    two_events_one_reject(pending.records());
    int done = 0;
    bool result = false;
    pending.start(1700000000000, metrics, [&](bool ok) {
        ++done;
        result = ok;
    });
    EXPECT_EQ(pending.rejections().size(), 1u);
    EXPECT_EQ(pending.rejections()[0].index, 1);
    EXPECT_EQ(metrics.events_accepted.load(), 2u);
    EXPECT_EQ(metrics.rejected_total(), 1u);
    EXPECT_TRUE(pending.produce(sink, ids));
    EXPECT_FALSE(pending.producing());
    EXPECT_EQ(sink.events, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"}));
    ASSERT_EQ(sink.dead_letters.size(), 1u);
    EXPECT_NE(sink.dead_letters[0].find("\"reason\":\"invalid_field:type\""), std::string::npos);
    EXPECT_NE(sink.dead_letters[0].find("\"id\":\""), std::string::npos);
    EXPECT_EQ(done, 0);  // not before Kafka's delivery reports
    sink.deliver_all(true);
    EXPECT_EQ(done, 1);
    EXPECT_TRUE(result);
}

TEST(PendingMessage, AFullQueueIsRetriedWithoutLosingOrRepeatingARecord) {
    Metrics metrics;
    FakeSink sink;
    sink.room = 1;
    DeadLetterIds ids;
    PendingMessage pending;
    two_events_one_reject(pending.records());
    bool result = false;
    pending.start(1, metrics, [&](bool ok) { result = ok; });
    EXPECT_FALSE(pending.produce(sink, ids));
    EXPECT_TRUE(pending.producing());
    sink.room = 1;
    EXPECT_FALSE(pending.produce(sink, ids));  // the second event taken, the dead letter not yet
    sink.room = 10;
    EXPECT_TRUE(pending.produce(sink, ids));
    EXPECT_EQ(sink.events.size(), 2u);
    EXPECT_EQ(sink.dead_letters.size(), 1u);
    sink.deliver_all(true);
    EXPECT_TRUE(result);
}

TEST(PendingMessage, AFailedDeliveryOrAnAbandonedMessageReportsNotOk) {
    Metrics metrics;
    FakeSink sink;
    DeadLetterIds ids;
    PendingMessage pending;
    two_events_one_reject(pending.records());
    int done = 0;
    bool result = true;
    pending.start(1, metrics, [&](bool ok) { ++done; result = ok; });
    EXPECT_TRUE(pending.produce(sink, ids));
    sink.deliver_all(false);
    EXPECT_EQ(done, 1);
    EXPECT_FALSE(result);

    sink.room = 0;
    two_events_one_reject(pending.records());
    result = true;
    pending.start(1, metrics, [&](bool ok) { ++done; result = ok; });
    EXPECT_FALSE(pending.produce(sink, ids));
    pending.abandon();
    EXPECT_EQ(done, 2);
    EXPECT_FALSE(result);
    EXPECT_FALSE(pending.producing());
    pending.abandon();  // idle: nothing happens
    EXPECT_EQ(done, 2);
}

}  // namespace
}  // namespace gateway
