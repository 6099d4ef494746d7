#include "common/json_writer.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iterator>

namespace pipeline {

void append_json_string(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    for (const char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    const auto u = static_cast<unsigned char>(c);
                    out += "\\u00";
                    out.push_back(kHex[u >> 4]);
                    out.push_back(kHex[u & 0xF]);
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
}

namespace {

void append_prop_value(std::string& out, const PropValue& v) {
    if (const auto* s = std::get_if<std::string>(&v)) {
        append_json_string(out, *s);
    } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
        fmt::format_to(std::back_inserter(out), "{}", *i);
    } else if (const auto* d = std::get_if<double>(&v)) {
        // JSON has no NaN or infinity; the parser never produces them, but stay valid anyway.
        if (std::isfinite(*d)) {
            fmt::format_to(std::back_inserter(out), "{}", *d);
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
    fmt::format_to(std::back_inserter(out), ",\"ts\":{},\"page\":", e.ts_ms);
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
        fmt::format_to(std::back_inserter(out), ",\"received_at_ms\":{}", *received_at_ms);
    }
    out.push_back('}');
}

}  // namespace pipeline
