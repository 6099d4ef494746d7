#include "common/json_writer.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace pipeline {

namespace {

bool needs_escape(char c) {
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
}

// Integers and doubles through a stack buffer: formatting into the string through a
// back_inserter appends one character at a time (it showed in the gateway's profile).
void append_int(std::string& out, std::int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    // Runs of characters that need no escape (nearly all of them) are copied at once.
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (!needs_escape(c)) continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default: {  // the other control characters
                const auto u = static_cast<unsigned char>(c);
                out += "\\u00";
                out.push_back(kHex[u >> 4]);
                out.push_back(kHex[u & 0xF]);
            }
        }
    }
    out.append(s.data() + run, s.size() - run);
    out.push_back('"');
}

namespace {

void append_prop_value(std::string& out, const PropValue& v) {
    if (const auto* s = std::get_if<std::string>(&v)) {
        append_json_string(out, *s);
    } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
        append_int(out, *i);
    } else if (const auto* d = std::get_if<double>(&v)) {
        // JSON has no NaN or infinity; the parser never produces them, but stay valid anyway.
        if (std::isfinite(*d)) {
            char buf[40];
            const auto r = fmt::format_to_n(buf, sizeof buf, "{}", *d);
            out.append(buf, r.out);
        } else {
            out += "null";
        }
    } else {
        out += std::get<bool>(v) ? "true" : "false";
    }
}

}  // namespace

void append_event_json(std::string& out, const Event& e,
                       std::optional<std::int64_t> received_at_ms) {
    out += "{\"event_id\":";
    append_json_string(out, e.event_id);
    out += ",\"user_id\":";
    append_json_string(out, e.user_id);
    out += ",\"type\":";
    append_json_string(out, e.type);
    out += ",\"ts\":";
    append_int(out, e.ts_ms);
    out += ",\"page\":";
    append_json_string(out, e.page);
    if (e.session_id) {
        out += ",\"session_id\":";
        append_json_string(out, *e.session_id);
    }
    if (!e.props.empty()) {
        out += ",\"props\":{";
        bool first = true;
        for (const auto& [key, value] : e.props) {
            if (!first) out.push_back(',');
            first = false;
            append_json_string(out, key);
            out.push_back(':');
            append_prop_value(out, value);
        }
        out.push_back('}');
    }
    if (received_at_ms) {
        out += ",\"received_at_ms\":";
        append_int(out, *received_at_ms);
    }
    out.push_back('}');
}

}  // namespace pipeline
