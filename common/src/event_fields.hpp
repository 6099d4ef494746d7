#pragma once
// What message_parser.cpp's two readers (the DOM path and the fast path in
// plain_batch_reader.cpp) share about an event's fields: the fields, which one a key names
// (the fast path matches the quoted names itself), and the rule for `type`.

#include <array>
#include <cstddef>
#include <string_view>

#include "common/message_parser.hpp"

namespace pipeline::event_fields {

enum Field : std::size_t { kEventId, kUserId, kType, kTs, kPage, kSessionId, kProps, kFieldCount };

// By length first: this runs for every key of every event. kFieldCount: not a known field.
inline Field field_of(std::string_view key) {
    switch (key.size()) {
        case 2: return key == "ts" ? kTs : kFieldCount;
        case 4:
            if (key == "type") return kType;
            return key == "page" ? kPage : kFieldCount;
        case 5: return key == "props" ? kProps : kFieldCount;
        case 7: return key == "user_id" ? kUserId : kFieldCount;
        case 8: return key == "event_id" ? kEventId : kFieldCount;
        case 10: return key == "session_id" ? kSessionId : kFieldCount;
        default: return kFieldCount;
    }
}

// [a-z0-9_] by table: one load and test per byte of every event's type.
inline constexpr auto kTypeChar = [] {
    std::array<bool, 256> t{};
    for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
    t['_'] = true;
    return t;
}();

// rules::kTypePattern (^[a-z][a-z0-9_]{0,63}$) without a regex: event_rules_test.cpp holds
// the two to the same answers.
inline bool valid_type_name(std::string_view t) {
    if (t.empty() || t.size() > kMaxTypeBytes) return false;
    if (t[0] < 'a' || t[0] > 'z') return false;
    for (std::size_t i = 1; i < t.size(); ++i) {
        if (!kTypeChar[static_cast<unsigned char>(t[i])]) return false;
    }
    return true;
}

}  // namespace pipeline::event_fields
