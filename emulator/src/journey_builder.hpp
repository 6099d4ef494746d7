#pragma once
// One session of one user: the shopping journey, pure and deterministic given the Rng.
//
//   landing page_view ("/" or "/category/N")
//   browsing: page_view /category/N or search, repeated with P(browse_more)
//   -- funnel[0] --> product views: page_view /item/N (+ favorite), repeated with P(more_products)
//   -- funnel[1] --> click (the buy box of the last viewed item)
//   -- funnel[2] --> add_to_cart (+ a second item, + sometimes remove_from_cart)
//   -- funnel[3] --> page_view /cart, checkout
//   -- funnel[4] --> purchase
//
// Every funnel step is taken with its probability given the previous one, otherwise the
// session ends there. Events are spaced by log-normal think times.

#include <cstdint>
#include <vector>

#include "catalog.hpp"
#include "common/event.hpp"
#include "config.hpp"
#include "rng.hpp"
#include "sim_user.hpp"

namespace pipeline::emulator {

class JourneyBuilder {
public:
    static constexpr int kMaxBrowseSteps = 12;
    static constexpr int kMaxProductViews = 10;
    static constexpr std::int64_t kMinThinkMs = 200;

    JourneyBuilder(const BehaviorParams& params, const Catalog& catalog);

    // The events of one session starting at start_ms, in time order, all with
    // session_id = user.id + ":" + start_ms.
    std::vector<Event> build(Rng& rng, const SimUser& user, std::int64_t start_ms) const;

    // The expected number of events of a session (exact for this model).
    double expected_events() const;

    std::int64_t think_ms(Rng& rng) const;

private:
    const BehaviorParams& params_;
    const Catalog& catalog_;
    double think_mu_;
};

}  // namespace pipeline::emulator
