// The behaviour model over large seeded runs: funnel drop-off, think times, session gaps,
// rate, heavy-tailed activity, reproducibility and event validity (contract section 3).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <unordered_map>

#include "behavior_model.hpp"
#include "catalog.hpp"
#include "daily_curve.hpp"
#include "journey_builder.hpp"

namespace pipeline::emulator {
namespace {

constexpr std::int64_t kSessionGapMs = 30 * 60 * 1000;  // contract section 4
constexpr std::int64_t kStartMs = 1'764'000'000'000;    // 2025-11-24T16:00Z, a fixed start

class ManualClock final : public Clock {
public:
    explicit ManualClock(std::int64_t now) : now_(now) {}
    std::int64_t now_ms() const override { return now_; }

private:
    std::int64_t now_;
};

std::vector<Event> run(BehaviorModel& model, std::size_t n) {
    std::vector<Event> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(model.next());
    return out;
}

// Groups events by session_id, keeping each session's events in time order.
std::map<std::string, std::vector<const Event*>> sessions_of(const std::vector<Event>& events) {
    std::map<std::string, std::vector<const Event*>> sessions;
    for (const auto& e : events) sessions[*e.session_id].push_back(&e);
    return sessions;
}

double fraction_within(double observed, double expected, std::size_t n) {
    // |observed - expected| in standard errors of a proportion.
    const double se = std::sqrt(expected * (1 - expected) / static_cast<double>(n));
    return std::abs(observed - expected) / se;
}

TEST(BehaviorModel, SameSeedSameEventsDifferentSeedDifferentEvents) {
    BehaviorParams params;
    ManualClock clock(kStartMs);
    BehaviorModel a(params, Rng(42), clock);
    BehaviorModel b(params, Rng(42), clock);
    BehaviorModel c(params, Rng(43), clock);
    const auto ea = run(a, 5000);
    const auto eb = run(b, 5000);
    const auto ec = run(c, 5000);
    EXPECT_EQ(ea, eb);
    std::size_t same_ids = 0;
    for (std::size_t i = 0; i < ea.size(); ++i) same_ids += ea[i].event_id == ec[i].event_id;
    EXPECT_EQ(same_ids, 0u);
    EXPECT_NE(ea, ec);
}

TEST(BehaviorModel, EventsAreValidPerSpecAndStartNow) {
    BehaviorParams params;
    const std::int64_t now = SystemClock().now_ms();
    ManualClock clock(now);
    BehaviorModel model(params, Rng(7), clock);
    const std::regex type_pattern("^[a-z][a-z0-9_]{0,63}$");
    const std::regex uuid_pattern("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    const std::regex page_pattern(R"(^/(|category/\d+|item/\d+|cart|checkout|search)$)");
    std::set<std::string> ids;
    std::int64_t previous = 0;
    const auto events = run(model, 3000);
    for (const Event& e : events) {
        ASSERT_GE(e.event_id.size(), 1u);
        ASSERT_LE(e.event_id.size(), 64u);
        EXPECT_TRUE(std::regex_match(e.event_id, uuid_pattern)) << e.event_id;
        EXPECT_TRUE(ids.insert(e.event_id).second) << "duplicate " << e.event_id;
        ASSERT_GE(e.user_id.size(), 1u);
        ASSERT_LE(e.user_id.size(), 128u);
        EXPECT_TRUE(std::regex_match(e.type, type_pattern)) << e.type;
        EXPECT_NE(std::find(kKnownEventTypes.begin(), kKnownEventTypes.end(), e.type),
                  kKnownEventTypes.end())
            << e.type;
        EXPECT_TRUE(std::regex_match(e.page, page_pattern)) << e.page;
        // "now-ish": from the clock's now on, in time order, within minutes for 3000 events.
        EXPECT_GE(e.ts_ms, now);
        EXPECT_LE(e.ts_ms, now + 10 * 60 * 1000);
        EXPECT_GE(e.ts_ms, previous);
        previous = e.ts_ms;
        ASSERT_TRUE(e.session_id.has_value());
        EXPECT_EQ(e.session_id->rfind(e.user_id + ":", 0), 0u) << *e.session_id;
    }
}

// The journey model alone, over many seeded sessions: funnel reach and think times.
class ManySessions : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        params_ = new BehaviorParams();
        params_->funnel = {0.8, 0.6, 0.5, 0.7, 0.9};  // not the defaults: configured values
        params_->think_median_s = 20;
        params_->think_sigma = 1.1;
        params_->think_max_s = 900;
        catalog_ = new Catalog(params_->categories, params_->items, params_->item_zipf);
        const JourneyBuilder builder(*params_, *catalog_);
        Rng rng(2024);
        SimUser user;
        user.id = "user-000001";
        user.device = "desktop";
        sessions_ = new std::vector<std::vector<Event>>();
        for (int i = 0; i < 30'000; ++i) {
            sessions_->push_back(builder.build(rng, user, kStartMs + i * 7'200'000LL));
        }
    }
    static void TearDownTestSuite() {
        delete sessions_;
        delete catalog_;
        delete params_;
    }

