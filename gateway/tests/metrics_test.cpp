#include "metrics.hpp"

#include <gtest/gtest.h>

namespace gateway {
namespace {

TEST(Metrics, RendersPrometheusText) {
    Metrics m;
    m.connections_open = 3;
    m.connections_total = 10;
    m.messages_received = 5;
    m.events_accepted = 7;
    m.bytes_received = 1234;
    m.backpressure_pauses = 2;
    m.kafka_queue_depth = 9;
    m.write_timeouts = 4;
    m.http_timeouts = 6;
    m.message_too_big_closes = 8;
    m.count_reject(pipeline::RejectReason::invalid_json);
    m.count_reject(pipeline::RejectReason::missing_ts);
    m.count_reject(pipeline::RejectReason::missing_ts);
    m.observe_delivery_latency_us(3000);     // 3 ms
    m.observe_delivery_latency_us(2000000);  // 2 s
    m.observe_delivery_latency_us(100000000);  // 100 s: only +Inf
    const std::string text = m.render_prometheus();
    for (const char* line : {
             "# TYPE gateway_connections_open gauge\ngateway_connections_open 3\n",
             "gateway_connections_total 10\n",
             "gateway_messages_received_total 5\n",
             "gateway_events_accepted_total 7\n",
             "gateway_bytes_received_total 1234\n",
             "gateway_backpressure_pauses_total 2\n",
             "gateway_kafka_queue_depth 9\n",
             "gateway_write_timeouts_total 4\n",
             "gateway_http_timeouts_total 6\n",
             "gateway_message_too_big_closes_total 8\n",
             "gateway_events_rejected_total{reason=\"binary_message\"} 0\n",
             "gateway_events_rejected_total{reason=\"invalid_json\"} 1\n",
             "gateway_events_rejected_total{reason=\"missing_field:ts\"} 2\n",
             "gateway_events_rejected_total{reason=\"invalid_props\"} 0\n",
             "# TYPE gateway_produce_ack_latency_seconds histogram\n",
             "gateway_produce_ack_latency_seconds_bucket{le=\"0.001\"} 0\n",
             "gateway_produce_ack_latency_seconds_bucket{le=\"0.005\"} 1\n",
             "gateway_produce_ack_latency_seconds_bucket{le=\"2.5\"} 2\n",
             "gateway_produce_ack_latency_seconds_bucket{le=\"60\"} 2\n",
             "gateway_produce_ack_latency_seconds_bucket{le=\"+Inf\"} 3\n",
             "gateway_produce_ack_latency_seconds_count 3\n",
             "gateway_produce_ack_latency_seconds_sum 102.003\n",
         }) {
        EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "\nin:\n" << text;
    }
    EXPECT_EQ(m.rejected_total(), 3u);
}

// The poll thread's tally adds up to what one observation per record gives.
TEST(Metrics, ATallyAddsTheSameAsSingleObservations) {
    Metrics single;
    Metrics tallied;
    LatencyTally tally;
    for (const std::int64_t us : {-5, 0, 999, 1000, 1001, 3000, 2000000, 100000000}) {
        single.observe_delivery_latency_us(us);
        single.events_delivered.fetch_add(1);
        tally.observe_us(us);
    }
    tallied.add_delivery_latencies(tally);
    EXPECT_EQ(tally.delivered, 0u);  // reset
    EXPECT_EQ(tallied.render_prometheus(), single.render_prometheus());
    tallied.add_delivery_latencies(tally);  // an empty tally adds nothing
    EXPECT_EQ(tallied.render_prometheus(), single.render_prometheus());
}

}  // namespace
}  // namespace gateway
