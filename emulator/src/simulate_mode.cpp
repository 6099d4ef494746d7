// simulate: the population of BehaviorModel, sent in real time.

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "behavior_model.hpp"
#include "io_runner.hpp"
#include "modes.hpp"
#include "run_outcome.hpp"
#include "ws_client.hpp"

namespace pipeline::emulator {

namespace {
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

double seconds_since(steady::time_point t) {
    return std::chrono::duration<double>(steady::now() - t).count();
}

}  // namespace

int run_simulate(const Config& config, std::uint64_t seed) {
    const BehaviorParams& params = config.simulate;
    IoRunner io(1, /*handle_signals=*/true);
    ClientConfig client_config = config.client;
    client_config.jitter_seed = seed ^ 0x5157ULL;
    WsClient client(io.context(), client_config, "simulate");
    client.start();

    SystemClock clock;
    // Warm-up: the model starts `warmup` before now and the events before now are not
    // sent, so sessions are already in progress and the rate is steady from the start.
    const auto warmup_ms = static_cast<std::int64_t>(params.warmup_s * 1000.0);
    const std::int64_t first_ts_ms = clock.now_ms();
    BehaviorModel model(params, Rng(seed), ShiftedClock(warmup_ms));
    spdlog::info(
        "simulate: {} users, target {} events/s{}, {:.2f} events per session expected, seed {}",
        params.users, params.rate, params.daily_curve ? " (daily average, UTC curve)" : "",
        model.expected_events_per_session(), seed);
    if (model.sustainable_rate() < params.rate) {
        spdlog::info(
            "{} users sustain about {:.1f} events/s (one session per user per {:.0f} min at "
            "most); new visitors join the population to reach the target",
            params.users, model.sustainable_rate(), params.min_session_gap_s / 60.0);
    }

    const auto started = steady::now();
    const auto deadline = params.duration_s > 0
                              ? started + std::chrono::duration_cast<steady::duration>(
                                              std::chrono::duration<double>(params.duration_s))
                              : steady::time_point::max();
    const auto progress_every = std::chrono::duration_cast<steady::duration>(
        std::chrono::duration<double>(params.progress_s));
    auto next_progress = started + progress_every;
    std::uint64_t last_accepted = 0;
    auto last_progress = started;
    std::uint64_t dropped_lag = 0;
    std::uint64_t warmup_events = 0;
    std::uint64_t unsent = 0;

    auto report_progress = [&] {
        const auto now = steady::now();
        if (now < next_progress) return;
        const ClientStats s = client.stats();
        const double dt = std::chrono::duration<double>(now - last_progress).count();
        const double rate = dt > 0 ? static_cast<double>(s.events_accepted - last_accepted) / dt : 0;
        const BehaviorStats& b = model.stats();
        spdlog::info(
            "sent {} acked {} rejected {} | {:.1f} events/s | users {} sessions {} | unacked {}{}{}",
            s.events_sent, s.events_accepted, s.events_rejected, rate, b.users, b.sessions,
            s.unacked_events, s.connected ? "" : " | DISCONNECTED",
            dropped_lag ? fmt::format(" | dropped (lag) {}", dropped_lag) : std::string());
        last_accepted = s.events_accepted;
        last_progress = now;
        next_progress = now + progress_every;
    };

    std::vector<Event> batch;
    batch.reserve(params.max_batch);
    while (!io.stop_requested() && steady::now() < deadline) {
        report_progress();
        const std::int64_t now_ms = clock.now_ms();
        const std::int64_t due_ms = model.next_ts_ms();
        if (due_ms > now_ms) {
            io.wait_for_stop(std::chrono::milliseconds(std::min<std::int64_t>(due_ms - now_ms, 100)));
            continue;
        }
        batch.clear();
        while (batch.size() < params.max_batch && model.next_ts_ms() <= now_ms) {
            Event e = model.next();
            if (e.ts_ms < first_ts_ms) {
                ++warmup_events;
                continue;
            }
            // Far behind the wall clock (the gateway was down, the window full): these users
            // "happened" while nobody listened; sending them now would only make late events.
            if (now_ms - e.ts_ms > params.max_lag_ms) {
                ++dropped_lag;
                continue;
            }
            batch.push_back(std::move(e));
        }
        if (batch.empty()) continue;
        OutMessage message = make_message(batch);
        while (!client.try_send(message, 100ms)) {
            report_progress();
            if (io.stop_requested() || steady::now() >= deadline) {
                unsent += batch.size();
                break;
            }
        }
    }

    // Stop producing; wait (bounded) for what is in flight.
    const auto drain = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::duration<double>(config.drain_timeout_s));
    if (!client.wait_idle(drain)) {
        spdlog::warn("stopping with {} events unacknowledged after {} s", client.stats().unacked_events,
                     config.drain_timeout_s);
    }
    client.stop();
    const double elapsed = seconds_since(started);
    const ClientStats s = client.stats();
    io.stop();

    const BehaviorStats& b = model.stats();
    RunOutcome outcome{.rejected_events = s.events_rejected,
                       .unacked_events = s.unacked_events,
                       .unsent_events = unsent};
    fmt::print(
        "simulate summary\n"
        "  duration          {:.1f} s\n"
        "  events generated  {} (warm-up {}, dropped for lag {}, not sent at stop {})\n"
        "  events sent       {} (resent after reconnects {})\n"
        "  events accepted   {}\n"
        "  events rejected   {}\n"
        "  unacknowledged    {}\n"
        "  accepted/s        {:.1f}\n"
        "  users             {} ({} new visitors), sessions {}{}\n"
        "  connections       {} (lost {})\n"
        "  seed              {}\n",
        elapsed, b.events, warmup_events, dropped_lag, unsent, s.events_sent, s.events_resent, s.events_accepted,
        s.events_rejected, s.unacked_events,
        elapsed > 0 ? static_cast<double>(s.events_accepted) / elapsed : 0.0, b.users,
        b.new_users, b.sessions,
        b.sessions_skipped ? fmt::format(" (skipped {}: max users)", b.sessions_skipped) : "",
        s.connects, s.disconnects, seed);
    fmt::print("{}", describe_rejections(s.events_rejected, client.rejections()));
    std::fflush(stdout);
    return exit_code(outcome);
}

}  // namespace pipeline::emulator
