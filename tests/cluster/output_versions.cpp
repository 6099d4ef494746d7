#include "output_versions.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string_view>

namespace cluster {

namespace {

// The value of "version" in a record's JSON (the sinks write it as a plain integer), or -1.
long long version_of(std::string_view json) {
    static constexpr std::string_view kField = "\"version\":";
    const auto at = json.find(kField);
    if (at == std::string_view::npos) return -1;
    long long v = 0;
    std::size_t i = at + kField.size();
    if (i >= json.size() || json[i] < '0' || json[i] > '9') return -1;
    for (; i < json.size() && json[i] >= '0' && json[i] <= '9'; ++i) v = v * 10 + (json[i] - '0');
    return v;
}

}  // namespace

VersionCheck check_output_versions(const std::string& bootstrap, const std::vector<std::string>& topics) {
    VersionCheck result;
    std::string err;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    // A group id is required by the API; assign() joins no group and nothing is committed.
    if (conf->set("bootstrap.servers", bootstrap, err) != RdKafka::Conf::CONF_OK ||
        conf->set("group.id", "cluster-test-versions", err) != RdKafka::Conf::CONF_OK ||
        conf->set("enable.auto.commit", "false", err) != RdKafka::Conf::CONF_OK) {
        result.error = "consumer config: " + err;
        return result;
    }
    std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), err));
    if (!consumer) {
        result.error = "consumer: " + err;
        return result;
    }

    // Every partition from its start to the end it has now.
    std::map<std::pair<std::string, int>, std::int64_t> end_of;
    std::vector<RdKafka::TopicPartition*> assignment;
    for (const auto& topic : topics) {
        RdKafka::Metadata* raw = nullptr;
        std::unique_ptr<RdKafka::Topic> handle(RdKafka::Topic::create(consumer.get(), topic, nullptr, err));
        if (!handle || consumer->metadata(false, handle.get(), &raw, 10000) != RdKafka::ERR_NO_ERROR) {
            result.error = "no metadata for " + topic;
            return result;
        }
        std::unique_ptr<RdKafka::Metadata> metadata(raw);
        for (const auto* t : *metadata->topics()) {
            if (t->topic() != topic) continue;
            for (const auto* p : *t->partitions()) {
                std::int64_t low = 0, high = 0;
                if (consumer->query_watermark_offsets(topic, p->id(), &low, &high, 10000) != RdKafka::ERR_NO_ERROR) {
                    result.error = "no offsets for " + topic;
                    return result;
                }
                if (high > low) {
                    end_of[{topic, p->id()}] = high;
                    assignment.push_back(RdKafka::TopicPartition::create(topic, p->id(), low));
                }
            }
        }
    }
    consumer->assign(assignment);
    RdKafka::TopicPartition::destroy(assignment);

    // Per key (topic + '\n' + key): its highest version so far, the row that first carried it,
    // whether another row carried it too, and the version of its newest record.
    struct Key {
        long long highest = -1;
        std::string row;
        bool other_row = false;
        long long newest = -1;
    };
    std::map<std::string, Key> keys;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (!end_of.empty() && std::chrono::steady_clock::now() < deadline) {
        std::unique_ptr<RdKafka::Message> m(consumer->consume(500));
        if (!m || m->err() != RdKafka::ERR_NO_ERROR) continue;
        ++result.records;
        const std::string key = m->topic_name() + " [" + (m->key() ? *m->key() : std::string()) + "]";
        const std::string payload(static_cast<const char*>(m->payload()), m->len());
        const long long version = version_of(payload);
        if (version < 0) {
            result.breaks.push_back(key + ": a record without a version");
        } else {
            Key& k = keys[key];
            if (version > k.highest) {
                k = {version, payload, false, version};
            } else {
                if (version == k.highest && payload != k.row) k.other_row = true;
                k.newest = version;
            }
        }
        const auto end = end_of.find({m->topic_name(), m->partition()});
        if (end != end_of.end() && m->offset() + 1 >= end->second) end_of.erase(end);
    }
    for (const auto& [key, k] : keys) {
        if (k.newest != k.highest) {
            result.breaks.push_back(key + ": the newest record has version " + std::to_string(k.newest) +
                                    ", below the key's highest " + std::to_string(k.highest));
        }
        if (k.other_row) {
            result.breaks.push_back(key + ": two rows carry the highest version " + std::to_string(k.highest));
        }
    }
    result.keys = keys.size();
    if (!end_of.empty()) result.error = "the topics were not read to their end within 2 min";
    consumer->unassign();
    consumer->close();
    return result;
}

}  // namespace cluster
