#include "journey_builder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

namespace pipeline::emulator {

namespace {

constexpr std::array<std::string_view, 24> kSearchWords = {
    "shoes",  "dress",   "phone",  "case",    "charger", "jacket", "lamp",  "desk",
    "chair",  "coffee",  "tea",    "mug",     "watch",   "bag",    "socks", "toy",
    "lego",   "book",    "pen",    "laptop",  "cable",   "rug",    "sofa",  "plant"};

std::string item_page(std::uint32_t item) { return fmt::format("/item/{}", item); }

double round_cents(double v) { return std::round(v * 100.0) / 100.0; }

// Sum of p^1 .. p^n.
double geometric_steps(double p, int n) {
    double sum = 0;
    double term = 1;
    for (int k = 1; k <= n; ++k) {
        term *= p;
        sum += term;
    }
    return sum;
}

struct CartLine {
    std::uint32_t item;
    std::int64_t quantity;
};

}  // namespace

JourneyBuilder::JourneyBuilder(const BehaviorParams& params, const Catalog& catalog)
    : params_(params), catalog_(catalog), think_mu_(std::log(params.think_median_s * 1000.0)) {}

std::int64_t JourneyBuilder::think_ms(Rng& rng) const {
    const double ms = rng.lognormal(think_mu_, params_.think_sigma);
    const double max_ms = params_.think_max_s * 1000.0;
    return static_cast<std::int64_t>(
        std::llround(std::clamp(ms, static_cast<double>(kMinThinkMs), max_ms)));
}

std::vector<Event> JourneyBuilder::build(Rng& rng, const SimUser& user,
                                         std::int64_t start_ms) const {
    std::vector<Event> out;
    const std::string session_id = fmt::format("{}:{}", user.id, start_ms);
    std::int64_t t = start_ms;

    auto emit = [&](std::string_view type, std::string page) -> Event& {
        Event& e = out.emplace_back();
        e.event_id = rng.uuid();
        e.user_id = user.id;
        e.type = type;
        e.ts_ms = t;
        e.page = std::move(page);
        e.session_id = session_id;
        e.props.emplace_back("device", user.device);
        return e;
    };
    auto advance = [&] { t += think_ms(rng); };
    auto pick_category = [&] {
        return rng.chance(0.5) ? user.favorite_category : catalog_.pick_category(rng);
    };
    auto pick_item = [&] {
        return rng.chance(0.5) ? catalog_.pick_item_in(rng, user.favorite_category)
                               : catalog_.pick_item(rng);
    };
    auto item_props = [&](Event& e, std::uint32_t item) {
        e.props.emplace_back("item_id", std::to_string(item));
        e.props.emplace_back("category_id", std::to_string(catalog_.category_of(item)));
        e.props.emplace_back("price", catalog_.price_of(item));
    };

    // Landing.
    if (rng.chance(0.6)) {
        emit("page_view", "/");
    } else {
        emit("page_view", fmt::format("/category/{}", pick_category()));
    }

    // Browsing.
    for (int step = 0; step < kMaxBrowseSteps && rng.chance(params_.browse_more); ++step) {
        advance();
        if (rng.chance(params_.search_share)) {
            std::string query(kSearchWords[rng.below(kSearchWords.size())]);
            if (rng.chance(0.4)) {
                query = fmt::format("{} {}", query, kSearchWords[rng.below(kSearchWords.size())]);
            }
            emit("search", "/search").props.emplace_back("query", std::move(query));
        } else {
            emit("page_view", fmt::format("/category/{}", pick_category()));
        }
    }

    // Funnel step 1: product views.
    if (!rng.chance(params_.funnel[0])) return out;
    std::uint32_t item = 0;
    std::uint32_t previous_item = 0;
    for (int views = 0; views < kMaxProductViews; ++views) {
        if (views > 0 && !rng.chance(params_.more_products)) break;
        previous_item = item;
        item = pick_item();
        advance();
        item_props(emit("page_view", item_page(item)), item);
        if (rng.chance(params_.favorite)) {
            advance();
            emit("favorite", item_page(item)).props.emplace_back("item_id", std::to_string(item));
        }
    }

    // Step 2: click on the buy box.
    if (!rng.chance(params_.funnel[1])) return out;
    advance();
    {
        Event& e = emit("click", item_page(item));
        e.props.emplace_back("element", std::string("buy_box"));
        e.props.emplace_back("item_id", std::to_string(item));
    }

    // Step 3: add to cart.
    if (!rng.chance(params_.funnel[2])) return out;
    std::vector<CartLine> cart;
    auto add_to_cart = [&](std::uint32_t it) {
        const std::int64_t qty = rng.chance(0.8) ? 1 : rng.between(2, 3);
        advance();
        Event& e = emit("add_to_cart", item_page(it));
        item_props(e, it);
        e.props.emplace_back("quantity", qty);
        cart.push_back({it, qty});
    };
    add_to_cart(item);
    if (rng.chance(params_.second_cart_item)) {
        add_to_cart(previous_item != 0 ? previous_item : pick_item());
        if (rng.chance(params_.remove_from_cart)) {
            const std::size_t which = rng.below(cart.size());
            advance();
            Event& e = emit("remove_from_cart", "/cart");
            e.props.emplace_back("item_id", std::to_string(cart[which].item));
            e.props.emplace_back("quantity", cart[which].quantity);
            cart.erase(cart.begin() + static_cast<std::ptrdiff_t>(which));
        }
    }
    double amount = 0;
    std::int64_t units = 0;
    for (const auto& line : cart) {
        amount += catalog_.price_of(line.item) * static_cast<double>(line.quantity);
        units += line.quantity;
    }
    amount = round_cents(amount);

    // Step 4: checkout.
    if (!rng.chance(params_.funnel[3])) return out;
    advance();
    emit("page_view", "/cart");
    advance();
    {
        Event& e = emit("checkout", "/checkout");
        e.props.emplace_back("items", units);
        e.props.emplace_back("amount", amount);
    }

    // Step 5: purchase.
    if (!rng.chance(params_.funnel[4])) return out;
    advance();
    {
        Event& e = emit("purchase", "/checkout");
        e.props.emplace_back("order_id", rng.uuid());
        e.props.emplace_back("items", units);
        e.props.emplace_back("amount", amount);
    }
    return out;
}

double JourneyBuilder::expected_events() const {
    const auto& p = params_;
    const double browse = geometric_steps(p.browse_more, kMaxBrowseSteps);
    const double views = 1.0 + geometric_steps(p.more_products, kMaxProductViews - 1);
    const double reach1 = p.funnel[0];
    const double reach2 = reach1 * p.funnel[1];
    const double reach3 = reach2 * p.funnel[2];
    const double reach4 = reach3 * p.funnel[3];
    const double reach5 = reach4 * p.funnel[4];
    const double cart_events =
        1.0 + p.second_cart_item * (1.0 + p.remove_from_cart);  // add, add, remove
    return 1.0 + browse + reach1 * views * (1.0 + p.favorite) + reach2 + reach3 * cart_events +
           reach4 * 2.0 + reach5;
}

}  // namespace pipeline::emulator
