// Fills a raw-events topic for the "Flink job" benchmark: N events of the emulator's simulated
// shoppers (emulator/src/behavior_model.hpp: sessions, funnels, Zipf items, returning users),
// in event-time order, as the gateway writes them (common's append_event_json, keyed by
// user_id), with a share of exact duplicates (the same record again a little later, as an
// at-least-once client's resend would make). Event time starts --start-ago-s before now and
// runs at --rate events per event-second, so the job sees many windows, sessions and days of
// nothing special: a catch-up of ordinary traffic.
// Prints one JSON line: {"events":N,"duplicates":D,"first_ts":..,"last_ts":..,"seconds":..}
//
//   raw_topic_filler --bootstrap HOST:PORT --topic T --events N [--rate 500]
//                    [--duplicate-rate 0.01] [--start-ago-s 86400] [--seed 1]
#include <CLI/CLI.hpp>
#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "behavior_model.hpp"
#include "clock.hpp"
#include "common/json_writer.hpp"

namespace {

using pipeline::emulator::BehaviorModel;
using pipeline::emulator::BehaviorParams;
using pipeline::emulator::Rng;

struct Options {
    std::string bootstrap = "127.0.0.1:9092";
    std::string topic = "events.raw";
    std::uint64_t events = 500'000;
    double rate = 500;
    double duplicate_rate = 0.01;
    std::int64_t start_ago_s = 86'400;
    std::uint64_t seed = 1;
};

Options parse(int argc, char** argv) {
    Options o;
    CLI::App app{"Fills a raw-events topic with simulated shoppers' events (the Flink benchmark)"};
    app.add_option("--bootstrap", o.bootstrap, "Kafka bootstrap servers")->required();
    app.add_option("--topic", o.topic, "topic to fill")->required();
    app.add_option("--events", o.events, "events to write")->check(CLI::PositiveNumber);
    app.add_option("--rate", o.rate, "events per second of event time")->check(CLI::PositiveNumber);
    app.add_option("--duplicate-rate", o.duplicate_rate, "share of events written twice")->check(CLI::Range(0.0, 1.0));
    app.add_option("--start-ago-s", o.start_ago_s, "event time starts this long before now");
    app.add_option("--seed", o.seed, "random seed");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        std::exit(app.exit(e));
    }
    return o;
}

struct FailureCount : RdKafka::DeliveryReportCb {
    std::uint64_t failed = 0;
    void dr_cb(RdKafka::Message& m) override {
        if (m.err() != RdKafka::ERR_NO_ERROR && failed++ < 5) {
            std::fprintf(stderr, "delivery failed: %s\n", RdKafka::err2str(m.err()).c_str());
        }
    }
};

void set(RdKafka::Conf& conf, const std::string& name, const std::string& value) {
    std::string err;
    if (conf.set(name, value, err) != RdKafka::Conf::CONF_OK) {
        throw std::runtime_error("kafka config " + name + "=" + value + ": " + err);
    }
}

// The model reads its clock once, for its start time.
class FixedClock final : public pipeline::emulator::Clock {
public:
    explicit FixedClock(std::int64_t ms) : ms_(ms) {}
    std::int64_t now_ms() const override { return ms_; }

private:
    std::int64_t ms_;
};

}  // namespace

int main(int argc, char** argv) try {
    const Options o = parse(argc, argv);
    FailureCount reports;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    set(*conf, "bootstrap.servers", o.bootstrap);
    set(*conf, "acks", "all");
    set(*conf, "enable.idempotence", "true");
    set(*conf, "linger.ms", "20");
    set(*conf, "compression.type", "lz4");
    set(*conf, "partitioner", "murmur2_random");  // the gateway's: the same user, the same partition
    set(*conf, "queue.buffering.max.messages", "1000000");
    std::string err;
    if (conf->set("dr_cb", &reports, err) != RdKafka::Conf::CONF_OK) throw std::runtime_error(err);
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
    if (!producer) throw std::runtime_error("kafka producer: " + err);

    BehaviorParams params;
    params.rate = o.rate;
    params.daily_curve = false;
    params.users = 2'000;
    const auto wall = std::chrono::system_clock::now();
    const std::int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(wall.time_since_epoch()).count();
    const FixedClock start(now_ms - o.start_ago_s * 1000);
    BehaviorModel model(params, Rng(o.seed), start);
    Rng dup_rng(o.seed ^ 0x5eed);

    const auto t0 = std::chrono::steady_clock::now();
    std::string value, pending_dup, pending_dup_key;
    std::uint64_t sent = 0, duplicates = 0;
    std::int64_t first_ts = -1, last_ts = 0;
    auto produce = [&](const std::string& key, const std::string& v) {
        for (;;) {
            const auto rc = producer->produce(o.topic, RdKafka::Topic::PARTITION_UA,
                                              RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(v.data()),
                                              v.size(), key.data(), key.size(), 0, nullptr);
            if (rc == RdKafka::ERR_NO_ERROR) break;
            if (rc != RdKafka::ERR__QUEUE_FULL) throw std::runtime_error("produce: " + RdKafka::err2str(rc));
            producer->poll(10);
        }
        producer->poll(0);
        ++sent;
    };
    while (sent < o.events) {
        const pipeline::Event e = model.next();
        if (first_ts < 0) first_ts = e.ts_ms;
        last_ts = e.ts_ms;
        value.clear();
        pipeline::append_event_json(value, e, e.ts_ms);  // received when it happened
        produce(e.user_id, value);
        // A resend arrives after the next event: duplicates, slightly out of order.
        if (!pending_dup.empty() && sent < o.events) {
            produce(pending_dup_key, pending_dup);
            pending_dup.clear();
            ++duplicates;
        }
        if (dup_rng.chance(o.duplicate_rate)) {
            pending_dup = value;
            pending_dup_key = e.user_id;
        }
        if (sent % 100'000 == 0) std::fprintf(stderr, "raw_topic_filler: %" PRIu64 " events\n", sent);
    }
    if (producer->flush(120'000) != RdKafka::ERR_NO_ERROR) throw std::runtime_error("flush timed out");
    producer->poll(0);
    if (reports.failed) throw std::runtime_error(std::to_string(reports.failed) + " deliveries failed");
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("{\"events\":%" PRIu64 ",\"duplicates\":%" PRIu64 ",\"first_ts\":%" PRId64
                ",\"last_ts\":%" PRId64 ",\"seconds\":%.1f}\n",
                sent, duplicates, first_ts, last_ts, seconds);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "raw_topic_filler: %s\n", e.what());
    return 1;
}
