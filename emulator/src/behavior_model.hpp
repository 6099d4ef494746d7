#pragma once
// The simulated population, as a pure discrete-event generator (no I/O, no sleeping):
// given the parameters, an Rng and a Clock (read once, for the start time) it yields the
// events of all users in time order. The simulate mode sends each event when the wall
// clock reaches its ts; tests simply pull events.
//
// - Sessions start as a Poisson process whose rate follows the daily curve:
//   rate x curve(t) / expected events per session.
// - Each session goes to a returning user picked by a heavy-tailed (Pareto) activity
//   weight among the users who are free (not in a session, and their last session ended
//   at least min_session_gap ago), or, with P(new_user_share) or when nobody is free, to a
//   new visitor who joins the population (up to max_users; after that the session is
//   skipped and counted).
// - The session's journey comes from JourneyBuilder.

#include <cstdint>
#include <memory>
#include <vector>

#include "catalog.hpp"
#include "clock.hpp"
#include "common/event.hpp"
#include "config.hpp"
#include "daily_curve.hpp"
#include "journey_builder.hpp"
#include "rng.hpp"
#include "sim_user.hpp"
#include "weighted_sampler.hpp"

namespace pipeline::emulator {

struct BehaviorStats {
    std::uint64_t sessions = 0;
    std::uint64_t sessions_skipped = 0;  // population at max_users and nobody free
    std::uint64_t events = 0;            // returned by next()
    std::uint64_t new_users = 0;         // joined after the start
    std::uint64_t users = 0;             // population now
};

class BehaviorModel {
public:
    BehaviorModel(const BehaviorParams& params, Rng rng, const Clock& clock);

    // The time of the event next() returns.
    std::int64_t next_ts_ms();
    Event next();

    std::int64_t start_ms() const { return start_ms_; }
    const BehaviorStats& stats() const { return stats_; }
    const std::vector<SimUser>& users() const { return users_; }
    double expected_events_per_session() const { return events_per_session_; }
    // Events/s that the population can sustain without new visitors (each user at most
    // one session per min_session_gap + an average session length).
    double sustainable_rate() const;

private:
    struct Pending {
        std::int64_t ts_ms;
        std::uint64_t seq;   // tie-break: deterministic order for equal timestamps
        std::uint32_t slot;  // the event, in slots_ (the heap moves only these keys)
    };
    struct Release {
        std::int64_t at_ms;
        std::size_t user;
    };

    void fill_until_next_arrival();
    void start_session(std::int64_t at_ms);
    void release_users(std::int64_t now_ms);
    std::size_t add_user();
    // The next arrival after t (ms, fractional). Arrival times stay fractional between draws:
    // rounding each one up to the millisecond before drawing the next would add half a
    // millisecond per gap on average, and at 2500 events/s (a session every 1.8 ms) cut the
    // rate to 0.77 of the target.
    double draw_arrival_after(double t_ms);
    double session_rate_per_ms(std::int64_t t_ms) const;

    BehaviorParams params_;
    Rng rng_;
    Catalog catalog_;
    JourneyBuilder journey_;
    DailyCurve curve_;
    double events_per_session_;
    std::int64_t start_ms_;
    double next_arrival_ms_;  // exact; sessions start at its ceiling
    std::uint64_t next_seq_ = 0;

    std::vector<SimUser> users_;
    std::vector<std::uint64_t> user_weight_;  // the weight a free user has in free_users_
    WeightedSampler free_users_;
    std::vector<Release> releases_;  // min-heap by at_ms
    std::vector<Pending> pending_;   // min-heap by (ts_ms, seq)
    std::vector<Event> slots_;       // scheduled events; bounded by the sessions in progress
    std::vector<std::uint32_t> free_slots_;
    BehaviorStats stats_;
};

}  // namespace pipeline::emulator