    static BehaviorParams* params_;
    static Catalog* catalog_;
    static std::vector<std::vector<Event>>* sessions_;
};

BehaviorParams* ManySessions::params_ = nullptr;
Catalog* ManySessions::catalog_ = nullptr;
std::vector<std::vector<Event>>* ManySessions::sessions_ = nullptr;

TEST_F(ManySessions, FunnelReachMatchesTheProductOfStepProbabilities) {
    const std::size_t n = sessions_->size();
    std::array<std::size_t, 5> reached{};
    for (const auto& session : *sessions_) {
        bool product = false, click = false, cart = false, checkout = false, purchase = false;
        for (const Event& e : session) {
            product |= e.type == "page_view" && e.page.starts_with("/item/");
            click |= e.type == "click";
            cart |= e.type == "add_to_cart";
            checkout |= e.type == "checkout";
            purchase |= e.type == "purchase";
        }
        reached[0] += product;
        reached[1] += click;
        reached[2] += cart;
        reached[3] += checkout;
        reached[4] += purchase;
        // A step implies all the ones before it.
        EXPECT_TRUE(!purchase || checkout);
        EXPECT_TRUE(!checkout || cart);
        EXPECT_TRUE(!cart || click);
        EXPECT_TRUE(!click || product);
    }
    double expected = 1.0;
    for (std::size_t k = 0; k < 5; ++k) {
        expected *= params_->funnel[k];
        const double observed = static_cast<double>(reached[k]) / static_cast<double>(n);
        EXPECT_LT(fraction_within(observed, expected, n), 4.5)
            << "step " << k << ": observed " << observed << " expected " << expected;
    }
}

TEST_F(ManySessions, ThinkTimesAreLogNormalWithTheConfiguredMedianAndSigma) {
    std::vector<double> logs;
    std::int64_t max_gap = 0;
    for (const auto& session : *sessions_) {
        for (std::size_t i = 1; i < session.size(); ++i) {
            const std::int64_t gap = session[i].ts_ms - session[i - 1].ts_ms;
            ASSERT_GE(gap, JourneyBuilder::kMinThinkMs);
            max_gap = std::max(max_gap, gap);
            logs.push_back(std::log(static_cast<double>(gap) / 1000.0));
        }
    }
    ASSERT_GT(logs.size(), 50'000u);
    EXPECT_LE(max_gap, static_cast<std::int64_t>(params_->think_max_s * 1000));
    EXPECT_LT(max_gap, kSessionGapMs);  // never splits a session downstream
    std::nth_element(logs.begin(), logs.begin() + logs.size() / 2, logs.end());
    const double median_s = std::exp(logs[logs.size() / 2]);
    EXPECT_NEAR(median_s, params_->think_median_s, params_->think_median_s * 0.02);
    double mean = 0;
    for (double l : logs) mean += l;
    mean /= static_cast<double>(logs.size());
    double var = 0;
    for (double l : logs) var += (l - mean) * (l - mean);
    const double sigma = std::sqrt(var / static_cast<double>(logs.size()));
    EXPECT_NEAR(sigma, params_->think_sigma, params_->think_sigma * 0.03);
}

// One seeded run of the whole population: sessions, gaps and the rate.
class LargeRun : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        params_ = new BehaviorParams();
        params_->users = 100;  // few users: many return, and new visitors join
        params_->rate = 25;    // 100k events: 67 simulated minutes
        params_->daily_curve = false;
        params_->min_session_gap_s = 1900;
        ManualClock clock(kStartMs);
        BehaviorModel model(*params_, Rng(2024), clock);
        events_ = new std::vector<Event>(run(model, 100'000));
        expected_per_session_ = model.expected_events_per_session();
        stats_ = new BehaviorStats(model.stats());
        // Sessions still running at the end are cut: keep those that started in the first
        // 80 % of the simulated time.
        const std::int64_t end = events_->back().ts_ms;
        const std::int64_t cutoff = kStartMs + (end - kStartMs) * 8 / 10;
        sessions_ = new std::vector<std::vector<const Event*>>();
        for (auto& [id, events] : sessions_of(*events_)) {
            if (events.front()->ts_ms < cutoff) sessions_->push_back(std::move(events));
        }
    }
    static void TearDownTestSuite() {
        delete params_;
        delete events_;
        delete stats_;
        delete sessions_;
    }

    static BehaviorParams* params_;
    static std::vector<Event>* events_;
    static BehaviorStats* stats_;
    static std::vector<std::vector<const Event*>>* sessions_;
    static double expected_per_session_;
};

BehaviorParams* LargeRun::params_ = nullptr;
std::vector<Event>* LargeRun::events_ = nullptr;
BehaviorStats* LargeRun::stats_ = nullptr;
std::vector<std::vector<const Event*>>* LargeRun::sessions_ = nullptr;
double LargeRun::expected_per_session_ = 0;

TEST_F(LargeRun, EventsPerSessionMatchTheModelsExpectation) {
    double total = 0;
    for (const auto& s : *sessions_) total += static_cast<double>(s.size());
    const double mean = total / static_cast<double>(sessions_->size());
    EXPECT_NEAR(mean, expected_per_session_, expected_per_session_ * 0.02);
}

TEST_F(LargeRun, SessionGapsAreAtLeastTheConfiguredMinimum) {
    // Per user, in time order: a change of session_id comes min_session_gap or more after
    // the user's previous event; within a session consecutive events are < 30 min apart.
    std::unordered_map<std::string, const Event*> last;
    std::size_t returns = 0;
    const auto min_gap = static_cast<std::int64_t>(params_->min_session_gap_s * 1000);
    for (const Event& e : *events_) {
        auto it = last.find(e.user_id);
        if (it != last.end()) {
            const std::int64_t gap = e.ts_ms - it->second->ts_ms;
            if (*e.session_id != *it->second->session_id) {
                ++returns;
                ASSERT_GE(gap, min_gap) << e.user_id;
                ASSERT_GE(gap, kSessionGapMs);
                EXPECT_EQ(*e.session_id, e.user_id + ":" + std::to_string(e.ts_ms));
            } else {
                ASSERT_LT(gap, kSessionGapMs);
            }
            it->second = &e;
        } else {
            last.emplace(e.user_id, &e);
        }
    }
    EXPECT_GT(returns, 300u);  // returning users were exercised
    EXPECT_GT(stats_->new_users, 0u);
}

TEST_F(LargeRun, RateMatchesTheTarget) {
    // In the middle half of the run (no ramp-up at the start, no cut sessions at the end).
    const std::int64_t span = events_->back().ts_ms - kStartMs;
    const std::int64_t from = kStartMs + span / 4;
    const std::int64_t to = kStartMs + span * 3 / 4;
    const auto n = std::count_if(events_->begin(), events_->end(), [&](const Event& e) {
        return e.ts_ms >= from && e.ts_ms < to;
    });
    const double rate = static_cast<double>(n) / (static_cast<double>(to - from) / 1000.0);
    EXPECT_NEAR(rate, params_->rate, params_->rate * 0.05);
}

TEST(BehaviorModel, ActivityIsHeavyTailed) {
    // A population large enough that nobody is held back by the minimum session gap much.
    BehaviorParams params;
    params.users = 10'000;
    params.rate = 2.5;
    params.new_user_share = 0;
    params.daily_curve = false;
    ManualClock clock(kStartMs);
    BehaviorModel model(params, Rng(99), clock);
    while (model.next_ts_ms() < kStartMs + 6LL * 3600 * 1000) model.next();
    std::vector<std::uint32_t> sessions;
    std::uint64_t total = 0;
    for (const auto& u : model.users()) {
        sessions.push_back(u.sessions);
        total += u.sessions;
    }
    ASSERT_EQ(sessions.size(), 10'000u);
    std::sort(sessions.rbegin(), sessions.rend());
    std::uint64_t top = 0;
    for (std::size_t i = 0; i < sessions.size() / 10; ++i) top += sessions[i];
    // The top 10 % of users make far more than 10 % of the sessions; most make none.
    EXPECT_GT(static_cast<double>(top) / static_cast<double>(total), 0.4);
    EXPECT_GT(std::count(sessions.begin(), sessions.end(), 0u), 3'000);
    EXPECT_GT(sessions.front(), 5u);
}

TEST(BehaviorModel, DailyCurveAveragesOneAndIsQuietAtNight) {
    const DailyCurve curve(true);
    double sum = 0;
    constexpr int kSteps = 24 * 60;
    for (int m = 0; m < kSteps; ++m) sum += curve.factor(kStartMs / 86'400'000 * 86'400'000 + m * 60'000LL);
    EXPECT_NEAR(sum / kSteps, 1.0, 1e-9);
    const std::int64_t midnight = 1'763'942'400'000;  // 2025-11-24T00:00Z
    EXPECT_LT(curve.factor(midnight + 4 * 3'600'000), 0.35);
    EXPECT_GT(curve.factor(midnight + 20 * 3'600'000 + 1'800'000), 1.4);
    EXPECT_EQ(DailyCurve(false).factor(midnight), 1.0);
}

TEST(BehaviorModel, TheRateFollowsTheDailyCurve) {
    BehaviorParams params;
    params.rate = 2;
    const std::int64_t midnight = 1'763'942'400'000;  // 2025-11-24T00:00Z
    constexpr std::int64_t kHour = 3'600'000;
    ManualClock clock(midnight);
    BehaviorModel model(params, Rng(5), clock);
    std::array<std::size_t, 24> per_hour{};
    for (;;) {
        const Event e = model.next();
        if (e.ts_ms >= midnight + 24 * kHour) break;
        ++per_hour[static_cast<std::size_t>((e.ts_ms - midnight) / kHour)];
    }
    const DailyCurve curve(true);
    // Night (01-06 UTC) and evening (17-22 UTC): observed vs rate x integral of the curve.
    for (const std::size_t first : {1u, 17u}) {
        double expected = 0;
        double observed = 0;
        for (std::size_t h = first; h < first + 5; ++h) {
            observed += static_cast<double>(per_hour[h]);
            for (int m = 0; m < 60; ++m) {
                expected += curve.factor(midnight + static_cast<std::int64_t>(h) * kHour +
                                         m * 60'000 + 30'000) *
                            params.rate * 60;
            }
        }
        EXPECT_NEAR(observed, expected, expected * 0.12) << "hours from " << first;
    }
    EXPECT_GT(per_hour[20], 3 * per_hour[4]);
}

// At a high rate sessions start every ~2 ms: the arrival times must not be rounded to the
// millisecond between draws (that cut 2500 events/s to 1900). Over ten minutes of model time
// after the first ten (sessions in progress have built up; before the population reaches
// max_users at about half an hour, when sessions are skipped until users are free again),
// the rate is the target.
TEST(BehaviorModel, AHighFlatRateIsTheTarget) {
    BehaviorParams params;
    params.rate = 2500;
    params.daily_curve = false;
    ManualClock clock(kStartMs);
    BehaviorModel model(params, Rng(11), clock);
    constexpr std::int64_t kFrom = kStartMs + 10 * 60'000, kTo = kFrom + 10 * 60'000;
    std::size_t n = 0;
    for (;;) {
        const Event e = model.next();
        if (e.ts_ms >= kTo) break;
        if (e.ts_ms >= kFrom) ++n;
    }
    const double rate = static_cast<double>(n) / 600.0;
    EXPECT_NEAR(rate, params.rate, params.rate * 0.05);
}

TEST(JourneyBuilder, EverySessionStartsWithALandingPageView) {
    BehaviorParams params;
    Catalog catalog(params.categories, params.items, params.item_zipf);
    JourneyBuilder builder(params, catalog);
    Rng rng(3);
    SimUser user;
    user.id = "user-000001";
    user.device = "mobile";
    user.favorite_category = 3;
    for (int i = 0; i < 2000; ++i) {
        const auto events = builder.build(rng, user, kStartMs);
        ASSERT_FALSE(events.empty());
        EXPECT_EQ(events.front().type, "page_view");
        EXPECT_EQ(events.front().ts_ms, kStartMs);
        EXPECT_TRUE(events.front().page == "/" || events.front().page.starts_with("/category/"));
        for (const auto& e : events) EXPECT_EQ(*e.session_id, "user-000001:1764000000000");
    }
}

}  // namespace
}  // namespace pipeline::emulator
