#include "kafka_test_client.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <stdexcept>
#include <string>

namespace gateway::test {

namespace {

rd_kafka_t* admin_handle(const std::string& bootstrap) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err) !=
        RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        throw std::runtime_error(err);
    }
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) throw std::runtime_error(err);
    return rk;
}

}  // namespace

bool kafka_reachable(const std::string& bootstrap, std::chrono::milliseconds timeout) {
    rd_kafka_t* rk = admin_handle(bootstrap);
    const struct rd_kafka_metadata* md = nullptr;
    const auto err = rd_kafka_metadata(rk, 0, nullptr, &md, static_cast<int>(timeout.count()));
    const bool ok = err == RD_KAFKA_RESP_ERR_NO_ERROR && md && md->broker_cnt > 0;
    if (md) rd_kafka_metadata_destroy(md);
    rd_kafka_destroy(rk);
    return ok;
}

void create_topic(const std::string& bootstrap, const std::string& topic, int partitions) {
    rd_kafka_t* rk = admin_handle(bootstrap);
    char err[512];
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
    if (!nt) {
        rd_kafka_destroy(rk);
        throw std::runtime_error(err);
    }
    rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_operation_timeout(options, 30000, err, sizeof err);
    rd_kafka_CreateTopics(rk, &nt, 1, options, queue);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, 60000);
    std::string failure;
    if (!ev) {
        failure = "CreateTopics timed out";
    } else if (rd_kafka_event_error(ev)) {
        failure = rd_kafka_event_error_string(ev);
    } else {
        const auto* result = rd_kafka_event_CreateTopics_result(ev);
        size_t n = 0;
        const rd_kafka_topic_result_t** topics = rd_kafka_CreateTopics_result_topics(result, &n);
        for (size_t i = 0; i < n; ++i) {
            if (rd_kafka_topic_result_error(topics[i]) != RD_KAFKA_RESP_ERR_NO_ERROR &&
                rd_kafka_topic_result_error(topics[i]) != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                failure = rd_kafka_topic_result_error_string(topics[i]);
            }
        }
    }
    if (ev) rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_queue_destroy(queue);
    rd_kafka_destroy(rk);
    if (!failure.empty()) throw std::runtime_error("create topic " + topic + ": " + failure);
}

void delete_topics(const std::string& bootstrap, const std::vector<std::string>& topics) {
    rd_kafka_t* rk = admin_handle(bootstrap);
    std::vector<rd_kafka_DeleteTopic_t*> dts;
    for (const auto& t : topics) dts.push_back(rd_kafka_DeleteTopic_new(t.c_str()));
    rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
    rd_kafka_DeleteTopics(rk, dts.data(), dts.size(), nullptr, queue);
    if (rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, 15000)) rd_kafka_event_destroy(ev);
    for (auto* d : dts) rd_kafka_DeleteTopic_destroy(d);
    rd_kafka_queue_destroy(queue);
    rd_kafka_destroy(rk);
}

struct TopicReader::Impl {
    std::string topic;
    int partitions = 0;
    bool heartbeats = false;
    std::unique_ptr<RdKafka::KafkaConsumer> consumer;
    std::vector<Record> records;
};

TopicReader::TopicReader(const std::string& bootstrap, const std::string& topic, int partitions,
                         bool heartbeats)
    : impl_(std::make_unique<Impl>()) {
    impl_->topic = topic;
    impl_->partitions = partitions;
    impl_->heartbeats = heartbeats;
    std::string err;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    conf->set("bootstrap.servers", bootstrap, err);
    conf->set("group.id", "gateway-it-reader", err);  // required; assign() joins no group
    conf->set("enable.auto.commit", "false", err);
    conf->set("auto.offset.reset", "earliest", err);
    impl_->consumer.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
    if (!impl_->consumer) throw std::runtime_error("consumer: " + err);
    std::vector<RdKafka::TopicPartition*> assignment;
    for (int p = 0; p < partitions; ++p) {
        assignment.push_back(
            RdKafka::TopicPartition::create(topic, p, RdKafka::Topic::OFFSET_BEGINNING));
    }
    impl_->consumer->assign(assignment);
    RdKafka::TopicPartition::destroy(assignment);
}

TopicReader::~TopicReader() {
    if (impl_->consumer) {
        impl_->consumer->unassign();
        impl_->consumer->close();
    }
}

const std::vector<Record>& TopicReader::read_until(std::size_t count,
                                                   std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (impl_->records.size() < count && std::chrono::steady_clock::now() < deadline) {
        std::unique_ptr<RdKafka::Message> m(impl_->consumer->consume(200));
        if (!m || m->err() != RdKafka::ERR_NO_ERROR) continue;
        Record r;
        if (const RdKafka::Headers* headers = m->headers()) {
            r.heartbeat = !headers->get("heartbeat").empty();
        }
        if (r.heartbeat && !impl_->heartbeats) continue;
        r.partition = m->partition();
        if (m->key()) {
            r.key = *m->key();
            r.has_key = true;
        }
        r.value.assign(static_cast<const char*>(m->payload()), m->len());
        impl_->records.push_back(std::move(r));
    }
    return impl_->records;
}

const std::vector<Record>& TopicReader::read_for(std::chrono::milliseconds duration) {
    return read_until(static_cast<std::size_t>(-1), duration);
}

std::int64_t TopicReader::high_watermark_sum() {
    std::int64_t sum = 0;
    for (int p = 0; p < impl_->partitions; ++p) {
        std::int64_t low = 0, high = 0;
        const auto err = impl_->consumer->query_watermark_offsets(impl_->topic, p, &low, &high, 10000);
        if (err != RdKafka::ERR_NO_ERROR) return -1;
        sum += high;
    }
    return sum;
}

}  // namespace gateway::test
