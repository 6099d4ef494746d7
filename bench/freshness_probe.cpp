// The "freshness" benchmark's probe: how long after a client sends an event its provisional
// value is visible in ClickHouse. Every --interval-ms it sends one page_view on a page of its
// own (/probe/RUN/N) over its own WebSocket to the gateway, and every --poll-ms it asks
// ClickHouse which of its pages analytics.page_views (the contract view, FINAL) already shows.
// Freshness of probe N = the first poll that shows its page - the moment it was sent.
// To show where the time goes it also tails Flink's page-views topic (bench/topic_tail.hpp):
// "flink_ms" is send -> the page's first record in that topic, "clickhouse_ms" the rest.
// The other traffic (the steady load) comes from elsewhere: bench/freshness.sh runs the
// emulator beside it. A poll's own duration and interval bound the resolution (reported).
// Prints one JSON line:
//   {"probes":..,"seen":..,"missing":..,"poll_ms":..,"latency_ms":{"p50":..,"p95":..,"p99":..,"max":..},
//    "flink_ms":{...},"clickhouse_ms":{...}}
//
//   freshness_probe --gateway-port 8080 [--duration 60] [--interval-ms 200] [--poll-ms 100]
//                   [--grace 30]      (ClickHouse from CLICKHOUSE_HTTP_PORT / _USER / _PASSWORD,
//                                      Kafka from KAFKA_BOOTSTRAP and PAGE_VIEWS_TOPIC)
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "clickhouse_http.hpp"
#include "env.hpp"
#include "topic_tail.hpp"
#include "ws_test_client.hpp"

namespace {

using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Options {
    std::uint16_t gateway_port = 8080;
    double duration_s = 60;
    int interval_ms = 200;
    int poll_ms = 100;
    double grace_s = 30;  // after the last probe, how long to wait for stragglers
};

Options parse(int argc, char** argv) {
    Options o;
    CLI::App app{"Freshness probe: send -> visible in ClickHouse's analytics.page_views"};
    app.add_option("--gateway-port", o.gateway_port, "the gateway's port on 127.0.0.1")->required();
    app.add_option("--duration", o.duration_s, "seconds of probing")->check(CLI::PositiveNumber);
    app.add_option("--interval-ms", o.interval_ms, "one probe every this long")->check(CLI::PositiveNumber);
    app.add_option("--poll-ms", o.poll_ms, "ClickHouse is asked every this long")->check(CLI::PositiveNumber);
    app.add_option("--grace", o.grace_s, "seconds to wait for the last probes");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        std::exit(app.exit(e));
    }
    return o;
}

std::int64_t wall_ms() {
    return std::chrono::duration_cast<milliseconds>(
               std::chrono::system_clock::now().time_since_epoch()).count();
}

double percentile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

// {"p50":..,"p95":..,"p99":..,"max":..} of the values, in ms.
std::string percentiles_json(const std::vector<double>& v) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "{\"p50\":%.0f,\"p95\":%.0f,\"p99\":%.0f,\"max\":%.0f}", percentile(v, 0.5),
                  percentile(v, 0.95), percentile(v, 0.99), v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()));
    return buf;
}

double ms_between(steady::time_point from, steady::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

}  // namespace

