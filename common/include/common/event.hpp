#pragma once
// The event model of contract section 3, shared by the gateway (which validates it) and the
// emulator (which makes it). One Event is one Kafka record on the raw topic.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace pipeline {

// A flat property value: string, number (integral or not) or boolean.
using PropValue = std::variant<std::string, std::int64_t, double, bool>;

struct Event {
    std::string event_id;
    std::string user_id;
    std::string type;
    std::int64_t ts_ms = 0;
    std::string page;                       // "" when the client sent none
    std::optional<std::string> session_id;  // the client's own session id, kept as is
    std::vector<std::pair<std::string, PropValue>> props;

    bool operator==(const Event&) const = default;
};

// The event types contract section 3 names. Other types matching the type pattern are valid too.
inline constexpr std::array<std::string_view, 8> kKnownEventTypes = {
    "page_view", "click",  "add_to_cart", "remove_from_cart",
    "favorite",  "search", "checkout",    "purchase"};

}  // namespace pipeline
