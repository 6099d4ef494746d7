#pragma once
// A background reader of one Kafka topic from its current end: every record's value is handed
// to a callback together with the moment (steady clock) this process received it. The
// freshness probe uses it to split its latency into "send -> Flink's output topic" and
// "-> visible in ClickHouse".

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace RdKafka {
class KafkaConsumer;
}

namespace bench {

class TopicTail {
public:
    using Callback = std::function<void(std::string_view value, std::chrono::steady_clock::time_point seen)>;

    // Assigns every partition at its high watermark before returning, so nothing produced
    // after construction is missed. Throws std::runtime_error when the topic is unknown.
    TopicTail(const std::string& bootstrap, const std::string& topic, Callback on_record);
    ~TopicTail();
    TopicTail(const TopicTail&) = delete;
    TopicTail& operator=(const TopicTail&) = delete;

private:
    void run();

    Callback on_record_;
    std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace bench
