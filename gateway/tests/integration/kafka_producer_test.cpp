// The gateway's KafkaProducer against the real test broker: a fatal librdkafka error reaches the
// server's handler (which makes the gateway exit with kExitKafkaFatal, for its supervisor to
// restart it) and leaves the producer unhealthy.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "backpressure_gate.hpp"
#include "config.hpp"
#include "gateway_fixture.hpp"
#include "kafka_producer.hpp"
#include "metrics.hpp"

namespace gateway::test {
namespace {

TEST(KafkaProducerIT, AFatalErrorReachesTheHandlerOnceAndTheProducerTurnsUnhealthy) {
    const std::string bootstrap = kafka_bootstrap();
    ASSERT_TRUE(kafka_reachable(bootstrap, 15s)) << "no Kafka broker at " << bootstrap;
    Config config;
    config.kafka_bootstrap = bootstrap;
    config.raw_topic = unique_name("raw");
    config.deadletter_topic = unique_name("dl");
    config.health_interval_ms = 200;
    create_topic(bootstrap, config.raw_topic, 1);
    create_topic(bootstrap, config.deadletter_topic, 1);
    Metrics metrics;
    BackpressureGate gate(1000, 500, metrics);
    std::promise<std::string> fatal;
    std::atomic<int> calls{0};
    KafkaProducer producer(config, metrics, gate, [&](const std::string& reason) {
        if (calls.fetch_add(1) == 0) fatal.set_value(reason);
    });
    producer.start();
    const auto healthy_by = std::chrono::steady_clock::now() + 30s;
    while (!producer.healthy() && std::chrono::steady_clock::now() < healthy_by) std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(producer.healthy()) << producer.health_problem();

    producer.raise_fatal_error_for_test("injected by the test");
    auto reason = fatal.get_future();
    ASSERT_EQ(reason.wait_for(30s), std::future_status::ready) << "the fatal handler was not called";
    EXPECT_NE(reason.get().find("injected by the test"), std::string::npos);

    const auto unhealthy_by = std::chrono::steady_clock::now() + 10s;
    while (producer.healthy() && std::chrono::steady_clock::now() < unhealthy_by) std::this_thread::sleep_for(50ms);
    EXPECT_FALSE(producer.healthy());
    EXPECT_EQ(producer.health_problem(), "kafka producer hit a fatal error");
    producer.raise_fatal_error_for_test("again");
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(calls.load(), 1) << "the handler is called once";
    producer.stop();
}

}  // namespace
}  // namespace gateway::test
