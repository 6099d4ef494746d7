#include "kafka_producer.hpp"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>
#include <stdexcept>
#include <utility>

#include "backpressure_gate.hpp"
#include "common/message_parser.hpp"
#include "delivery_tracker.hpp"
#include "metrics.hpp"
#include "rate_limited_log.hpp"

namespace gateway {

namespace {

// The header that marks a heartbeat record (clients cannot set headers: events carry none).
constexpr const char* kHeartbeatHeader = "heartbeat";
// Partitions beyond this get no heartbeat (their idle flush then waits for events).
constexpr std::size_t kMaxHeartbeatPartitions = 4096;

// One flag per raw partition: its heartbeat is in flight. A heartbeat's msg_opaque points at
// its flag, which is how the delivery report tells it from an event's.
struct HeartbeatSlots {
    std::array<std::atomic<bool>, kMaxHeartbeatPartitions> in_flight{};

    std::atomic<bool>* slot_of(void* opaque) noexcept {
        auto* p = static_cast<std::atomic<bool>*>(opaque);
        return p >= in_flight.data() && p < in_flight.data() + in_flight.size() ? p : nullptr;
    }
};

// Serves delivery reports on whichever thread polls (the poll thread, or flush()).
//
// On the poll thread the reports of one poll() are counted before the tracker, the gate and
// the metrics (events delivered, latency histogram) hear of them: a run of reports for the
// same tracker (a message's records in one partition's batch follow each other) completes it
// once, and the gate is told once per poll(). These counters are written by the io threads
// too, so one atomic operation per record on them cost more than the rest of the report. Other threads (flush() at shutdown) complete each report
// at once, as before.
class DeliveryReports : public RdKafka::DeliveryReportCb {
public:
    DeliveryReports(Metrics& metrics, BackpressureGate& gate) : metrics_(metrics), gate_(gate) {}

    void set_raw_topic(RdKafka::Topic* raw) { raw_ = raw->c_ptr(); }
    void set_heartbeat_slots(HeartbeatSlots* slots) { heartbeats_ = slots; }

    // The calling thread (the poll thread) counts its reports until finish_batch().
    static void batch_on_this_thread() { batching_ = true; }

    void dr_cb(RdKafka::Message& message) override {
        const bool ok = message.err() == RdKafka::ERR_NO_ERROR;
        if (auto* heartbeat = heartbeats_->slot_of(message.msg_opaque())) {
            // Not an event: no tracker, no gate, no event counters.
            if (ok) metrics_.heartbeats_delivered.fetch_add(1, std::memory_order_relaxed);
            heartbeat->store(false, std::memory_order_release);
            return;
        }
        const bool raw = message.c_ptr()->rkt == raw_;
        if (raw) {
            if (ok) {
                if (batching_) {
                    latencies_.observe_us(message.latency());  // added by complete_run()
                } else {
                    metrics_.events_delivered.fetch_add(1, std::memory_order_relaxed);
                    metrics_.observe_delivery_latency_us(message.latency());
                }
            } else {
                metrics_.delivery_failures.fetch_add(1, std::memory_order_relaxed);
            }
        } else if (ok) {
            metrics_.deadletters_delivered.fetch_add(1, std::memory_order_relaxed);
        } else {
            metrics_.deadletter_failures.fetch_add(1, std::memory_order_relaxed);
        }
        if (!ok) {
            failure_log_.warn("delivery failed topic={} error={}",
                              message.topic_name(), RdKafka::err2str(message.err()));
        }
        // Only raw-topic records carry a tracker: dead letters do not decide the ack.
        auto* tracker = static_cast<DeliveryTracker*>(message.msg_opaque());
        if (!batching_) {
            if (tracker) tracker->complete(ok || !raw);
            // After the tracker: shutdown waits for this count to reach zero, which must mean
            // every completion has been posted.
            gate_.remove();
            return;
        }
        if (tracker != run_tracker_) {
            complete_run();
            run_tracker_ = tracker;
        }
        ++run_records_;
        run_ok_ = run_ok_ && (ok || !raw);
        ++batch_records_;
    }

