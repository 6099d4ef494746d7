#include "pending_message.hpp"

#include "event_sink.hpp"
#include "metrics.hpp"

namespace gateway {

namespace {
// A buffer grown by one large message is given back when it is above this.
constexpr std::size_t kKeepBufferCapacity = 256 * 1024;
// The same for the records of one message (their JSON is kept in a buffer of the above).
constexpr std::size_t kKeepRecords = 4096;
}  // namespace

void PendingMessage::start(std::int64_t received_at_ms, Metrics& metrics,
                           DeliveryTracker::Done done) {
    for (const auto& r : records_.rejected) metrics.count_reject(r.reason);
    metrics.events_accepted.fetch_add(records_.accepted.size(), std::memory_order_relaxed);
    received_at_ms_ = received_at_ms;
    next_record_ = 0;
    tracker_ = DeliveryTracker::create(std::move(done));
}

bool PendingMessage::produce(EventSink& sink, DeadLetterIds& ids) {
    const std::size_t accepted = records_.accepted.size();
    const std::size_t total = accepted + records_.rejected.size();
    while (next_record_ < total) {
        if (next_record_ < accepted) {
            next_record_ += sink.produce_events(records_, next_record_, tracker_);
            if (next_record_ < accepted) return false;  // QUEUE_FULL
            continue;
        }
        const auto& r = records_.rejected[next_record_ - accepted];
        scratch_.clear();
        append_dead_letter_json(scratch_, received_at_ms_, pipeline::to_string(r.reason), r.raw,
                                ids.next());
        // Dead letters are best effort: they neither hold up nor fail the answer.
        if (sink.produce_dead_letter(scratch_, nullptr) == ProduceStatus::queue_full) {
            return false;
        }
        ++next_record_;
    }
    finish(true);
    return true;
}

void PendingMessage::abandon() {
    if (producing()) finish(false);
}

std::vector<AckRejection> PendingMessage::rejections() const {
    std::vector<AckRejection> out;
    out.reserve(records_.rejected.size());
    for (const auto& r : records_.rejected) out.push_back(AckRejection{r.index, r.reason});
    return out;
}

void PendingMessage::finish(bool ok) {
    if (records_.data.capacity() > kKeepBufferCapacity ||
        records_.accepted.capacity() > kKeepRecords) {
        records_ = {};  // give back what one large message grew
    } else {
        records_.clear();
    }
    std::exchange(tracker_, nullptr)->release(ok);
}

}  // namespace gateway
