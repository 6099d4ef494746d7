#pragma once
// Small, allocation-friendly JSON writing: the canonical form of an Event (what the gateway
// writes to Kafka and the emulator sends) and RFC 8259 string escaping.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/event.hpp"
#include "common/event_view.hpp"

namespace pipeline {

// Appends `s` as a quoted JSON string. Invalid UTF-8 is passed through byte for byte;
// control characters are escaped as \u00XX.
void append_json_string(std::string& out, std::string_view s);

// Appends the canonical JSON object of `e`:
// {"event_id":..,"user_id":..,"type":..,"ts":..,"page":..[,"session_id":..][,"props":{..}]
//  [,"received_at_ms":..]}
void append_event_json(std::string& out, const Event& e,
                       std::optional<std::int64_t> received_at_ms = std::nullopt);
// The same bytes from a view (the gateway's hot path: no owned Event in between).
void append_event_json(std::string& out, const EventView& e,
                       std::optional<std::int64_t> received_at_ms = std::nullopt);
// Whether the strings of an event may hold bytes that need an escape (a quote, a backslash, a
// control character). none_needed skips the check: the caller must know it (see
// message_parser.cpp: a message without a backslash has none in any of its strings).
enum class StringEscapes { check, none_needed };

// The same with received_at_ms already written as decimal text: a message's events share it,
// so it is formatted once per message.
void append_event_json(std::string& out, const EventView& e, std::string_view received_at_ms,
                       StringEscapes escapes = StringEscapes::check);

inline std::string event_to_json(const Event& e) {
    std::string out;
    append_event_json(out, e);
    return out;
}

}  // namespace pipeline