    // After each poll() on the poll thread: what the reports counted reaches the trackers,
    // then (as above, after them) the gate.
    void finish_batch() {
        complete_run();
        if (batch_records_ > 0) gate_.remove(std::exchange(batch_records_, 0));
    }

private:
    void complete_run() {
        // Before the ack can go out: whoever has the ack sees its events counted delivered.
        metrics_.add_delivery_latencies(latencies_);
        if (run_tracker_ != nullptr) run_tracker_->complete(run_ok_, run_records_);
        run_tracker_ = nullptr;
        run_records_ = 0;
        run_ok_ = true;
    }

    Metrics& metrics_;
    BackpressureGate& gate_;
    const rd_kafka_topic_t* raw_ = nullptr;
    HeartbeatSlots* heartbeats_ = nullptr;
    RateLimitedLog failure_log_{std::chrono::seconds(10)};
    static thread_local bool batching_;
    // The poll thread's counts (touched by that thread only).
    DeliveryTracker* run_tracker_ = nullptr;
    int run_records_ = 0;
    bool run_ok_ = true;
    std::int64_t batch_records_ = 0;
    LatencyTally latencies_;  // delivered raw records of the current run
};

thread_local bool DeliveryReports::batching_ = false;

// librdkafka's own errors and logs, rate-limited.
class KafkaEvents : public RdKafka::EventCb {
public:
    explicit KafkaEvents(KafkaProducer::FatalHandler on_fatal) : on_fatal_(std::move(on_fatal)) {}

    void event_cb(RdKafka::Event& event) override {
        switch (event.type()) {
            case RdKafka::Event::EVENT_ERROR:
                if (event.fatal()) {
                    const bool first = !fatal_.exchange(true);
                    spdlog::critical("kafka fatal error={} reason={}", RdKafka::err2str(event.err()),
                                     event.str());
                    if (first && on_fatal_) on_fatal_(RdKafka::err2str(event.err()) + ": " + event.str());
                } else {
                    error_log_.warn("kafka error={} reason={}", RdKafka::err2str(event.err()),
                                    event.str());
                }
                break;
            case RdKafka::Event::EVENT_LOG:
                if (event.severity() <= RdKafka::Event::EVENT_SEVERITY_WARNING) {
                    error_log_.warn("kafka log fac={} msg={}", event.fac(), event.str());
                }
                break;
            default: break;
        }
    }
    bool fatal() const noexcept { return fatal_.load(std::memory_order_relaxed); }

private:
    KafkaProducer::FatalHandler on_fatal_;
    std::atomic<bool> fatal_{false};
    RateLimitedLog error_log_{std::chrono::seconds(10)};
};

void set(RdKafka::Conf& conf, const std::string& name, const std::string& value) {
    std::string err;
    if (conf.set(name, value, err) != RdKafka::Conf::CONF_OK) {
        throw std::runtime_error("kafka config " + name + "=" + value + ": " + err);
    }
}

}  // namespace

struct KafkaProducer::Impl {
    HeartbeatSlots heartbeats;
    DeliveryReports reports;
    KafkaEvents events;
    std::unique_ptr<RdKafka::Producer> producer;
    std::unique_ptr<RdKafka::Topic> raw_topic;
    std::unique_ptr<RdKafka::Topic> deadletter_topic;

