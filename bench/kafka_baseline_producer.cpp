// Baseline for the "gateway ingest" benchmark: a plain librdkafka producer with the gateway's
// producer settings (gateway/src/kafka_producer.cpp), sending ~200-byte JSON events keyed by
// user_id as fast as it can for --duration seconds, then waiting for the last delivery reports.
// Prints one JSON line on stdout:
//   {"mode":"baseline","event_bytes":200,"duration_s":..,"events_produced":..,"events_delivered":..,
//    "events_failed":..,"events_per_s":..,"delivery_latency_ms":{"mean":..,"max":..}}
// events_per_s = delivered events / (time from the start to the last delivery report), the same
// definition as `emulator load` (acked events / time from the start to the last ack).
//
//   kafka_baseline_producer --bootstrap 127.0.0.1:9092 --topic T [--duration 10]
//                           [--event-bytes 200] [--max-in-flight 200000] [--seed 1]
#include <CLI/CLI.hpp>
#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

namespace {

using steady = std::chrono::steady_clock;

struct Options {
    std::string bootstrap = "127.0.0.1:9092";
    std::string topic = "events.raw";
    double duration_s = 10;
    std::size_t event_bytes = 200;
    std::size_t max_in_flight = 200000;  // the gateway's GATEWAY_QUEUE_HIGH_WATER default
    std::uint64_t seed = 1;
};

Options parse(int argc, char** argv) {
    Options o;
    CLI::App app{"The gateway ingest benchmark's baseline: a plain librdkafka producer"};
    app.add_option("--bootstrap", o.bootstrap, "Kafka bootstrap servers")->required();
    app.add_option("--topic", o.topic, "topic")->required();
    app.add_option("--duration", o.duration_s, "seconds of sending")->check(CLI::PositiveNumber);
    app.add_option("--event-bytes", o.event_bytes, "approximate size of one event");
    app.add_option("--max-in-flight", o.max_in_flight, "records in flight at most")->check(CLI::PositiveNumber);
    app.add_option("--seed", o.seed, "random seed");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        std::exit(app.exit(e));
    }
    return o;
}

struct Reports : RdKafka::DeliveryReportCb {
    std::uint64_t delivered = 0;
    std::uint64_t failed = 0;
    std::uint64_t latency_us_sum = 0;
    std::int64_t latency_us_max = 0;
    steady::time_point last_report{};

    void dr_cb(RdKafka::Message& m) override {
        if (m.err() == RdKafka::ERR_NO_ERROR) {
            ++delivered;
            const std::int64_t l = m.latency();
            if (l > 0) {
                latency_us_sum += static_cast<std::uint64_t>(l);
                if (l > latency_us_max) latency_us_max = l;
            }
        } else {
            if (failed++ < 5) {
                std::fprintf(stderr, "delivery failed: %s\n", RdKafka::err2str(m.err()).c_str());
            }
        }
        last_report = steady::now();
    }
};

struct Events : RdKafka::EventCb {
    void event_cb(RdKafka::Event& e) override {
        if (e.type() == RdKafka::Event::EVENT_ERROR) {
            std::fprintf(stderr, "kafka error %s: %s%s\n", RdKafka::err2str(e.err()).c_str(),
                         e.str().c_str(), e.fatal() ? " (fatal)" : "");
            if (e.fatal()) fatal = true;
        }
    }
    bool fatal = false;
};

void set(RdKafka::Conf& conf, const std::string& name, const std::string& value) {
    std::string err;
    if (conf.set(name, value, err) != RdKafka::Conf::CONF_OK) {
        throw std::runtime_error("kafka config " + name + "=" + value + ": " + err);
    }
}

std::atomic<bool> g_stop{false};

// A uuid-shaped random id (the gateway's events carry a UUID event_id).
void random_uuid(std::mt19937_64& rng, char* out) {
    static const char* hex = "0123456789abcdef";
    const std::uint64_t a = rng(), b = rng();
    int k = 0;
    for (int i = 0; i < 36; ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) { out[i] = '-'; continue; }
        const std::uint64_t w = k < 16 ? a : b;
        out[i] = hex[(w >> (4 * (k % 16))) & 0xf];
        ++k;
    }
    out[36] = '\0';
}

}  // namespace

