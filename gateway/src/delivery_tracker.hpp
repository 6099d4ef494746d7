#pragma once
// Counts the Kafka records of one client message until every delivery report is in.
// Created with one "guard" reference held by the connection while it is still producing
// the message's records; each produced record adds one. The last completion calls `done`
// exactly once (ok = no raw-topic record failed) and deletes the tracker. The tracker is
// the librdkafka message opaque, so it must outlive every record: hence the self-deletion.

#include <atomic>
#include <functional>

namespace gateway {

class DeliveryTracker {
public:
    using Done = std::function<void(bool ok)>;

    static DeliveryTracker* create(Done done) { return new DeliveryTracker(std::move(done)); }

    DeliveryTracker(const DeliveryTracker&) = delete;
    DeliveryTracker& operator=(const DeliveryTracker&) = delete;

    // Before produce(): `records` more records to wait for (one count for a message's whole
    // run of records: one atomic operation instead of one per record).
    void add_record(int records = 1) noexcept {
        refs_.fetch_add(records, std::memory_order_relaxed);
    }
    // produce() did not take the records (queue full; they will be produced again).
    void drop_record(int records = 1) noexcept {
        refs_.fetch_sub(records, std::memory_order_relaxed);
    }
    // Delivery reports (or permanent produce() failures) of `records` records. May delete this.
    void complete(bool ok, int records = 1) noexcept {
        if (!ok) failed_.store(true, std::memory_order_relaxed);
        if (refs_.fetch_sub(records, std::memory_order_acq_rel) == records) {
            done_(!failed_.load(std::memory_order_relaxed));
            delete this;
        }
    }
    // The connection produced every record (ok) or gave up (not ok). May delete this.
    void release(bool ok) noexcept { complete(ok); }

private:
    explicit DeliveryTracker(Done done) : done_(std::move(done)) {}
    ~DeliveryTracker() = default;

    Done done_;
    std::atomic<int> refs_{1};
    std::atomic<bool> failed_{false};
};

}  // namespace gateway
