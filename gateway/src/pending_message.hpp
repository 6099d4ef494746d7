#pragma once
// One client message on its way to Kafka, whichever way it came (a WebSocket message or an
// HTTP POST body): its parsed records, and the produce loop both paths share. The accepted
// events go to the raw topic under one DeliveryTracker (keyed by user_id, the canonical JSON
// with the client's event_id, the de-duplication key), then every rejection goes to the
// dead-letter topic with its reason. The buffers are reused from message to message.
//
// Lifetime: a session owns one; it holds one message at a time, from start() until produce()
// returns true or abandon() is called. The tracker it created lives on until the last delivery
// report (it is the records' opaque) and then calls `done` once.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ack_json.hpp"
#include "common/message_parser.hpp"
#include "delivery_tracker.hpp"

namespace gateway {

class DeadLetterIds;
class EventSink;
struct Metrics;

class PendingMessage {
public:
    // Where the parser writes the message (replacing the last one's records).
    pipeline::EventRecords& records() { return records_; }
    const pipeline::EventRecords& records() const { return records_; }

    // The parsed message is to be produced: counts its accepted and rejected entries in the
    // metrics, and creates the tracker that calls `done(ok)` once every accepted event has its
    // delivery report (ok = Kafka took them all).
    void start(std::int64_t received_at_ms, Metrics& metrics, DeliveryTracker::Done done);

    // Hands the records to the sink from where it stopped, each dead letter with the next of
    // `ids`. True: all handed over, the message is finished (`done` follows with the delivery
    // reports). False: the sink's queue is full; call again later (never drops a record).
    bool produce(EventSink& sink, DeadLetterIds& ids);

    // Gives up on the records not yet produced: `done` reports not ok. No-op when idle.
    void abandon();

    bool producing() const { return tracker_ != nullptr; }

    // The ack's rejections (index and reason) of the message.
    std::vector<AckRejection> rejections() const;

private:
    void finish(bool ok);

    pipeline::EventRecords records_;
    std::int64_t received_at_ms_ = 0;
    std::size_t next_record_ = 0;
    DeliveryTracker* tracker_ = nullptr;
    std::string scratch_;  // a dead letter's JSON
};

}  // namespace gateway
