#include "cli.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <stdexcept>

#include "ws_url.hpp"

namespace pipeline::emulator {

namespace {

void check(bool ok, const std::string& what) {
    if (!ok) throw std::invalid_argument(what);
}

void check_probability(double p, const char* name) {
    check(p >= 0.0 && p <= 1.0, fmt::format("{} must be within [0, 1], got {}", name, p));
}

}  // namespace

void build_cli(CLI::App& app, Config& c) {
    app.description(
        "Event emulator for the behaviour analytics pipeline: sends events to the gateway over "
        "WebSocket, at least once.\nModes: simulate (the default), replay FILE, load.");
    app.option_defaults()->always_capture_default();
    app.require_subcommand(0, 1);
    app.fallthrough();

    // Shared by all modes (may also be given after the subcommand).
    app.add_option("--url", c.client.url, "gateway WebSocket URL")->envname("EMULATOR_URL");
    app.add_option("--token", c.client.token, "bearer token for the gateway (Authorization header)")
        ->envname("GATEWAY_TOKEN")
        ->default_str("");
    app.add_option("--window", c.client.window,
                   "unacknowledged messages in flight per connection")
        ->envname("EMULATOR_WINDOW");
    app.add_option("--reconnect-min-ms", c.client.reconnect_min_ms, "first reconnect delay")
        ->envname("EMULATOR_RECONNECT_MIN_MS");
    app.add_option("--reconnect-max-ms", c.client.reconnect_max_ms, "reconnect delay cap")
        ->envname("EMULATOR_RECONNECT_MAX_MS");
    app.add_option("--connect-timeout-ms", c.client.connect_timeout_ms,
                   "TCP connect and WebSocket handshake timeout")
        ->envname("EMULATOR_CONNECT_TIMEOUT_MS");
    app.add_option("--seed", c.seed, "random seed (default: random, logged)")
        ->envname("EMULATOR_SEED");
    app.add_option("--drain-timeout", c.drain_timeout_s,
                   "seconds to wait for outstanding acks when stopping")
        ->envname("EMULATOR_DRAIN_TIMEOUT");
    app.add_option("--log-level", c.log_level, "trace, debug, info, warn, error")
        ->envname("EMULATOR_LOG_LEVEL");

    auto* sim = app.add_subcommand("simulate", "simulated users in real time (the default mode)");
    auto& b = c.simulate;
    sim->add_option("--users", b.users, "initial population of returning users")
        ->envname("EMULATOR_USERS");
    sim->add_option("--rate", b.rate, "target events/s (average over a UTC day)")
        ->envname("EMULATOR_RATE");
    sim->add_option("--duration", b.duration_s, "seconds to run; 0 = until SIGINT/SIGTERM")
        ->envname("EMULATOR_DURATION");
    sim->add_option("--warmup", b.warmup_s,
                    "seconds simulated (not sent) before the start, so the rate is steady at once")
        ->envname("EMULATOR_WARMUP");
    sim->add_option("--daily-curve", b.daily_curve,
                    "modulate the rate by the UTC hour (quiet nights, evening peak)")
        ->envname("EMULATOR_DAILY_CURVE");
    sim->add_option("--activity-alpha", b.activity_alpha,
                    "Pareto tail index of per-user activity (smaller = heavier tail)")
        ->envname("EMULATOR_ACTIVITY_ALPHA");
    sim->add_option("--new-user-share", b.new_user_share,
                    "share of sessions started by brand-new visitors")
        ->envname("EMULATOR_NEW_USER_SHARE");
    sim->add_option("--max-users", b.max_users, "the population never grows past this")
        ->envname("EMULATOR_MAX_USERS");
    sim->add_option("--funnel", b.funnel,
                    "P(step | previous step) for product view, click, add_to_cart, checkout, "
                    "purchase")
        ->envname("EMULATOR_FUNNEL")
        ->delimiter(',');  // the array type makes CLI11 require exactly 5 values
    sim->add_option("--browse-more", b.browse_more, "P(another browsing step) after each one")
        ->envname("EMULATOR_BROWSE_MORE");
    sim->add_option("--search-share", b.search_share, "share of browsing steps that are searches")
        ->envname("EMULATOR_SEARCH_SHARE");
    sim->add_option("--more-products", b.more_products,
                    "P(viewing another product) after each product view")
        ->envname("EMULATOR_MORE_PRODUCTS");
    sim->add_option("--favorite", b.favorite, "P(favorite) per product view")
        ->envname("EMULATOR_FAVORITE");
    sim->add_option("--second-cart-item", b.second_cart_item, "P(a second add_to_cart)")
        ->envname("EMULATOR_SECOND_CART_ITEM");
    sim->add_option("--remove-from-cart", b.remove_from_cart,
                    "P(remove_from_cart) when the cart holds two items")
        ->envname("EMULATOR_REMOVE_FROM_CART");
    sim->add_option("--think-median", b.think_median_s, "think time median, seconds (log-normal)")
        ->envname("EMULATOR_THINK_MEDIAN");
    sim->add_option("--think-sigma", b.think_sigma, "think time: sigma of its logarithm")
        ->envname("EMULATOR_THINK_SIGMA");
    sim->add_option("--think-max", b.think_max_s, "think time cap, seconds (< 1800)")
        ->envname("EMULATOR_THINK_MAX");
    sim->add_option("--min-session-gap", b.min_session_gap_s,
                    "seconds between a user's sessions, at least (>= 1800 keeps them separate "
                    "sessions downstream)")
        ->envname("EMULATOR_MIN_SESSION_GAP");
    sim->add_option("--categories", b.categories, "catalog categories")
        ->envname("EMULATOR_CATEGORIES");
    sim->add_option("--items", b.items, "catalog items")->envname("EMULATOR_ITEMS");
    sim->add_option("--item-zipf", b.item_zipf, "Zipf exponent of item popularity")
        ->envname("EMULATOR_ITEM_ZIPF");
    sim->add_option("--batch", b.max_batch, "at most this many due events per message")
        ->envname("EMULATOR_SIM_BATCH");
    sim->add_option("--max-lag-ms", b.max_lag_ms,
                    "events overdue by more than this (gateway down) are dropped and counted")
        ->envname("EMULATOR_MAX_LAG_MS");
    sim->add_option("--progress", b.progress_s, "seconds between progress lines")
        ->envname("EMULATOR_PROGRESS");

    auto* replay = app.add_subcommand("replay", "replay a Taobao UserBehavior CSV file");
    auto& r = c.replay;
    replay->add_option("file", r.file, "CSV: user_id,item_id,category_id,behavior,ts_seconds")
        ->envname("EMULATOR_REPLAY_FILE")
        ->required();
    replay->add_option("--id-prefix", r.id_prefix,
                       "event_id prefix (event_id = prefix:line); default: the file's base name")
        ->envname("EMULATOR_REPLAY_ID_PREFIX")
        ->default_str("");
    replay->add_option("--speed", r.speed,
                       "0 = as fast as possible, 1 = real time, 60 = one hour per minute")
        ->envname("EMULATOR_REPLAY_SPEED");
    replay->add_option("--max-rate", r.max_rate,
                       "at most this many events per second (0 = no cap); combines with --speed")
        ->envname("EMULATOR_REPLAY_MAX_RATE");
    replay->add_option("--batch", r.batch, "events per message")->envname("EMULATOR_REPLAY_BATCH");
    replay->add_option("--disorder-ms", r.disorder_ms,
                       "bounded shuffle: no event is sent after one more than this much later")
        ->envname("EMULATOR_REPLAY_DISORDER_MS");
    replay->add_option("--duplicate-rate", r.duplicate_rate,
                       "fraction of events sent a second time (same event_id), later")
        ->envname("EMULATOR_REPLAY_DUPLICATE_RATE");

    auto* load = app.add_subcommand("load", "maximum throughput and ack latency");
    auto& l = c.load;
    load->add_option("--connections", l.connections, "parallel WebSocket connections")
        ->envname("EMULATOR_LOAD_CONNECTIONS");
    load->add_option("--batch", l.batch, "events per message")->envname("EMULATOR_LOAD_BATCH");
    load->add_option("--duration", l.duration_s, "seconds of sending")
        ->envname("EMULATOR_LOAD_DURATION");
    load->add_option("--event-bytes", l.event_bytes, "approximate size of one event")
        ->envname("EMULATOR_LOAD_EVENT_BYTES");
}

void finish_config(const CLI::App& app, Config& c) {
    if (app.got_subcommand("replay")) {
        c.mode = Mode::replay;
    } else if (app.got_subcommand("load")) {
        c.mode = Mode::load;
    } else {
        c.mode = Mode::simulate;
    }

    const auto& cl = c.client;
    parse_ws_url(cl.url);  // throws when malformed
    check(cl.window >= 1 && cl.window <= 100'000, "--window must be within [1, 100000]");
    check(cl.reconnect_min_ms >= 1, "--reconnect-min-ms must be >= 1");
    check(cl.reconnect_max_ms >= cl.reconnect_min_ms, "--reconnect-max-ms must be >= the minimum");
    check(cl.connect_timeout_ms >= 1, "--connect-timeout-ms must be >= 1");
    check(c.drain_timeout_s >= 0, "--drain-timeout must be >= 0");

    const auto& b = c.simulate;
    check(b.users >= 1, "--users must be >= 1");
    check(b.rate > 0, "--rate must be > 0");
    check(b.duration_s >= 0, "--duration must be >= 0");
    check(b.warmup_s >= 0 && b.warmup_s <= 86'400, "--warmup must be within [0, 86400]");
    check(b.activity_alpha > 0, "--activity-alpha must be > 0");
    check(b.max_users >= b.users, "--max-users must be >= --users");
    for (double p : b.funnel) check_probability(p, "--funnel");
    check_probability(b.new_user_share, "--new-user-share");
    check_probability(b.browse_more, "--browse-more");
    check_probability(b.search_share, "--search-share");
    check_probability(b.more_products, "--more-products");
    check_probability(b.favorite, "--favorite");
    check_probability(b.second_cart_item, "--second-cart-item");
    check_probability(b.remove_from_cart, "--remove-from-cart");
    check(b.think_median_s > 0 && b.think_sigma >= 0, "think time median must be > 0, sigma >= 0");
    check(b.think_max_s >= 0.2 && b.think_max_s < 1800,
          "--think-max must be within [0.2, 1800) s: a longer pause would split the session");
    check(b.min_session_gap_s > b.think_max_s,
          "--min-session-gap must be longer than --think-max");
    check(b.categories >= 1 && b.items >= b.categories, "need --items >= --categories >= 1");
    check(b.item_zipf >= 0, "--item-zipf must be >= 0");
    check(b.max_batch >= 1, "--batch must be >= 1");
    check(b.max_lag_ms >= 0, "--max-lag-ms must be >= 0");
    check(b.progress_s > 0, "--progress must be > 0");

    const auto& r = c.replay;
    check(r.speed >= 0, "--speed must be >= 0");
    check(r.max_rate >= 0, "--max-rate must be >= 0");
    check(r.batch >= 1, "--batch must be >= 1");
    check(r.disorder_ms >= 0, "--disorder-ms must be >= 0");
    check_probability(r.duplicate_rate, "--duplicate-rate");

    const auto& l = c.load;
    check(l.connections >= 1 && l.connections <= 1024, "--connections must be within [1, 1024]");
    check(l.batch >= 1, "--batch must be >= 1");
    check(l.duration_s > 0, "--duration must be > 0");
    // The event rules bound an event: at most 64 props of at most 1024 bytes each.
    check(l.event_bytes >= 100 && l.event_bytes <= 60'000,
          "--event-bytes must be within [100, 60000]");
}

std::string describe(const Config& c) {
    std::string out = fmt::format("url={} token={} window={} reconnect={}..{}ms drain={}s",
                                  c.client.url, c.client.token.empty() ? "(none)" : "(set, hidden)",
                                  c.client.window, c.client.reconnect_min_ms,
                                  c.client.reconnect_max_ms, c.drain_timeout_s);
    switch (c.mode) {
        case Mode::simulate: {
            const auto& b = c.simulate;
            out += fmt::format(
                " | simulate users={} rate={} daily_curve={} duration={} funnel={} think={}s/{} "
                "min_gap={}s new_user_share={}",
                b.users, b.rate, b.daily_curve, b.duration_s, fmt::join(b.funnel, ","),
                b.think_median_s, b.think_sigma, b.min_session_gap_s, b.new_user_share);
            break;
        }
        case Mode::replay:
            out += fmt::format(" | replay file={} speed={} max_rate={} batch={} disorder_ms={} duplicate_rate={}",
                               c.replay.file, c.replay.speed, c.replay.max_rate, c.replay.batch, c.replay.disorder_ms,
                               c.replay.duplicate_rate);
            break;
        case Mode::load:
            out += fmt::format(" | load connections={} batch={} duration={}s event_bytes={}",
                               c.load.connections, c.load.batch, c.load.duration_s,
                               c.load.event_bytes);
            break;
    }
    return out;
}

}  // namespace pipeline::emulator
