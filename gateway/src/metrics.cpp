#include "metrics.hpp"

#include <fmt/format.h>

#include <iterator>

namespace gateway {

std::size_t Metrics::latency_bucket(std::int64_t micros) noexcept {
    const double seconds = static_cast<double>(micros) / 1e6;
    std::size_t bucket = 0;
    while (bucket < kLatencyBuckets.size() && seconds > kLatencyBuckets[bucket]) ++bucket;
    return bucket;
}

void Metrics::observe_delivery_latency_us(std::int64_t micros) noexcept {
    if (micros < 0) micros = 0;
    latency_counts_[latency_bucket(micros)].fetch_add(1, std::memory_order_relaxed);
    latency_sum_us_.fetch_add(static_cast<std::uint64_t>(micros), std::memory_order_relaxed);
}

void LatencyTally::observe_us(std::int64_t micros) noexcept {
    if (micros < 0) micros = 0;
    ++counts[Metrics::latency_bucket(micros)];
    sum_us += static_cast<std::uint64_t>(micros);
    ++delivered;
}

void Metrics::add_delivery_latencies(LatencyTally& tally) noexcept {
    if (tally.delivered == 0) return;
    for (std::size_t i = 0; i < tally.counts.size(); ++i) {
        if (tally.counts[i] != 0) latency_counts_[i].fetch_add(tally.counts[i], std::memory_order_relaxed);
    }
    latency_sum_us_.fetch_add(tally.sum_us, std::memory_order_relaxed);
    events_delivered.fetch_add(tally.delivered, std::memory_order_relaxed);
    tally = {};
}

std::uint64_t Metrics::rejected_total() const noexcept {
    std::uint64_t total = 0;
    for (const auto& c : events_rejected) total += c.load(std::memory_order_relaxed);
    return total;
}

namespace {

template <typename T>
void metric(std::string& out, std::string_view name, std::string_view type,
            std::string_view help, const std::atomic<T>& value) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help,
                   name, type, name, value.load(std::memory_order_relaxed));
}

}  // namespace

