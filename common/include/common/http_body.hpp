#pragma once
// The body of an HTTP POST /v1/events (contract section 3): one event, a JSON array of events, or
// NDJSON (one event per line), read with the same MessageParser and the same rules and
// reasons as a WebSocket message. NDJSON lines are numbered like array elements: a rejection's
// index is the line's position among the non-blank lines, and a line that is not JSON, not an
// object or an array is rejected alone (invalid_json / not_an_object at its index) while the
// other lines are read.

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/message_parser.hpp"

namespace pipeline {

enum class BodyFormat {
    json,     // application/json: one JSON text (an object or an array)
    ndjson,   // application/x-ndjson: one object per line
    sniffed,  // text/plain (what navigator.sendBeacon sends for a string): a body whose first
              // non-blank byte is '[' is read as JSON, anything else as NDJSON (a single
              // object on one line is both)
};

// The format for a Content-Type header value (parameters such as charset ignored, case
// insensitive); nullopt for any other type (the gateway answers 415).
std::optional<BodyFormat> body_format_for(std::string_view content_type);

// Reads `body` into `out` (replacing what it held); now_ms is also the records'
// received_at_ms. kParsePaddingBytes bytes after `body` must be readable. The event limit
// (Limits::max_events_per_message) counts the lines of an NDJSON body; the byte limit is the
// caller's (the whole body).
void parse_body_records_padded(MessageParser& parser, std::string_view body, BodyFormat format,
                               const Limits& limits, std::int64_t now_ms, EventRecords& out);

}  // namespace pipeline
