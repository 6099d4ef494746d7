#include "behavior_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

namespace pipeline::emulator {

namespace {

constexpr std::array<std::string_view, 3> kDevices = {"desktop", "mobile", "tablet"};
constexpr std::array<double, 3> kDeviceShare = {0.40, 0.52, 0.08};

// std heaps are max-heaps: "greater" comparators turn them into min-heaps.
bool pending_after(const auto& a, const auto& b) {
    return a.ts_ms != b.ts_ms ? a.ts_ms > b.ts_ms : a.seq > b.seq;
}
bool release_after(const auto& a, const auto& b) {
    return a.at_ms != b.at_ms ? a.at_ms > b.at_ms : a.user > b.user;
}

}  // namespace

BehaviorModel::BehaviorModel(const BehaviorParams& params, Rng rng, const Clock& clock)
    : params_(params),
      rng_(rng),
      catalog_(params.categories, params.items, params.item_zipf),
      journey_(params_, catalog_),
      curve_(params.daily_curve),
      events_per_session_(journey_.expected_events()),
      start_ms_(clock.now_ms()),
      next_arrival_ms_(static_cast<double>(start_ms_)) {
    users_.reserve(params_.users);
    for (std::size_t i = 0; i < params_.users; ++i) add_user();
    stats_.new_users = 0;  // the initial population is not "new"
    next_arrival_ms_ = draw_arrival_after(static_cast<double>(start_ms_));
}

std::size_t BehaviorModel::add_user() {
    const std::size_t index = users_.size();
    SimUser& u = users_.emplace_back();
    u.id = fmt::format("user-{:06}", index + 1);
    const double d = rng_.uniform();
    u.device = std::string(d < kDeviceShare[0]                     ? kDevices[0]
                           : d < kDeviceShare[0] + kDeviceShare[1] ? kDevices[1]
                                                                   : kDevices[2]);
    u.favorite_category = catalog_.pick_category(rng_);
    // Pareto(1, alpha) activity, in thousandths so the sampler's sums are exact integers.
    const double w = std::min(rng_.pareto(1.0, params_.activity_alpha), 1e9);
    const auto weight = static_cast<std::uint64_t>(std::llround(w * 1000.0));
    user_weight_.push_back(weight);
    free_users_.push_back(weight);
    ++stats_.new_users;
    stats_.users = users_.size();
    return index;
}

double BehaviorModel::session_rate_per_ms(std::int64_t t_ms) const {
    return params_.rate * curve_.factor(t_ms) / events_per_session_ / 1000.0;
}

double BehaviorModel::draw_arrival_after(double t_ms) {
    // Thinning (Lewis-Shedler) of a homogeneous process at the peak rate.
    const double max_rate = params_.rate * curve_.max_factor() / events_per_session_ / 1000.0;
    double t = t_ms;
    for (;;) {
        t += rng_.exponential(1.0 / max_rate);
        const auto candidate = static_cast<std::int64_t>(std::ceil(t));
        if (rng_.uniform() * max_rate <= session_rate_per_ms(candidate)) return t;
    }
}

void BehaviorModel::release_users(std::int64_t now_ms) {
    while (!releases_.empty() && releases_.front().at_ms <= now_ms) {
        std::pop_heap(releases_.begin(), releases_.end(),
                      [](const Release& a, const Release& b) { return release_after(a, b); });
        const std::size_t u = releases_.back().user;
        releases_.pop_back();
        free_users_.set(u, user_weight_[u]);
    }
}

void BehaviorModel::start_session(std::int64_t at_ms) {
    release_users(at_ms);
    std::size_t user = 0;
    const bool wants_new = rng_.chance(params_.new_user_share);
    std::optional<std::size_t> picked;
    if (!wants_new) picked = free_users_.sample(rng_);
    if (picked) {
        user = *picked;
    } else if (users_.size() < params_.max_users) {
        user = add_user();
    } else if (auto fallback = free_users_.sample(rng_)) {
        user = *fallback;  // wanted a new visitor, but the population is full
    } else {
        ++stats_.sessions_skipped;
        return;
    }

    std::vector<Event> events = journey_.build(rng_, users_[user], at_ms);
    const std::int64_t last_ms = events.back().ts_ms;
    for (auto& e : events) {
        std::uint32_t slot = 0;
        if (free_slots_.empty()) {
            slot = static_cast<std::uint32_t>(slots_.size());
            slots_.push_back(std::move(e));
        } else {
            slot = free_slots_.back();
            free_slots_.pop_back();
            slots_[slot] = std::move(e);
        }
        pending_.push_back(Pending{slots_[slot].ts_ms, next_seq_++, slot});
        std::push_heap(pending_.begin(), pending_.end(),
                       [](const Pending& a, const Pending& b) { return pending_after(a, b); });
    }
    SimUser& u = users_[user];
    u.last_event_ms = last_ms;
    ++u.sessions;
    ++stats_.sessions;
    // Busy until the session ends plus the minimum gap.
    free_users_.set(user, 0);
    const auto gap_ms = static_cast<std::int64_t>(std::ceil(params_.min_session_gap_s * 1000.0));
    releases_.push_back(Release{last_ms + gap_ms, user});
    std::push_heap(releases_.begin(), releases_.end(),
                   [](const Release& a, const Release& b) { return release_after(a, b); });
}

void BehaviorModel::fill_until_next_arrival() {
    // Sessions that start before (or at) the earliest pending event come first.
    while (pending_.empty() || std::ceil(next_arrival_ms_) <= static_cast<double>(pending_.front().ts_ms)) {
        const auto at = static_cast<std::int64_t>(std::ceil(next_arrival_ms_));
        next_arrival_ms_ = draw_arrival_after(next_arrival_ms_);
        start_session(at);
    }
}

std::int64_t BehaviorModel::next_ts_ms() {
    fill_until_next_arrival();
    return pending_.front().ts_ms;
}

Event BehaviorModel::next() {
    fill_until_next_arrival();
    std::pop_heap(pending_.begin(), pending_.end(),
                  [](const Pending& a, const Pending& b) { return pending_after(a, b); });
    const std::uint32_t slot = pending_.back().slot;
    pending_.pop_back();
    Event e = std::move(slots_[slot]);
    free_slots_.push_back(slot);
    ++stats_.events;
    return e;
}

double BehaviorModel::sustainable_rate() const {
    // A session lasts (events - 1) think times on average; mean of the log-normal.
    const double think_mean_s =
        params_.think_median_s * std::exp(params_.think_sigma * params_.think_sigma / 2.0);
    const double session_s = (events_per_session_ - 1.0) * think_mean_s;
    return static_cast<double>(params_.users) * events_per_session_ /
           (session_s + params_.min_session_gap_s);
}

}  // namespace pipeline::emulator