int main(int argc, char** argv) try {
    const Options o = parse(argc, argv);
    const std::string run = std::to_string(wall_ms());
    const std::string prefix = "/probe/" + run + "/";
    auto ch = test_support::clickhouse_from_env();
    test_support::WsTestClient ws;
    if (ws.connect(o.gateway_port) != 101) throw std::runtime_error("cannot connect to the gateway");

    std::map<int, steady::time_point> sent;  // probe -> send time, until seen
    std::vector<double> latencies, flink_ms, clickhouse_ms;

    // Probe -> when its page's first record reached Flink's page-views topic (the tail's thread).
    std::mutex in_kafka_mutex;
    std::map<int, steady::time_point> in_kafka;
    bench::TopicTail tail(test_support::env_or("KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
                          test_support::env_or("PAGE_VIEWS_TOPIC", "analytics.page_views"),
                          [&](std::string_view value, steady::time_point seen) {
                              const auto at = value.find(prefix);
                              if (at == std::string_view::npos) return;
                              const int n = std::atoi(std::string(value.substr(at + prefix.size(), 12)).c_str());
                              const std::lock_guard lock(in_kafka_mutex);
                              in_kafka.try_emplace(n, seen);
                          });
    double poll_ms_max = 0;
    int probes = 0;
    const auto start = steady::now();
    std::fprintf(stderr, "probing from %s (epoch ms)\n", run.c_str());
    const auto stop_sending = start + std::chrono::duration_cast<steady::duration>(
                                          std::chrono::duration<double>(o.duration_s));
    const auto give_up = stop_sending + std::chrono::duration_cast<steady::duration>(
                                            std::chrono::duration<double>(o.grace_s));
    auto next_send = start, next_poll = start;
    while (steady::now() < give_up && (steady::now() < stop_sending || !sent.empty())) {
        const auto now = steady::now();
        if (now >= next_send && now < stop_sending) {
            const int n = ++probes;
            const std::string user = "probe-user-" + std::to_string(n % 50);
            const std::string event = "{\"event_id\":\"probe-" + run + "-" + std::to_string(n) +
                                      "\",\"user_id\":\"" + user + "\",\"type\":\"page_view\",\"ts\":" +
                                      std::to_string(wall_ms()) + ",\"page\":\"" + prefix +
                                      std::to_string(n) + "\"}";
            sent[n] = steady::now();
            if (!ws.send_text(event)) throw std::runtime_error("the gateway connection failed");
            const auto ack = ws.read(std::chrono::seconds(30));
            if (!ack || ack->find("\"accepted\":1") == std::string::npos) {
                throw std::runtime_error("probe " + std::to_string(n) + " not accepted: " + ack.value_or("(no ack)"));
            }
            next_send += milliseconds(o.interval_ms);
        }
        if (now >= next_poll) {
            const auto poll_start = steady::now();
            const auto res = ch.post("SELECT page FROM analytics.page_views WHERE startsWith(page, '" + prefix +
                                     "') FORMAT TSV");
            const auto seen_at = steady::now();
            poll_ms_max = std::max(poll_ms_max, std::chrono::duration<double, std::milli>(seen_at - poll_start).count());
            if (res.status != 200) throw std::runtime_error("ClickHouse " + std::to_string(res.status) + ": " + res.body);
            std::istringstream lines(res.body);
            for (std::string page; std::getline(lines, page);) {
                const auto it = sent.find(std::stoi(page.substr(prefix.size())));
                if (it == sent.end()) continue;  // seen before
                // The page was visible by the time the query ran: count from its start.
                latencies.push_back(ms_between(it->second, poll_start));
                {
                    const std::lock_guard lock(in_kafka_mutex);
                    const auto k = in_kafka.find(it->first);
                    const bool in_topic = k != in_kafka.end();
                    if (in_topic) {
                        flink_ms.push_back(ms_between(it->second, k->second));
                        clickhouse_ms.push_back(ms_between(k->second, poll_start));
                    }
                    // One line per probe (the log beside the benchmark), to line stalls up with other logs.
                    std::fprintf(stderr, "probe %d sent %lld ms after start: %.0f ms, of which Flink %.0f ms\n",
                                 it->first, static_cast<long long>(ms_between(start, it->second)),
                                 latencies.back(), in_topic ? flink_ms.back() : -1.0);
                }
                sent.erase(it);
            }
            next_poll = poll_start + milliseconds(o.poll_ms);
        }
        std::this_thread::sleep_until(std::min(next_poll, now < stop_sending ? next_send : next_poll));
    }
    std::printf("{\"probes\":%d,\"seen\":%zu,\"missing\":%zu,\"interval_ms\":%d,\"poll_ms\":%d,\"poll_duration_ms_max\":%.1f,"
                "\"latency_ms\":%s,\"flink_ms\":%s,\"clickhouse_ms\":%s}\n",
                probes, latencies.size(), sent.size(), o.interval_ms, o.poll_ms, poll_ms_max,
                percentiles_json(latencies).c_str(), percentiles_json(flink_ms).c_str(),
                percentiles_json(clickhouse_ms).c_str());
    return sent.empty() ? 0 : 3;
} catch (const std::exception& e) {
    std::fprintf(stderr, "freshness_probe: %s\n", e.what());
    return 1;
}
