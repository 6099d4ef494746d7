#pragma once
// The gateway's one librdkafka producer (acks=all, idempotent), its poll thread (delivery
// reports, backpressure gate) and its health thread (metadata request every
// GATEWAY_HEALTH_INTERVAL_MS, off the hot path). librdkafka types stay in the .cpp.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "config.hpp"
#include "event_sink.hpp"

namespace gateway {

struct Metrics;
class BackpressureGate;
class DeliveryTracker;

class KafkaProducer final : public EventSink {
public:
    // Called once, on a librdkafka thread, when the producer hits a fatal error (it can deliver
    // nothing more: e.g. the idempotent producer's sequence state is broken). The gateway then
    // exits, so that its supervisor starts a new one.
    using FatalHandler = std::function<void(const std::string& reason)>;

    // Throws std::runtime_error when librdkafka rejects the configuration.
    KafkaProducer(const Config& config, Metrics& metrics, BackpressureGate& gate,
                  FatalHandler on_fatal = {});
    ~KafkaProducer() override;
    KafkaProducer(const KafkaProducer&) = delete;
    KafkaProducer& operator=(const KafkaProducer&) = delete;

    // Starts the poll and health threads.
    void start() override;

    // Thread safe. On ok the tracker gets the delivery report later; on failed it has
    // already been completed as failed; on queue_full nothing happened: try again later.
    ProduceStatus produce_event(std::string_view key, std::string_view value,
                                DeliveryTracker* tracker) override;
    ProduceStatus produce_dead_letter(std::string_view value, DeliveryTracker* tracker) override;
    std::size_t produce_events(const pipeline::EventRecords& records, std::size_t first,
                               DeliveryTracker* tracker) override;
    // At most one heartbeat in flight per partition: while the broker is down the next ones are
    // not made at all, so Flink sees a gap (and nothing piles up in the queue).
    void send_heartbeats(bool quiet) override;

    // True while the brokers answer and both topics exist (checked by the health thread).
    bool healthy() const noexcept override { return healthy_.load(std::memory_order_relaxed); }
    // Why it is not healthy ("" when it is).
    std::string health_problem() const override;

    // Waits up to `timeout` for every queued record's delivery report. True when drained.
    bool flush(std::chrono::milliseconds timeout) override;
    // Fails whatever is still queued or in flight: their delivery reports (error
    // ERR__PURGE_*) are served by the poll thread and their trackers complete as failed.
    void purge() override;
    // Purges what is left, serves those reports, stops the threads. Safe to call twice.
    void stop() override;

    // Raises a fatal error as librdkafka would (its rd_kafka_test_fatal_error): how the tests
    // reach the fatal path, which a healthy broker never takes.
    void raise_fatal_error_for_test(const std::string& reason);

private:
    struct Impl;

    void poll_loop();
    void health_loop();
    std::string probe();
    ProduceStatus produce(bool raw, std::string_view key, std::string_view value,
                          DeliveryTracker* tracker);

    const Config& config_;
    Metrics& metrics_;
    BackpressureGate& gate_;
    std::unique_ptr<Impl> impl_;
    std::atomic<bool> running_{false};
    std::atomic<bool> healthy_{false};
    std::atomic<int> raw_partitions_{0};  // from the health thread's metadata
    std::string instance_;                // host:pid:start ms, in every heartbeat
    mutable std::mutex health_mutex_;
    std::string health_problem_ = "not checked yet";
    std::mutex stop_mutex_;
    std::condition_variable stop_cv_;
    std::thread poll_thread_;
    std::thread health_thread_;
};

}  // namespace gateway