    Impl(Metrics& metrics, BackpressureGate& gate, KafkaProducer::FatalHandler on_fatal)
        : reports(metrics, gate), events(std::move(on_fatal)) {}
};

KafkaProducer::KafkaProducer(const Config& config, Metrics& metrics, BackpressureGate& gate,
                             FatalHandler on_fatal)
    : config_(config),
      metrics_(metrics),
      gate_(gate),
      impl_(std::make_unique<Impl>(metrics, gate, std::move(on_fatal))) {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    set(*conf, "bootstrap.servers", config.kafka_bootstrap);
    set(*conf, "client.id", "gateway");
    set(*conf, "acks", "all");
    set(*conf, "enable.idempotence", "true");
    set(*conf, "linger.ms", std::to_string(config.kafka_linger_ms));
    set(*conf, "batch.size", std::to_string(config.kafka_batch_bytes));
    set(*conf, "compression.type", config.kafka_compression);
    set(*conf, "message.timeout.ms", std::to_string(config.kafka_message_timeout_ms));
    // The backpressure gate keeps the queue near GATEWAY_QUEUE_HIGH_WATER; leave librdkafka
    // room above it for the records of messages already being produced.
    set(*conf, "queue.buffering.max.messages",
        std::to_string(std::min<std::size_t>(
            10000000, config.queue_high_water * 2 + config.max_events_per_message * 4 + 10000)));
    set(*conf, "queue.buffering.max.kbytes", std::to_string(config.kafka_queue_max_bytes() / 1024));
    // The record size every producer of the pipeline and every topic agree on (event rules):
    // an accepted event's record is smaller (the parser rejects larger ones as
    // event_too_large), so no record fails here for its size.
    set(*conf, "message.max.bytes", std::to_string(pipeline::rules::kKafkaMaxMessageBytes));
    // The same partition for a key as the Java client (murmur2), so Flink sees one user's
    // events in one partition whichever client wrote them.
    set(*conf, "partitioner", "murmur2_random");
    set(*conf, "reconnect.backoff.ms", "100");
    set(*conf, "reconnect.backoff.max.ms", "2000");
    set(*conf, "socket.keepalive.enable", "true");
    std::string err;
    if (conf->set("dr_cb", &impl_->reports, err) != RdKafka::Conf::CONF_OK ||
        conf->set("event_cb", &impl_->events, err) != RdKafka::Conf::CONF_OK) {
        throw std::runtime_error("kafka callbacks: " + err);
    }
    impl_->producer.reset(RdKafka::Producer::create(conf.get(), err));
    if (!impl_->producer) throw std::runtime_error("kafka producer: " + err);
    impl_->raw_topic.reset(
        RdKafka::Topic::create(impl_->producer.get(), config.raw_topic, nullptr, err));
    if (!impl_->raw_topic) throw std::runtime_error("kafka topic " + config.raw_topic + ": " + err);
    impl_->deadletter_topic.reset(
        RdKafka::Topic::create(impl_->producer.get(), config.deadletter_topic, nullptr, err));
    if (!impl_->deadletter_topic) {
        throw std::runtime_error("kafka topic " + config.deadletter_topic + ": " + err);
    }
    impl_->reports.set_raw_topic(impl_->raw_topic.get());
    impl_->reports.set_heartbeat_slots(&impl_->heartbeats);
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    instance_ = fmt::format("{}:{}:{}", host, ::getpid(),
                            std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
}

KafkaProducer::~KafkaProducer() { stop(); }

void KafkaProducer::start() {
    running_.store(true);
    poll_thread_ = std::thread([this] { poll_loop(); });
    health_thread_ = std::thread([this] { health_loop(); });
}

ProduceStatus KafkaProducer::produce_event(std::string_view key, std::string_view value,
                                           DeliveryTracker* tracker) {
    return produce(true, key, value, tracker);
}

ProduceStatus KafkaProducer::produce_dead_letter(std::string_view value,
                                                 DeliveryTracker* tracker) {
    return produce(false, {}, value, tracker);
}

std::size_t KafkaProducer::produce_events(const pipeline::EventRecords& records,
                                         std::size_t first, DeliveryTracker* tracker) {
    const std::size_t end = records.accepted.size();
    if (first >= end) return 0;
    // The tracker and the gate count the whole run at once (one atomic operation each, on
    // lines the poll thread writes too, instead of one per record); what is not taken is
    // given back below.
    const std::size_t n = end - first;
    if (tracker) tracker->add_record(static_cast<int>(n));
    gate_.add(static_cast<std::int64_t>(n));
    std::size_t i = first;
    for (; i < end; ++i) {
        const auto& record = records.accepted[i];
        const std::string_view key = records.key(record);
        const std::string_view value = records.value(record);
        const auto err = impl_->producer->produce(
            impl_->raw_topic.get(), RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
            const_cast<char*>(value.data()), value.size(), key.empty() ? nullptr : key.data(),
            key.size(), tracker);
        if (err == RdKafka::ERR_NO_ERROR) continue;
        if (err == RdKafka::ERR__QUEUE_FULL) {
            metrics_.produce_retries.fetch_add(1, std::memory_order_relaxed);
            break;
        }
        static RateLimitedLog log{std::chrono::seconds(10)};
        log.warn("produce failed topic={} error={}", impl_->raw_topic->name(), RdKafka::err2str(err));
        metrics_.delivery_failures.fetch_add(1, std::memory_order_relaxed);
        gate_.remove();
        if (tracker) tracker->complete(false);
    }
    if (const std::size_t left = end - i; left > 0) {
        gate_.remove(static_cast<std::int64_t>(left));
        if (tracker) tracker->drop_record(static_cast<int>(left));
    }
    return i - first;
}

void KafkaProducer::send_heartbeats(bool quiet) {
    const auto partitions = std::min<std::size_t>(
        static_cast<std::size_t>(std::max(0, raw_partitions_.load(std::memory_order_relaxed))),
        kMaxHeartbeatPartitions);
    const auto sent_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
    std::string value =
        fmt::format(R"({{"gateway":"{}","sent_ms":{},"quiet":{}}})", instance_, sent_ms, quiet);
    for (std::size_t p = 0; p < partitions; ++p) {
        auto& in_flight = impl_->heartbeats.in_flight[p];
        if (in_flight.exchange(true, std::memory_order_acq_rel)) continue;
        RdKafka::Headers* headers = RdKafka::Headers::create();
        headers->add(kHeartbeatHeader, "1");
        const auto err = impl_->producer->produce(
            config_.raw_topic, static_cast<std::int32_t>(p), RdKafka::Producer::RK_MSG_COPY,
            value.data(), value.size(), nullptr, 0, 0, headers, &in_flight);
        if (err != RdKafka::ERR_NO_ERROR) {
            delete headers;  // librdkafka owns them only when produce() succeeds
            in_flight.store(false, std::memory_order_release);
        }
    }
}

ProduceStatus KafkaProducer::produce(bool raw, std::string_view key, std::string_view value,
                                     DeliveryTracker* tracker) {
    RdKafka::Topic* topic = raw ? impl_->raw_topic.get() : impl_->deadletter_topic.get();
    if (tracker) tracker->add_record();
    gate_.add();
    const auto err = impl_->producer->produce(
        topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
        const_cast<char*>(value.data()), value.size(), key.empty() ? nullptr : key.data(),
        key.size(), tracker);
    if (err == RdKafka::ERR_NO_ERROR) return ProduceStatus::ok;
    gate_.remove();
    if (err == RdKafka::ERR__QUEUE_FULL) {
        if (tracker) tracker->drop_record();
        metrics_.produce_retries.fetch_add(1, std::memory_order_relaxed);
        return ProduceStatus::queue_full;
    }
    static RateLimitedLog log{std::chrono::seconds(10)};
    log.warn("produce failed topic={} error={}", topic->name(), RdKafka::err2str(err));
    if (raw) {
        metrics_.delivery_failures.fetch_add(1, std::memory_order_relaxed);
    } else {
        metrics_.deadletter_failures.fetch_add(1, std::memory_order_relaxed);
    }
    if (tracker) tracker->complete(!raw);
    return ProduceStatus::failed;
}

void KafkaProducer::poll_loop() {
    DeliveryReports::batch_on_this_thread();
    while (running_.load(std::memory_order_relaxed)) {
        impl_->producer->poll(50);
        impl_->reports.finish_batch();
        gate_.maybe_open();
        metrics_.kafka_queue_depth.store(impl_->producer->outq_len(), std::memory_order_relaxed);
    }
}

std::string KafkaProducer::probe() {
    if (impl_->events.fatal()) return "kafka producer hit a fatal error";
    const int timeout_ms = static_cast<int>(std::max(500u, config_.health_interval_ms));
    // The broker must answer, and both topics must exist with partitions (the broker does
    // not create topics: auto.create.topics.enable=false).
    for (RdKafka::Topic* topic : {impl_->raw_topic.get(), impl_->deadletter_topic.get()}) {
        RdKafka::Metadata* raw_md = nullptr;
        const auto err = impl_->producer->metadata(false, topic, &raw_md, timeout_ms);
        const std::unique_ptr<RdKafka::Metadata> md(raw_md);
        if (err != RdKafka::ERR_NO_ERROR || !md || md->brokers()->empty()) {
            return "kafka unreachable (metadata for " + topic->name() +
                   "): " + RdKafka::err2str(err);
        }
        const auto* topics = md->topics();
        if (topics->empty()) return "topic " + topic->name() + " unknown";
        const auto* t = topics->front();
        if (t->err() != RdKafka::ERR_NO_ERROR || t->partitions()->empty()) {
            return "topic " + topic->name() + " unavailable: " + RdKafka::err2str(t->err());
        }
        if (topic == impl_->raw_topic.get()) {
            raw_partitions_.store(static_cast<int>(t->partitions()->size()),
                                  std::memory_order_relaxed);
        }
    }
    return {};
}

std::string KafkaProducer::health_problem() const {
    std::lock_guard lock(health_mutex_);
    return health_problem_;
}

void KafkaProducer::health_loop() {
    std::string last = "(not checked yet)";
    std::unique_lock lock(stop_mutex_);
    while (running_.load()) {
        lock.unlock();
        std::string problem = probe();
        const bool up = problem.empty();
        {
            std::lock_guard health_lock(health_mutex_);
            health_problem_ = problem;
        }
        healthy_.store(up, std::memory_order_relaxed);
        metrics_.kafka_up.store(up ? 1 : 0, std::memory_order_relaxed);
        if (problem != last) {  // log transitions only
            if (up) {
                spdlog::info("kafka healthy bootstrap={} raw_topic={} deadletter_topic={}",
                             config_.kafka_bootstrap, config_.raw_topic, config_.deadletter_topic);
            } else {
                spdlog::warn("kafka unhealthy problem=\"{}\"", problem);
            }
            last = std::move(problem);
        }
        lock.lock();
        stop_cv_.wait_for(lock, std::chrono::milliseconds(config_.health_interval_ms),
                          [this] { return !running_.load(); });
    }
}

bool KafkaProducer::flush(std::chrono::milliseconds timeout) {
    return impl_->producer->flush(static_cast<int>(timeout.count())) == RdKafka::ERR_NO_ERROR;
}

void KafkaProducer::purge() {
    impl_->producer->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
}

void KafkaProducer::raise_fatal_error_for_test(const std::string& reason) {
    rd_kafka_test_fatal_error(impl_->producer->c_ptr(), RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
                              reason.c_str());
}

void KafkaProducer::stop() {
    {
        std::lock_guard lock(stop_mutex_);
        running_.store(false);
    }
    stop_cv_.notify_all();
    if (poll_thread_.joinable()) poll_thread_.join();
    if (health_thread_.joinable()) health_thread_.join();
    if (!impl_->producer) return;
    if (impl_->producer->outq_len() > 0) {
        // Whatever is left fails (its message is not acknowledged); serve those reports so
        // every tracker completes before the producer goes away.
        impl_->producer->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
        impl_->producer->flush(2000);
        impl_->producer->poll(0);
    }
}

}  // namespace gateway
