#pragma once
// A validated event that owns nothing: views into the parser's buffers. The gateway writes
// its canonical JSON straight from this (no Event, no per-event allocation); parse_message
// turns it into an owned Event. Valid only until the parser that made it parses again.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <variant>

namespace pipeline {

// A flat property value, as PropValue but not owning its string.
using PropViewValue = std::variant<std::string_view, std::int64_t, double, bool>;
using PropView = std::pair<std::string_view, PropViewValue>;

struct EventView {
    std::string_view event_id;
    std::string_view user_id;
    std::string_view type;
    std::int64_t ts_ms = 0;
    std::string_view page;                       // "" when the client sent none
    std::optional<std::string_view> session_id;
    std::span<const PropView> props;
    // Set by a reader when the event's own text is already its canonical JSON (json_writer.hpp,
    // without received_at_ms), byte for byte: the writer then copies it instead of writing
    // every member again. Empty: write it from the members.
    std::string_view canonical_text;
};

}  // namespace pipeline