std::string Metrics::render_prometheus() const {
    std::string out;
    out.reserve(4096);
    metric(out, "gateway_connections_open", "gauge", "Open WebSocket connections.",
           connections_open);
    metric(out, "gateway_connections_total", "counter", "WebSocket connections accepted.",
           connections_total);
    metric(out, "gateway_connections_refused_total", "counter",
           "WebSocket upgrades refused (GATEWAY_MAX_CONNECTIONS reached).", connections_refused);
    metric(out, "gateway_auth_failures_total", "counter",
           "WebSocket upgrades and HTTP posts refused with 401 (missing or wrong token).", auth_failures);
    metric(out, "gateway_http_requests_total", "counter", "Plain HTTP requests served.",
           http_requests);
    metric(out, "gateway_http_ingest_requests_total", "counter",
           "HTTP POST /v1/events requests.", http_ingest_requests);
    metric(out, "gateway_http_backpressure_refusals_total", "counter",
           "HTTP posts answered 429 while Kafka was behind (GATEWAY_QUEUE_HIGH_WATER).",
           backpressure_refusals);
    metric(out, "gateway_origin_refusals_total", "counter",
           "Browser requests refused with 403: origin not in GATEWAY_CORS_ORIGINS.",
           origin_refusals);
    metric(out, "gateway_messages_received_total", "counter", "WebSocket messages received.",
           messages_received);
    metric(out, "gateway_bytes_received_total", "counter",
           "WebSocket payload and HTTP body bytes received.", bytes_received);
    metric(out, "gateway_acks_sent_total", "counter", "Acknowledgements sent.", acks_sent);
    metric(out, "gateway_events_accepted_total", "counter",
           "Valid events handed to the Kafka producer.", events_accepted);
    metric(out, "gateway_events_delivered_total", "counter",
           "Valid events acknowledged by Kafka (acks=all).", events_delivered);
    metric(out, "gateway_delivery_failures_total", "counter",
           "Valid events Kafka did not take (the message is not acknowledged).",
           delivery_failures);
    metric(out, "gateway_deadletters_delivered_total", "counter",
           "Dead-letter records acknowledged by Kafka.", deadletters_delivered);
    metric(out, "gateway_deadletter_failures_total", "counter",
           "Dead-letter records Kafka did not take.", deadletter_failures);
    metric(out, "gateway_produce_retries_total", "counter",
           "produce() calls retried because the producer queue was full.", produce_retries);
    metric(out, "gateway_backpressure_pauses_total", "counter",
           "Times a connection stopped reading because too many records were in flight.",
           backpressure_pauses);
    metric(out, "gateway_backpressure_active", "gauge",
           "1 while reading is paused by the high-water mark.", backpressure_active);
    metric(out, "gateway_kafka_queue_depth", "gauge",
           "Records in the librdkafka queue (rd_kafka_outq_len).", kafka_queue_depth);
    metric(out, "gateway_kafka_inflight_records", "gauge",
           "Records produced and waiting for their delivery report.", kafka_inflight_records);
    metric(out, "gateway_kafka_up", "gauge", "1 while the Kafka cluster answers metadata requests.",
           kafka_up);
    metric(out, "gateway_heartbeats_delivered_total", "counter",
           "Heartbeat records acknowledged by Kafka (one per raw partition per interval).",
           heartbeats_delivered);
    metric(out, "gateway_quiet", "gauge",
           "1 when the last heartbeat said quiet: up for the reconnect grace and reading sockets.",
           upstream_quiet);
    metric(out, "gateway_http_timeouts_total", "counter",
           "HTTP connections closed because a request or upgrade did not arrive in "
           "GATEWAY_HANDSHAKE_TIMEOUT_MS.", http_timeouts);
    metric(out, "gateway_write_timeouts_total", "counter",
           "WebSockets closed because an ack write took longer than GATEWAY_WRITE_TIMEOUT_MS.",
           write_timeouts);
    metric(out, "gateway_message_too_big_closes_total", "counter",
           "WebSockets closed with 1009: a message over GATEWAY_MAX_DISCARD_BYTES.",
           message_too_big_closes);
    metric(out, "gateway_message_slots_in_use", "gauge",
           "Message slots held: messages being read past their first 4 KiB, parsed and produced "
           "(at most a quarter of GATEWAY_MAX_MEMORY_BYTES / the slot size).", message_slots_in_use);
    metric(out, "gateway_message_slot_waits_total", "counter",
           "Times a connection stopped reading until a message slot was free.", message_slot_waits);

    out += "# HELP gateway_events_rejected_total Rejected entries by reason.\n"
           "# TYPE gateway_events_rejected_total counter\n";
    for (std::size_t i = 0; i < events_rejected.size(); ++i) {
        fmt::format_to(std::back_inserter(out), "gateway_events_rejected_total{{reason=\"{}\"}} {}\n",
                       pipeline::to_string(static_cast<pipeline::RejectReason>(i)),
                       events_rejected[i].load(std::memory_order_relaxed));
    }

    out += "# HELP gateway_produce_ack_latency_seconds Time from produce() to the Kafka "
           "delivery report.\n# TYPE gateway_produce_ack_latency_seconds histogram\n";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        cumulative += latency_counts_[i].load(std::memory_order_relaxed);
        fmt::format_to(std::back_inserter(out),
                       "gateway_produce_ack_latency_seconds_bucket{{le=\"{}\"}} {}\n",
                       kLatencyBuckets[i], cumulative);
    }
    cumulative += latency_counts_.back().load(std::memory_order_relaxed);
    fmt::format_to(std::back_inserter(out),
                   "gateway_produce_ack_latency_seconds_bucket{{le=\"+Inf\"}} {}\n"
                   "gateway_produce_ack_latency_seconds_sum {}\n"
                   "gateway_produce_ack_latency_seconds_count {}\n",
                   cumulative,
                   static_cast<double>(latency_sum_us_.load(std::memory_order_relaxed)) / 1e6,
                   cumulative);
    return out;
}

}  // namespace gateway
