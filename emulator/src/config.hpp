#pragma once
// The emulator's one configuration: every option of every mode, with its default.
// Filled once from the command line and the environment (cli.cpp), validated at start-up,
// then passed down by const reference. Durations are in the unit their name says.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace pipeline::emulator {

// The at-least-once WebSocket client (all modes).
struct ClientConfig {
    std::string url = "ws://127.0.0.1:8080/ws/events";
    std::string token;                       // sent as "Authorization: Bearer <token>" if set
    std::size_t window = 256;                // unacknowledged messages in flight per connection
    std::int64_t reconnect_min_ms = 100;     // first reconnect delay
    std::int64_t reconnect_max_ms = 10'000;  // cap of the exponential backoff
    std::int64_t connect_timeout_ms = 5'000; // TCP connect + WebSocket handshake
    std::uint64_t jitter_seed = 1;           // the backoff jitter's generator (from --seed)
};

// The population and its behaviour (simulate). Probabilities are in [0, 1].
struct BehaviorParams {
    std::size_t users = 1000;          // initial population of returning users
    double rate = 50.0;                // target events/s, averaged over a UTC day
    bool daily_curve = true;           // modulate the rate by the hour of day (UTC)
    double activity_alpha = 1.2;       // Pareto tail index of per-user activity weights
    double new_user_share = 0.05;      // share of sessions started by brand-new visitors
    std::size_t max_users = 1'000'000; // the population never grows past this
    // Funnel: P(step k | step k-1) for product view, click, add_to_cart, checkout, purchase.
    std::array<double, 5> funnel = {0.75, 0.5, 0.45, 0.55, 0.7};
    double browse_more = 0.55;         // P(another browsing step) after each one
    double search_share = 0.25;        // share of browsing steps that are searches
    double more_products = 0.45;       // P(viewing another product) after each product view
    double favorite = 0.08;            // P(favorite) per product view
    double second_cart_item = 0.25;    // P(a second add_to_cart) after the first
    double remove_from_cart = 0.3;     // P(remove_from_cart) when the cart holds two items
    double think_median_s = 12.0;      // think time between events: log-normal median
    double think_sigma = 0.9;          // ... and sigma of its logarithm
    double think_max_s = 600.0;        // think times are clamped to [0.2 s, this]
    double min_session_gap_s = 1800.0; // a user's next session starts at least this later
    std::size_t categories = 40;
    std::size_t items = 4000;
    double item_zipf = 1.1;            // Zipf exponent of item popularity
    std::size_t max_batch = 100;       // events due at the same moment share a message
    std::int64_t max_lag_ms = 5'000;   // events more overdue than this are dropped (counted)
    double duration_s = 0;             // 0 = until SIGINT/SIGTERM
    double warmup_s = 900;             // simulated before the start, not sent: steady state at once
    double progress_s = 5.0;           // progress line interval
};

struct ReplayConfig {
    std::string file;
    std::string id_prefix;       // event_id prefix; default: the file's base name
    double speed = 0;            // 0 = as fast as possible, 1 = real time, 60 = a minute per second
    double max_rate = 0;         // at most this many events per second on average; 0 = no cap
    std::size_t batch = 100;     // events per message
    std::int64_t disorder_ms = 0;
    double duplicate_rate = 0;
};

struct LoadConfig {
    std::size_t connections = 4;
    std::size_t batch = 50;
    double duration_s = 10.0;
    std::size_t event_bytes = 200;  // approximate size of one event's JSON
};

enum class Mode { simulate, replay, load };

struct Config {
    Mode mode = Mode::simulate;
    ClientConfig client;
    BehaviorParams simulate;
    ReplayConfig replay;
    LoadConfig load;
    std::optional<std::uint64_t> seed;  // nullopt: a random seed, logged so it can be reused
    double drain_timeout_s = 10.0;      // on stop: how long to wait for outstanding acks
    std::string log_level = "info";
};

}  // namespace pipeline::emulator
