#include "common/http_body.hpp"

#include <cctype>

namespace pipeline {

namespace {

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && is_json_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_json_space(s.back())) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
    }
    return true;
}

// Calls fn(line) for every non-blank line, without its line break and surrounding spaces.
template <typename Fn>
void for_each_line(std::string_view body, Fn fn) {
    while (!body.empty()) {
        const auto newline = body.find('\n');
        const auto line = trim_spaces(body.substr(0, newline));
        if (!line.empty()) fn(line);
        if (newline == std::string_view::npos) break;
        body.remove_prefix(newline + 1);
    }
}

// Appends one line's records to `out`, numbered `index`.
void append_line(const EventRecords& line, int index, EventRecords& out) {
    const std::size_t base = out.data.size();
    out.data += line.data;
    for (auto r : line.accepted) {
        r.index = index;
        r.key_offset += base;
        r.value_offset += base;
        out.accepted.push_back(r);
    }
    for (const auto& r : line.rejected) {
        out.rejected.push_back(RejectedEntry{index, r.reason, r.raw});
    }
}

void parse_ndjson(MessageParser& parser, std::string_view body, const Limits& limits,
                  std::int64_t now_ms, EventRecords& out) {
    std::size_t lines = 0;
    for_each_line(body, [&](std::string_view) { ++lines; });
    if (lines > limits.max_events_per_message) {
        out.rejected.push_back(
            RejectedEntry{-1, RejectReason::too_many_events, truncate_raw(trim_spaces(body))});
        return;
    }
    // Each line is parsed where it lies: the bytes after it (the rest of the body, then the
    // caller's padding) are the parser's readable padding.
    EventRecords line_records;
    int index = 0;
    for_each_line(body, [&](std::string_view line) {
        if (line.front() == '[') {
            // One event per line: a batch inside NDJSON is not an event.
            out.rejected.push_back(
                RejectedEntry{index, RejectReason::not_an_object, truncate_raw(line)});
        } else {
            parser.parse_records_padded(line, limits, now_ms, line_records);
            append_line(line_records, index, out);
        }
        ++index;
    });
}

}  // namespace

std::optional<BodyFormat> body_format_for(std::string_view content_type) {
    const auto semicolon = content_type.find(';');
    const auto type = trim_spaces(content_type.substr(0, semicolon));
    if (iequals(type, "application/json")) return BodyFormat::json;
    if (iequals(type, "application/x-ndjson")) return BodyFormat::ndjson;
    if (iequals(type, "text/plain")) return BodyFormat::sniffed;
    return std::nullopt;
}

void parse_body_records_padded(MessageParser& parser, std::string_view body, BodyFormat format,
                               const Limits& limits, std::int64_t now_ms, EventRecords& out) {
    if (format == BodyFormat::sniffed) {
        const auto content = trim_spaces(body);
        format = !content.empty() && content.front() == '[' ? BodyFormat::json : BodyFormat::ndjson;
    }
    if (format == BodyFormat::json) {
        parser.parse_records_padded(body, limits, now_ms, out);
        return;
    }
    out.clear();
    parse_ndjson(parser, body, limits, now_ms, out);
}

}  // namespace pipeline
