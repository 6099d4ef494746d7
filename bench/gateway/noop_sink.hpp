#pragma once
// gateway-bench's GATEWAY_SINK=noop (bench_modes.hpp): every record counts as delivered the
// moment it is produced, so the gateway's own cost (WebSocket, parsing, canonical JSON, acks)
// can be measured without Kafka. Nothing is written anywhere; /health is always 200.

#include "event_sink.hpp"

namespace gateway {

struct Metrics;
class BackpressureGate;

class NoopSink final : public EventSink {
public:
    NoopSink(Metrics& metrics, BackpressureGate& gate) : metrics_(metrics), gate_(gate) {}

    void start() override {}
    ProduceStatus produce_event(std::string_view key, std::string_view value,
                                DeliveryTracker* tracker) override;
    ProduceStatus produce_dead_letter(std::string_view value, DeliveryTracker* tracker) override;
    std::size_t produce_events(const pipeline::EventRecords& records, std::size_t first,
                               DeliveryTracker* tracker) override;
    void send_heartbeats(bool) override {}
    bool healthy() const noexcept override { return true; }
    std::string health_problem() const override { return {}; }
    bool flush(std::chrono::milliseconds) override { return true; }
    void purge() override {}
    void stop() override {}

private:
    ProduceStatus deliver(bool raw, DeliveryTracker* tracker);

    Metrics& metrics_;
    BackpressureGate& gate_;
};

}  // namespace gateway