int main(int argc, char** argv) try {
    const Options o = parse(argc, argv);
    std::signal(SIGINT, [](int) { g_stop = true; });
    std::signal(SIGTERM, [](int) { g_stop = true; });

    Reports reports;
    Events events;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    // The gateway's producer settings (gateway/src/kafka_producer.cpp, defaults of its Config).
    set(*conf, "bootstrap.servers", o.bootstrap);
    set(*conf, "client.id", "bench-baseline");
    set(*conf, "acks", "all");
    set(*conf, "enable.idempotence", "true");
    set(*conf, "linger.ms", "5");
    set(*conf, "batch.size", "1000000");
    set(*conf, "compression.type", "lz4");
    set(*conf, "message.timeout.ms", "300000");
    set(*conf, "queue.buffering.max.messages",
        std::to_string(std::min<std::size_t>(10000000, o.max_in_flight * 2 + 10000 * 4 + 10000)));
    set(*conf, "queue.buffering.max.kbytes", "2097151");
    set(*conf, "partitioner", "murmur2_random");
    set(*conf, "reconnect.backoff.ms", "100");
    set(*conf, "reconnect.backoff.max.ms", "2000");
    set(*conf, "socket.keepalive.enable", "true");
    std::string err;
    if (conf->set("dr_cb", &reports, err) != RdKafka::Conf::CONF_OK ||
        conf->set("event_cb", &events, err) != RdKafka::Conf::CONF_OK) {
        throw std::runtime_error("kafka callbacks: " + err);
    }
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
    if (!producer) throw std::runtime_error("kafka producer: " + err);
    std::unique_ptr<RdKafka::Topic> topic(RdKafka::Topic::create(producer.get(), o.topic, nullptr, err));
    if (!topic) throw std::runtime_error("kafka topic " + o.topic + ": " + err);

    static const char* kTypes[] = {"page_view", "page_view", "page_view", "click",
                                   "page_view", "add_to_cart", "search", "purchase"};
    std::mt19937_64 rng(o.seed);
    std::string pad;
    char uuid[37];
    char user[32];
    char page[32];
    std::string value;
    value.reserve(o.event_bytes + 256);

    const auto start = steady::now();
    const auto end = start + std::chrono::duration_cast<steady::duration>(
                                 std::chrono::duration<double>(o.duration_s));
    std::uint64_t produced = 0;
    while (!g_stop && !events.fatal) {
        if ((produced & 1023) == 0 && steady::now() >= end) break;
        // The same bound as the gateway's backpressure gate: records in flight to Kafka.
        if (produced - reports.delivered - reports.failed >= o.max_in_flight) {
            producer->poll(1);
            continue;
        }
        // An event like the gateway's canonical JSON of an `emulator load` event.
        random_uuid(rng, uuid);
        std::snprintf(user, sizeof user, "load-%" PRIu64 "-%05" PRIu64, rng() % 4, rng() % 20000);
        std::snprintf(page, sizeof page, "/item/%" PRIu64, rng() % 100000);
        const char* type = kTypes[rng() % 8];
        const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
        const std::size_t base = 96 + 36 + std::strlen(user) + std::strlen(type) + std::strlen(page) + 4;
        pad.assign(o.event_bytes > base ? o.event_bytes - base : 0, 'x');
        value.clear();
        value += "{\"event_id\":\""; value += uuid;
        value += "\",\"user_id\":\""; value += user;
        value += "\",\"type\":\""; value += type;
        value += "\",\"ts\":"; value += std::to_string(now_ms);
        value += ",\"page\":\""; value += page;
        value += "\",\"props\":{\"category_id\":\""; value += std::to_string(rng() % 500);
        value += "\",\"pad\":\""; value += pad;
        value += "\"},\"received_at_ms\":"; value += std::to_string(now_ms);
        value += "}";
        const RdKafka::ErrorCode rc = producer->produce(
            topic.get(), RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
            value.data(), value.size(), user, std::strlen(user), nullptr);
        if (rc == RdKafka::ERR__QUEUE_FULL) {
            producer->poll(1);
            continue;
        }
        if (rc != RdKafka::ERR_NO_ERROR) throw std::runtime_error("produce: " + RdKafka::err2str(rc));
        ++produced;
        producer->poll(0);
    }
    const auto stopped = steady::now();
    producer->flush(60000);
    producer->poll(0);

    const double elapsed =
        std::chrono::duration<double>((reports.delivered ? reports.last_report : stopped) - start).count();
    const double rate = elapsed > 0 ? static_cast<double>(reports.delivered) / elapsed : 0;
    const double mean_ms = reports.delivered
                               ? static_cast<double>(reports.latency_us_sum) / reports.delivered / 1000.0
                               : 0;
    std::printf("{\"mode\":\"baseline\",\"event_bytes\":%zu,\"duration_s\":%.3f,\"events_produced\":%" PRIu64
                ",\"events_delivered\":%" PRIu64 ",\"events_failed\":%" PRIu64
                ",\"events_per_s\":%.1f,\"delivery_latency_ms\":{\"mean\":%.3f,\"max\":%.3f}}\n",
                o.event_bytes, elapsed, produced, reports.delivered, reports.failed, rate, mean_ms,
                reports.latency_us_max / 1000.0);
    std::fflush(stdout);
    const std::uint64_t outstanding = produced - reports.delivered - reports.failed;
    return (reports.failed || outstanding || events.fatal) ? 4 : 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "kafka_baseline_producer: %s\n", e.what());
    return 1;
}
