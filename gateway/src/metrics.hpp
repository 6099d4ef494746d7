#pragma once
// Process-wide counters, updated with relaxed atomics from any thread and rendered in the
// Prometheus text format for GET /metrics.

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "common/message_parser.hpp"

namespace gateway {

// Delivery latencies counted by one thread without atomics, added to Metrics at once
// (Metrics::add_delivery_latencies): the poll thread counts a run of delivery reports and
// adds it once, not with three atomic operations per record.
struct LatencyTally {
    std::array<std::uint64_t, 16> counts{};  // Metrics::kLatencyBuckets.size() + 1 (+Inf)
    std::uint64_t sum_us = 0;
    std::uint64_t delivered = 0;  // the records observed

    void observe_us(std::int64_t micros) noexcept;
};

struct Metrics {
    // Upper bounds (seconds) of the produce-to-delivery latency histogram.
    static constexpr std::array<double, 15> kLatencyBuckets = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    std::atomic<std::int64_t> connections_open{0};
    std::atomic<std::uint64_t> connections_total{0};
    std::atomic<std::uint64_t> connections_refused{0};  // over GATEWAY_MAX_CONNECTIONS
    std::atomic<std::uint64_t> auth_failures{0};
    std::atomic<std::uint64_t> http_requests{0};
    std::atomic<std::uint64_t> http_ingest_requests{0};   // POST /v1/events
    std::atomic<std::uint64_t> backpressure_refusals{0};  // POSTs answered 429
    std::atomic<std::uint64_t> origin_refusals{0};        // origin not in GATEWAY_CORS_ORIGINS
    std::atomic<std::uint64_t> messages_received{0};
    std::atomic<std::uint64_t> bytes_received{0};
    std::atomic<std::uint64_t> acks_sent{0};
    std::atomic<std::uint64_t> events_accepted{0};   // valid, handed to the producer
    std::atomic<std::uint64_t> events_delivered{0};  // delivery report OK on the raw topic
    std::atomic<std::uint64_t> delivery_failures{0};  // raw topic records that failed
    std::atomic<std::uint64_t> deadletters_delivered{0};
    std::atomic<std::uint64_t> deadletter_failures{0};
    std::atomic<std::uint64_t> produce_retries{0};  // produce() said QUEUE_FULL
    std::atomic<std::uint64_t> backpressure_pauses{0};  // times reading was paused
    std::atomic<std::int64_t> backpressure_active{0};   // 1 while the gate is closed
    std::atomic<std::int64_t> kafka_queue_depth{0};     // rd_kafka_outq_len
    std::atomic<std::int64_t> kafka_inflight_records{0};
    std::atomic<std::int64_t> kafka_up{0};
    std::atomic<std::uint64_t> heartbeats_delivered{0};  // heartbeat records Kafka acknowledged
    std::atomic<std::int64_t> upstream_quiet{0};         // 1 when the last heartbeat said quiet
    // Connections the gateway ended because of the client (README "Slow, silent and abusive clients").
    std::atomic<std::uint64_t> http_timeouts{0};        // request/upgrade not in time
    std::atomic<std::uint64_t> write_timeouts{0};       // an ack write took too long
    std::atomic<std::uint64_t> message_too_big_closes{0};  // 1009: over GATEWAY_MAX_DISCARD_BYTES
    // Memory (message_slots.hpp).
    std::atomic<std::int64_t> message_slots_in_use{0};
    std::atomic<std::uint64_t> message_slot_waits{0};  // a connection paused for a slot
    std::array<std::atomic<std::uint64_t>, pipeline::kRejectReasonCount> events_rejected{};

    void count_reject(pipeline::RejectReason reason) noexcept {
        events_rejected[static_cast<std::size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
    }
    void observe_delivery_latency_us(std::int64_t micros) noexcept;
    // Adds a tally's latencies and its delivered records (events_delivered); resets it.
    void add_delivery_latencies(LatencyTally& tally) noexcept;
    // The histogram bucket of a latency (kLatencyBuckets.size() is +Inf).
    static std::size_t latency_bucket(std::int64_t micros) noexcept;
    std::uint64_t rejected_total() const noexcept;
    std::string render_prometheus() const;

private:
    static_assert(std::tuple_size_v<decltype(LatencyTally::counts)> == kLatencyBuckets.size() + 1);
    std::array<std::atomic<std::uint64_t>, kLatencyBuckets.size() + 1> latency_counts_{};
    std::atomic<std::uint64_t> latency_sum_us_{0};
};

}  // namespace gateway
