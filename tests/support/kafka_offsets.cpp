#include "kafka_offsets.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <vector>

namespace test_support {

namespace {

constexpr int kTimeoutMs = 10000;

std::unique_ptr<RdKafka::KafkaConsumer> consumer(const std::string& bootstrap,
                                                 const std::string& group) {
    std::string err;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    conf->set("bootstrap.servers", bootstrap, err);
    conf->set("group.id", group, err);
    conf->set("enable.auto.commit", "false", err);
    return std::unique_ptr<RdKafka::KafkaConsumer>(RdKafka::KafkaConsumer::create(conf.get(), err));
}

// The topic's partition ids; empty when the broker did not answer or the topic is unknown.
std::vector<int> partitions(RdKafka::KafkaConsumer& c, const std::string& topic) {
    std::string err;
    std::unique_ptr<RdKafka::Topic> t(RdKafka::Topic::create(&c, topic, nullptr, err));
    RdKafka::Metadata* raw = nullptr;
    if (!t || c.metadata(false, t.get(), &raw, kTimeoutMs) != RdKafka::ERR_NO_ERROR) return {};
    std::unique_ptr<RdKafka::Metadata> md(raw);
    std::vector<int> out;
    for (const auto* tm : *md->topics()) {
        if (tm->topic() != topic || tm->err() != RdKafka::ERR_NO_ERROR) continue;
        for (const auto* p : *tm->partitions()) out.push_back(p->id());
    }
    return out;
}

}  // namespace

std::int64_t KafkaOffsets::end(const std::string& topic) const {
    auto c = consumer(bootstrap_, "offsets-probe");
    if (!c) return -1;
    std::int64_t sum = 0;
    const auto ids = partitions(*c, topic);
    for (const int p : ids) {
        std::int64_t low = 0, high = 0;
        const auto err = c->query_watermark_offsets(topic, p, &low, &high, kTimeoutMs);
        if (err != RdKafka::ERR_NO_ERROR) {
            sum = -1;
            break;
        }
        sum += high;
    }
    c->close();
    return ids.empty() ? -1 : sum;
}

std::int64_t KafkaOffsets::committed(const std::string& group, const std::string& topic) const {
    auto c = consumer(bootstrap_, group);
    if (!c) return -1;
    std::vector<RdKafka::TopicPartition*> tps;
    for (const int p : partitions(*c, topic)) {
        tps.push_back(RdKafka::TopicPartition::create(topic, p));
    }
    std::int64_t sum = tps.empty() ? -1 : 0;
    if (!tps.empty() && c->committed(tps, kTimeoutMs) == RdKafka::ERR_NO_ERROR) {
        for (const auto* tp : tps) {
            if (tp->err() != RdKafka::ERR_NO_ERROR) sum = -1;
            if (sum >= 0 && tp->offset() >= 0) sum += tp->offset();
        }
    } else {
        sum = -1;
    }
    RdKafka::TopicPartition::destroy(tps);
    c->close();
    return sum;
}

}  // namespace test_support
