#include "load_message.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "common/event.hpp"
#include "common/json_writer.hpp"
#include "common/message_parser.hpp"

namespace pipeline::emulator {

namespace {

constexpr std::size_t kIdChars = 36;
constexpr std::size_t kUserDigits = 5;
constexpr std::uint64_t kUsersPerConnection = 20'000;  // fits kUserDigits
constexpr std::size_t kTsDigits = 13;
constexpr std::int64_t kMinTs = 1'000'000'000'000;  // the smallest 13-digit ts (2001)
constexpr std::int64_t kTemplateTs = kMinTs;

constexpr std::array<std::string_view, 8> kTypes = {"page_view", "page_view", "page_view",
                                                    "click",     "page_view", "add_to_cart",
                                                    "search",    "purchase"};

// One ~event_bytes event: the fixed fields, then padding in props.pad up to the size; a pad
// longer than a props string may be (the event rules) goes on in pad2, pad3, ...
Event make_load_event(Rng& rng, std::size_t connection, std::size_t event_bytes) {
    Event e;
    e.event_id = rng.uuid();
    e.user_id = fmt::format("load-{}-{:05}", connection, rng.below(kUsersPerConnection));
    e.type = kTypes[rng.below(kTypes.size())];
    e.ts_ms = kTemplateTs;
    e.page = fmt::format("/item/{}", rng.below(100'000));
    e.props.emplace_back("category_id", std::to_string(rng.below(500)));
    // {"event_id":"<36>","user_id":"..","type":"..","ts":13,"page":"..","props":{..,"pad":""}}
    const std::size_t base = 96 + e.event_id.size() + e.user_id.size() + e.type.size() +
                             e.page.size() + 4;
    std::size_t pad = event_bytes > base ? event_bytes - base : 0;
    for (std::size_t i = 1;; ++i) {
        const std::size_t n = std::min(pad, pipeline::kMaxPropStringBytes);
        e.props.emplace_back(i == 1 ? std::string("pad") : fmt::format("pad{}", i), std::string(n, 'x'));
        pad -= n;
        const std::size_t member = fmt::formatted_size(R"(,"pad{}":"")", i + 1);
        if (pad <= member) break;
        pad -= member;
    }
    return e;
}

// The position of `value` (unique in the event's JSON), which starts right after `prefix`.
std::size_t find_after(std::string_view json, std::size_t event_start, std::string_view prefix,
                       std::string_view value) {
    const std::string needle = std::string(prefix) + std::string(value);
    const std::size_t at = json.find(needle, event_start);
    if (at == std::string_view::npos) {
        throw std::logic_error("load message template: " + needle + " not found");
    }
    return at + prefix.size();
}

void write_digits(char* out, std::uint64_t value, std::size_t digits) {
    for (std::size_t i = digits; i-- > 0;) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

}  // namespace

LoadMessageMaker::LoadMessageMaker(Rng& rng, std::size_t connection, std::size_t batch,
                                   std::size_t event_bytes) {
    template_.reserve(batch * (event_bytes + 16) + 2);
    template_.push_back('[');
    slots_.reserve(batch);
    for (std::size_t k = 0; k < batch; ++k) {
        const Event e = make_load_event(rng, connection, event_bytes);
        if (k > 0) template_.push_back(',');
        const std::size_t start = template_.size();
        append_event_json(template_, e);
        const std::string_view user = e.user_id;
        slots_.push_back(Slots{
            .event_id = find_after(template_, start, "{\"event_id\":\"", e.event_id),
            .user_digits = find_after(template_, start, "\"user_id\":\"", user) + user.size() -
                           kUserDigits,
            .ts = find_after(template_, start, "\"ts\":", std::to_string(kTemplateTs)),
        });
    }
    template_.push_back(']');
    auto spans = std::make_shared<std::vector<OutMessage::IdSpan>>();
    spans->reserve(slots_.size());
    for (const Slots& s : slots_) {
        spans->push_back({static_cast<std::uint32_t>(s.event_id), kIdChars});
    }
    id_spans_ = std::move(spans);
}

OutMessage LoadMessageMaker::make(Rng& rng, std::int64_t now_ms) {
    if (now_ms < kMinTs || now_ms > 9'999'999'999'999) {
        throw std::out_of_range("load message: ts must have 13 digits");
    }
    char ts[kTsDigits];
    write_digits(ts, static_cast<std::uint64_t>(now_ms), kTsDigits);
    std::unique_ptr<std::string> text;
    {
        std::lock_guard lock(pool_->mutex);
        if (!pool_->free.empty()) {
            text = std::move(pool_->free.back());
            pool_->free.pop_back();
        }
    }
    if (!text) text = std::make_unique<std::string>();
    text->assign(template_);  // within the capacity a reused buffer already has
    char* p = text->data();
    for (const Slots& s : slots_) {
        rng.uuid_into(p + s.event_id);
        write_digits(p + s.user_digits, rng.below(kUsersPerConnection), kUserDigits);
        std::memcpy(p + s.ts, ts, kTsDigits);
    }
    OutMessage m;
    m.payload = std::shared_ptr<const std::string>(
        text.release(), [pool = pool_](const std::string* done) {
            std::unique_ptr<std::string> buffer(const_cast<std::string*>(done));
            std::lock_guard lock(pool->mutex);
            pool->free.push_back(std::move(buffer));
        });
    m.id_spans = id_spans_;
    return m;
}

}  // namespace pipeline::emulator
