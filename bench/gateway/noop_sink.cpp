#include "noop_sink.hpp"

#include "backpressure_gate.hpp"
#include "common/message_parser.hpp"
#include "delivery_tracker.hpp"
#include "metrics.hpp"

namespace gateway {

ProduceStatus NoopSink::produce_event(std::string_view, std::string_view,
                                      DeliveryTracker* tracker) {
    return deliver(true, tracker);
}

ProduceStatus NoopSink::produce_dead_letter(std::string_view, DeliveryTracker* tracker) {
    return deliver(false, tracker);
}

std::size_t NoopSink::produce_events(const pipeline::EventRecords& records, std::size_t first,
                                     DeliveryTracker* tracker) {
    if (first >= records.accepted.size()) return 0;
    const std::size_t n = records.accepted.size() - first;
    // The counting KafkaProducer::produce_events and its delivery reports do, once for the run.
    gate_.add(static_cast<std::int64_t>(n));
    metrics_.events_delivered.fetch_add(n, std::memory_order_relaxed);
    if (tracker) {
        tracker->add_record(static_cast<int>(n));
        tracker->complete(true, static_cast<int>(n));
    }
    gate_.remove(static_cast<std::int64_t>(n));
    return n;
}

// The same bookkeeping as a Kafka delivery report (gate count, tracker, metrics), so the
// benchmark measures everything but the broker.
ProduceStatus NoopSink::deliver(bool raw, DeliveryTracker* tracker) {
    gate_.add();
    if (raw) {
        metrics_.events_delivered.fetch_add(1, std::memory_order_relaxed);
    } else {
        metrics_.deadletters_delivered.fetch_add(1, std::memory_order_relaxed);
    }
    if (tracker) {
        tracker->add_record();
        tracker->complete(true);
    }
    gate_.remove();
    return ProduceStatus::ok;
}

}  // namespace gateway
