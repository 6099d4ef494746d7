#pragma once
// Where a session's records go: KafkaProducer (gateway-bench also has NoopSink, which
// acknowledges every record at once: bench/gateway/noop_sink.hpp). Sessions, the HTTP health
// check and the server's shutdown see only this interface.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace pipeline {
struct EventRecords;
}

namespace gateway {

class DeliveryTracker;

enum class ProduceStatus { ok, queue_full, failed };

class EventSink {
public:
    virtual ~EventSink() = default;

    // Starts background threads (if any).
    virtual void start() = 0;

    // Thread safe. On ok the tracker gets the delivery report later (possibly before this
    // returns); on failed it has already been completed as failed; on queue_full nothing
    // happened: try again later.
    virtual ProduceStatus produce_event(std::string_view key, std::string_view value,
                                        DeliveryTracker* tracker) = 0;
    virtual ProduceStatus produce_dead_letter(std::string_view value,
                                              DeliveryTracker* tracker) = 0;
    // Thread safe. produce_event for the accepted records [first, end) of one message, in
    // order, all for `tracker` (the counting done once for the run, not per record). Returns
    // how many were handed over (each taken or, on a permanent error, completed as failed);
    // fewer than asked means the next one got queue_full: produce it again later.
    virtual std::size_t produce_events(const pipeline::EventRecords& records, std::size_t first,
                                       DeliveryTracker* tracker) = 0;

    // Thread safe. One heartbeat record into every partition of the raw topic whose previous
    // heartbeat was delivered, saying whether the gateway is quiet (README "Heartbeats").
    virtual void send_heartbeats(bool quiet) = 0;

    // True while records can be delivered (GET /health is 200).
    virtual bool healthy() const noexcept = 0;
    // Why it is not healthy ("" when it is).
    virtual std::string health_problem() const = 0;

    // Waits up to `timeout` for every record's delivery report. True when drained.
    virtual bool flush(std::chrono::milliseconds timeout) = 0;
    // Fails whatever is still queued or in flight (their trackers complete as failed).
    virtual void purge() = 0;
    // Stops the threads; every tracker has completed afterwards. Safe to call twice.
    virtual void stop() = 0;
};

}  // namespace gateway
