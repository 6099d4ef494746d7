#pragma once
// What the integration test files share: event builders and the GatewayIT fixture (a real
// broker at KAFKA_BOOTSTRAP, fresh topics per test, the gateway binary as a subprocess).

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "common/json_writer.hpp"
#include "common/message_parser.hpp"
#include "gateway_process.hpp"
#include "kafka_test_client.hpp"

namespace gateway::test {

using namespace std::chrono_literals;

inline std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

inline std::string make_event(const std::string& event_id, const std::string& user_id,
                              const std::string& type = "page_view", const std::string& extra = "") {
    std::string s = R"({"event_id":")" + event_id + R"(","user_id":")" + user_id +
                    R"(","type":")" + type + R"(","ts":)" + std::to_string(now_ms() - 1000);
    if (!extra.empty()) s += "," + extra;
    return s + "}";
}

inline std::string batch(const std::vector<std::string>& events) {
    std::string s = "[";
    for (std::size_t i = 0; i < events.size(); ++i) s += (i ? "," : "") + events[i];
    return s + "]";
}

// The canonical JSON the gateway writes for an event, with the received_at_ms the record
// carries (it is the gateway's clock).
inline std::string canonical_with_received_at(const std::string& client_json,
                                              const std::string& record) {
    static const std::regex received(R"("received_at_ms":(\d+)\}$)");
    std::smatch m;
    if (!std::regex_search(record, m, received)) return "(no received_at_ms)";
    const auto parsed = pipeline::parse_message(client_json, pipeline::Limits{}, now_ms());
    if (parsed.accepted.size() != 1) return "(client event invalid)";
    std::string out;
    pipeline::append_event_json(out, parsed.accepted[0].event, std::stoll(m[1].str()));
    return out;
}

inline std::string unique_name(const std::string& prefix) {
    static std::atomic<int> n{0};
    return prefix + "-it-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + "-" +
           std::to_string(now_ms() % 1000000);
}

class GatewayIT : public ::testing::Test {
protected:
    static constexpr int kRawPartitions = 6;

    void SetUp() override {
        bootstrap_ = kafka_bootstrap();
        ASSERT_TRUE(kafka_reachable(bootstrap_, 15s))
            << "no Kafka broker at " << bootstrap_ << " (set KAFKA_BOOTSTRAP)";
        raw_topic_ = unique_name("raw");
        dl_topic_ = unique_name("dl");
        create_topic(bootstrap_, raw_topic_, kRawPartitions);
        create_topic(bootstrap_, dl_topic_, 1);
    }

    void TearDown() override {
        if (gateway_ && HasFailure()) {
            std::cerr << "---- gateway log tail ----\n" << gateway_->log_tail() << "\n";
        }
        gateway_.reset();
        if (!raw_topic_.empty()) delete_topics(bootstrap_, {raw_topic_, dl_topic_});
    }

    // Starts the gateway on this test's topics and waits until it reports Kafka healthy.
    void start_gateway(std::map<std::string, std::string> env = {}, bool wait_healthy = true) {
        env["RAW_TOPIC"] = raw_topic_;
        env["DEADLETTER_TOPIC"] = dl_topic_;
        gateway_ = std::make_unique<GatewayProcess>(std::move(env));
        ASSERT_TRUE(gateway_->wait_listening(60s)) << gateway_->log_tail();
        if (wait_healthy) {
            ASSERT_TRUE(gateway_->wait_health(200, 60s)) << gateway_->log_tail();
        }
    }

    std::string bootstrap_;
    std::string raw_topic_;
    std::string dl_topic_;
    std::unique_ptr<GatewayProcess> gateway_;
};

}  // namespace gateway::test
