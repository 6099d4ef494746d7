#include "noop_sink.hpp"

#include "backpressure_gate.hpp"
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
