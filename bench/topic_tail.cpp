#include "topic_tail.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <stdexcept>
#include <vector>

namespace bench {

TopicTail::TopicTail(const std::string& bootstrap, const std::string& topic, Callback on_record)
    : on_record_(std::move(on_record)) {
    std::string err;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    // A group id is required by the API; assign() below joins no group and commits nothing.
    if (conf->set("bootstrap.servers", bootstrap, err) != RdKafka::Conf::CONF_OK ||
        conf->set("group.id", "freshness-probe-tail", err) != RdKafka::Conf::CONF_OK ||
        conf->set("enable.auto.commit", "false", err) != RdKafka::Conf::CONF_OK ||
        conf->set("fetch.wait.max.ms", "10", err) != RdKafka::Conf::CONF_OK) {
        throw std::runtime_error("topic tail config: " + err);
    }
    consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
    if (!consumer_) throw std::runtime_error("topic tail consumer: " + err);

    RdKafka::Metadata* raw = nullptr;
    std::unique_ptr<RdKafka::Topic> handle(RdKafka::Topic::create(consumer_.get(), topic, nullptr, err));
    if (consumer_->metadata(false, handle.get(), &raw, 10000) != RdKafka::ERR_NO_ERROR) {
        throw std::runtime_error("no metadata for topic " + topic);
    }
    std::unique_ptr<RdKafka::Metadata> metadata(raw);
    std::vector<RdKafka::TopicPartition*> assignment;
    for (const auto* t : *metadata->topics()) {
        if (t->topic() != topic || t->err() != RdKafka::ERR_NO_ERROR) continue;
        for (const auto* p : *t->partitions()) {
            std::int64_t low = 0, high = 0;
            if (consumer_->query_watermark_offsets(topic, p->id(), &low, &high, 10000) != RdKafka::ERR_NO_ERROR) {
                throw std::runtime_error("no offsets for " + topic);
            }
            assignment.push_back(RdKafka::TopicPartition::create(topic, p->id(), high));
        }
    }
    if (assignment.empty()) throw std::runtime_error("topic " + topic + " has no partitions");
    consumer_->assign(assignment);
    RdKafka::TopicPartition::destroy(assignment);
    thread_ = std::thread([this] { run(); });
}

TopicTail::~TopicTail() {
    stop_ = true;
    thread_.join();
    consumer_->unassign();
    consumer_->close();
}

void TopicTail::run() {
    while (!stop_) {
        std::unique_ptr<RdKafka::Message> m(consumer_->consume(100));
        if (!m || m->err() != RdKafka::ERR_NO_ERROR) continue;
        on_record_({static_cast<const char*>(m->payload()), m->len()}, std::chrono::steady_clock::now());
    }
}

}  // namespace bench
