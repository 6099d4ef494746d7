// load: maximum throughput over N connections, ack latency percentiles.

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "clock.hpp"
#include "io_runner.hpp"
#include "latency_histogram.hpp"
#include "load_message.hpp"
#include "modes.hpp"
#include "rng.hpp"
#include "run_outcome.hpp"
#include "ws_client.hpp"

namespace pipeline::emulator {

namespace {
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

}  // namespace

int run_load(const Config& config, std::uint64_t seed) {
    const LoadConfig& lc = config.load;
    IoRunner io(static_cast<int>(std::min<std::size_t>(lc.connections, 2)), /*handle_signals=*/true);
    std::vector<std::unique_ptr<WsClient>> clients;
    for (std::size_t i = 0; i < lc.connections; ++i) {
        ClientConfig cc = config.client;
        cc.jitter_seed = seed + 1000 + i;
        clients.push_back(
            std::make_unique<WsClient>(io.context(), cc, fmt::format("load-{}", i)));
        clients.back()->start();
    }
    // Give the connections a moment, so the clock starts when they can carry load.
    const auto connect_deadline = steady::now() + 5s;
    while (steady::now() < connect_deadline && !io.stop_requested()) {
        const bool all = std::all_of(clients.begin(), clients.end(),
                                     [](const auto& c) { return c->stats().connected; });
        if (all) break;
        io.wait_for_stop(20ms);
    }
    spdlog::info("load: {} connections, {} events per message, ~{} bytes per event, {} s",
                 lc.connections, lc.batch, lc.event_bytes, lc.duration_s);

    const auto started = steady::now();
    const auto deadline = started + std::chrono::duration_cast<steady::duration>(
                                        std::chrono::duration<double>(lc.duration_s));
    std::atomic<std::uint64_t> bytes_sent{0};
    std::vector<std::thread> producers;
    for (std::size_t i = 0; i < lc.connections; ++i) {
        producers.emplace_back([&, i] {
            Rng rng(seed * 7919 + i);
            SystemClock clock;
            LoadMessageMaker maker(rng, i, lc.batch, lc.event_bytes);
            std::uint64_t bytes = 0;
            while (steady::now() < deadline && !io.stop_requested()) {
                OutMessage message = maker.make(rng, clock.now_ms());
                const std::size_t size = message.payload->size();
                while (steady::now() < deadline && !io.stop_requested()) {
                    if (clients[i]->try_send(message, 50ms)) {
                        bytes += size;
                        break;
                    }
                }
            }
            bytes_sent += bytes;
        });
    }
    for (auto& t : producers) t.join();
    const double produce_s = std::chrono::duration<double>(steady::now() - started).count();

    const auto drain_deadline = steady::now() + std::chrono::duration_cast<steady::duration>(
                                                    std::chrono::duration<double>(config.drain_timeout_s));
    for (auto& c : clients) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::max<steady::duration>(drain_deadline - steady::now(), 0ms));
        c->wait_idle(left);
    }
    const double elapsed = std::chrono::duration<double>(steady::now() - started).count();

    ClientStats total;
    LatencyHistogram latency;
    std::vector<RejectedEvent> rejections;
    for (auto& c : clients) {
        c->stop();
        const ClientStats s = c->stats();
        total.events_sent += s.events_sent;
        total.messages_acked += s.messages_acked;
        total.events_accepted += s.events_accepted;
        total.events_rejected += s.events_rejected;
        total.events_resent += s.events_resent;
        total.unacked_events += s.unacked_events;
        total.disconnects += s.disconnects;
        latency.merge(c->latency());
        const auto r = c->rejections();
        rejections.insert(rejections.end(), r.begin(), r.end());
    }
    clients.clear();
    io.stop();

    const double rate = elapsed > 0 ? static_cast<double>(total.events_accepted) / elapsed : 0;
    const double mb_s = produce_s > 0 ? static_cast<double>(bytes_sent.load()) / produce_s / 1e6 : 0;
    auto ms = [](std::int64_t micros) { return static_cast<double>(micros) / 1000.0; };
    fmt::print(
        "load summary\n"
        "  connections       {}\n"
        "  batch             {} events per message (~{} bytes per event)\n"
        "  duration          {:.2f} s (sending {:.2f} s)\n"
        "  events sent       {} (resent {})\n"
        "  events acked      {}\n"
        "  events rejected   {}\n"
        "  unacknowledged    {}\n"
        "  acked events/s    {:.0f}\n"
        "  sent MB/s         {:.2f}\n"
        "  ack latency ms    p50 {:.2f}  p95 {:.2f}  p99 {:.2f}  max {:.2f}  ({} messages)\n",
        lc.connections, lc.batch, lc.event_bytes, elapsed, produce_s, total.events_sent,
        total.events_resent, total.events_accepted, total.events_rejected, total.unacked_events,
        rate, mb_s, ms(latency.percentile(0.50)), ms(latency.percentile(0.95)),
        ms(latency.percentile(0.99)), ms(latency.max()), latency.count());
    fmt::print(
        "{{\"mode\":\"load\",\"connections\":{},\"batch\":{},\"event_bytes\":{},"
        "\"duration_s\":{:.3f},\"events_sent\":{},\"events_acked\":{},\"events_rejected\":{},"
        "\"events_unacked\":{},\"events_per_s\":{:.1f},\"messages_acked\":{},"
        "\"latency_ms\":{{\"p50\":{:.3f},\"p95\":{:.3f},\"p99\":{:.3f},\"max\":{:.3f}}}}}\n",
        lc.connections, lc.batch, lc.event_bytes, elapsed, total.events_sent, total.events_accepted,
        total.events_rejected, total.unacked_events, rate, total.messages_acked,
        ms(latency.percentile(0.50)), ms(latency.percentile(0.95)), ms(latency.percentile(0.99)),
        ms(latency.max()));
    fmt::print("{}", describe_rejections(total.events_rejected, rejections));
    std::fflush(stdout);
    return exit_code(RunOutcome{.rejected_events = total.events_rejected,
                                .unacked_events = total.unacked_events});
}

}  // namespace pipeline::emulator
