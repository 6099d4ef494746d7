// replay: a Taobao UserBehavior CSV, sorted by time, as fast as possible or paced.

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "clock.hpp"
#include "io_runner.hpp"
#include "modes.hpp"
#include "progress_line.hpp"
#include "replay_plan.hpp"
#include "run_outcome.hpp"
#include "taobao_csv.hpp"
#include "ws_client.hpp"

namespace pipeline::emulator {

namespace {
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr std::size_t kMaxEventIdChars = 64;

}  // namespace

int run_replay(const Config& config, std::uint64_t seed) {
    const ReplayConfig& rc = config.replay;
    std::ifstream in(rc.file);
    if (!in) throw std::runtime_error("cannot open " + rc.file);
    const auto read_started = steady::now();
    const TaobaoFile file = read_taobao_csv(in, SystemClock().now_ms() + 5 * 60 * 1000);
    const std::string prefix = rc.id_prefix.empty() ? file_base_name(rc.file) : rc.id_prefix;
    const std::size_t longest_id = prefix.size() + 1 + std::to_string(file.lines).size();
    if (longest_id > kMaxEventIdChars) {
        throw std::runtime_error(fmt::format(
            "event ids '{}:<line>' would be longer than {} characters; pass a shorter --id-prefix",
            prefix, kMaxEventIdChars));
    }
    if (file.bad_lines > 0) {
        spdlog::warn("{}: {} unparseable line(s) skipped", rc.file, file.bad_lines);
        for (const auto& e : file.first_errors) spdlog::warn("  line {}: {}", e.line, e.reason);
    }
    Rng rng(seed);
    const std::vector<ReplayItem> plan = plan_replay(file.rows, rc.disorder_ms, rc.duplicate_rate, rng);
    std::uint64_t duplicates = 0;
    for (const auto& item : plan) duplicates += item.duplicate ? 1 : 0;
    spdlog::info("replay {}: {} events ({} duplicates added), read in {:.2f} s; speed {}{}, batch {}, "
                 "disorder {} ms, seed {}",
                 rc.file, file.rows.size(), duplicates,
                 std::chrono::duration<double>(steady::now() - read_started).count(),
                 rc.speed > 0 ? fmt::format("x{}", rc.speed) : std::string("max"),
                 rc.max_rate > 0 ? fmt::format(", at most {} events/s", rc.max_rate) : std::string(),
                 rc.batch,
                 rc.disorder_ms, seed);

    IoRunner io(1, /*handle_signals=*/true);
    ClientConfig client_config = config.client;
    client_config.jitter_seed = seed ^ 0x4e91ULL;
    WsClient client(io.context(), client_config, "replay");
    client.start();

    ProgressLine progress(plan.size());
    const auto started = steady::now();
    auto elapsed = [&] { return std::chrono::duration<double>(steady::now() - started).count(); };
    const std::int64_t first_key = plan.empty() ? 0 : plan.front().key_ms;
    // Paced (--speed and/or --max-rate): item i is due at its offset after the start.
    const bool paced = rc.speed > 0 || rc.max_rate > 0;
    auto due_at = [&](std::size_t i) {
        return started + std::chrono::duration_cast<steady::duration>(
                             replay_due_offset(plan[i], i, first_key, rc.speed, rc.max_rate));
    };
    std::vector<Event> batch;
    batch.reserve(rc.batch);
    std::uint64_t unsent = 0;
    std::size_t next = 0;
    bool stopped = false;
    while (next < plan.size() && !stopped) {
        progress.update(client.stats(), elapsed());
        if (paced) {
            const auto due = due_at(next);
            if (due > steady::now()) {
                const auto wait = std::min<steady::duration>(due - steady::now(), 200ms);
                stopped = io.wait_for_stop(std::chrono::ceil<std::chrono::milliseconds>(wait));
                continue;
            }
        }
        const auto now = steady::now();
        batch.clear();
        while (next < plan.size() && batch.size() < rc.batch) {
            if (paced && due_at(next) > now) break;
            batch.push_back(to_event(file.rows[plan[next].row], prefix));
            ++next;
        }
        OutMessage message = make_message(batch);
        while (!client.try_send(message, 100ms)) {
            progress.update(client.stats(), elapsed());
            if (io.stop_requested()) {
                stopped = true;
                unsent += batch.size();
                break;
            }
        }
        stopped = stopped || io.stop_requested();
    }
    unsent += plan.size() - next;

    const auto drain = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::duration<double>(config.drain_timeout_s));
    // Wait for the acks (while still showing progress), bounded by the drain timeout.
    const auto drain_deadline = steady::now() + drain;
    while (!client.wait_idle(200ms) && steady::now() < drain_deadline) {
        progress.update(client.stats(), elapsed());
    }
    client.stop();
    const double duration = elapsed();
    const ClientStats s = client.stats();
    progress.update(s, duration, /*final=*/true);
    io.stop();

    RunOutcome outcome{.rejected_events = s.events_rejected,
                       .bad_input_lines = file.bad_lines,
                       .unacked_events = s.unacked_events,
                       .unsent_events = unsent};
    fmt::print(
        "replay summary ({})\n"
        "  lines read        {}\n"
        "  events read       {}\n"
        "  bad lines         {}\n"
        "  duplicates sent   {}\n"
        "  events sent       {} (resent after reconnects {}, not sent {})\n"
        "  connections       {} (lost {})\n"
        "  events acked      {}\n"
        "  events rejected   {}\n"
        "  unacknowledged    {}\n"
        "  duration          {:.2f} s\n"
        "  events/s          {:.1f}\n",
        rc.file, file.lines, file.rows.size(), file.bad_lines, duplicates, s.events_sent,
        s.events_resent, unsent, s.connects, s.disconnects, s.events_accepted, s.events_rejected,
        s.unacked_events, duration,
        duration > 0 ? static_cast<double>(s.events_accepted) / duration : 0.0);
    for (const auto& e : file.first_errors) fmt::print("  bad line {}: {}\n", e.line, e.reason);
    if (file.bad_lines > file.first_errors.size()) {
        fmt::print("  ... {} more bad lines\n", file.bad_lines - file.first_errors.size());
    }
    fmt::print("{}", describe_rejections(s.events_rejected, client.rejections()));
    std::fflush(stdout);
    return exit_code(outcome);
}

}  // namespace pipeline::emulator
