// libFuzzer target: parse_message must never crash, leak or read out of bounds, and its
// result must be self-consistent, whatever bytes a client sends; the fast path for plain
// batches must give the DOM path's answer; the same bytes as an HTTP body (NDJSON, text/plain)
// must give, line by line, what each line gives as a message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/http_body.hpp"
#include "common/json_writer.hpp"
#include "common/message_parser.hpp"

namespace {

double as_number(const pipeline::PropValue& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    return 0.0;
}

// Equal up to the JSON number form of props (3.0 is written as 3 and read back as an integer).
bool same_event(const pipeline::Event& a, const pipeline::Event& b) {
    if (a.event_id != b.event_id || a.user_id != b.user_id || a.type != b.type ||
        a.ts_ms != b.ts_ms || a.page != b.page || a.session_id != b.session_id ||
        a.props.size() != b.props.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.props.size(); ++i) {
        const auto& [ka, va] = a.props[i];
        const auto& [kb, vb] = b.props[i];
        if (ka != kb) return false;
        const bool na = std::holds_alternative<std::int64_t>(va) || std::holds_alternative<double>(va);
        const bool nb = std::holds_alternative<std::int64_t>(vb) || std::holds_alternative<double>(vb);
        if (na && nb) {
            if (as_number(va) != as_number(vb)) return false;
        } else if (va != vb) {
            return false;
        }
    }
    return true;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The same input as an HTTP body (POST /v1/events). NDJSON: every non-blank line is one entry
// with its own index, and a line gives exactly what it gives alone as a message (unless it is
// an array, which a line may not be). text/plain is JSON for a body starting with '[', else
// NDJSON. `padded` has the padding after `size` bytes.
void check_http_body(const std::string& padded, std::size_t size, const pipeline::Limits& limits,
                     std::int64_t now) {
    const std::string_view body(padded.data(), size);
    static pipeline::MessageParser parser;
    static pipeline::MessageParser line_parser;
    pipeline::EventRecords ndjson;
    pipeline::parse_body_records_padded(parser, body, pipeline::BodyFormat::ndjson, limits, now,
                                        ndjson);
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start <= size;) {
        auto end = body.find('\n', start);
        if (end == std::string_view::npos) end = size;
        auto line = body.substr(start, end - start);
        while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
        while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
        if (!line.empty()) lines.push_back(line);
        start = end + 1;
    }
    if (lines.size() > limits.max_events_per_message) {
        if (!ndjson.accepted.empty() || ndjson.rejected.size() != 1 ||
            ndjson.rejected[0].reason != pipeline::RejectReason::too_many_events) {
            std::abort();
        }
        return;
    }
    std::size_t accepted = 0;
    std::size_t rejected = 0;
    pipeline::EventRecords alone;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const int index = static_cast<int>(i);
        if (lines[i].front() == '[') {
            const auto& r = ndjson.rejected.at(rejected++);
            if (r.index != index || r.reason != pipeline::RejectReason::not_an_object) std::abort();
            continue;
        }
        std::string line(lines[i]);
        line.append(pipeline::kParsePaddingBytes, '\0');
        line_parser.parse_records_padded(std::string_view(line.data(), lines[i].size()), limits,
                                         now, alone);
        for (const auto& want : alone.accepted) {
            if (accepted >= ndjson.accepted.size()) std::abort();
            const auto& got = ndjson.accepted[accepted++];
            if (got.index != index || ndjson.key(got) != alone.key(want) ||
                ndjson.value(got) != alone.value(want)) {
                std::abort();
            }
        }
        for (const auto& want : alone.rejected) {
            if (rejected >= ndjson.rejected.size()) std::abort();
            const auto& got = ndjson.rejected[rejected++];
            if (got.index != index || got.reason != want.reason || got.raw != want.raw) std::abort();
        }
    }
    if (accepted != ndjson.accepted.size() || rejected != ndjson.rejected.size()) std::abort();

    // text/plain picks one of the two readings.
    pipeline::EventRecords sniffed;
    pipeline::parse_body_records_padded(parser, body, pipeline::BodyFormat::sniffed, limits, now,
                                        sniffed);
    std::size_t first = 0;
    while (first < size && is_space(body[first])) ++first;
    pipeline::EventRecords expected;
    if (first < size && body[first] == '[') {
        parser.parse_records_padded(body, limits, now, expected);
    } else {
        expected = ndjson;
    }
    if (sniffed.data != expected.data || sniffed.accepted.size() != expected.accepted.size() ||
        sniffed.rejected.size() != expected.rejected.size()) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    pipeline::Limits limits;
    limits.max_message_bytes = 64 * 1024;
    limits.max_events_per_message = 100;
    constexpr std::int64_t kNow = 1700000000000;

    const auto result = pipeline::parse_message(text, limits, kNow);

    // Padded path: the same answer without the copy.
    std::string padded(text);
    padded.append(pipeline::kParsePaddingBytes, '\0');
    const auto again = pipeline::parse_message_padded(std::string_view(padded.data(), size),
                                                      limits, kNow);
    if (again.accepted.size() != result.accepted.size() ||
        again.rejected.size() != result.rejected.size()) {
        std::abort();
    }
    // The gateway's path (records written from the parser's views): the same events, as
    // their canonical JSON keyed by user_id, and the same rejections.
    pipeline::EventRecords records;
    pipeline::parse_records_padded(std::string_view(padded.data(), size), limits, kNow, records);
    if (records.accepted.size() != result.accepted.size() ||
        records.rejected.size() != result.rejected.size()) {
        std::abort();
    }
    std::string out;
    for (std::size_t i = 0; i < result.accepted.size(); ++i) {
        const auto& a = result.accepted[i];
        out.clear();
        pipeline::append_event_json(out, a.event, kNow);
        const auto& r = records.accepted[i];
        if (r.index != a.index || records.key(r) != a.event.user_id || records.value(r) != out) {
            std::abort();
        }
    }
    for (std::size_t i = 0; i < result.rejected.size(); ++i) {
        const auto& want = result.rejected[i];
        const auto& got = records.rejected[i];
        if (got.index != want.index || got.reason != want.reason || got.raw != want.raw) std::abort();
    }
    // The fast path (plain_batch_reader.hpp) never answers otherwise than the DOM path alone: the same
    // records byte for byte and the same rejections.
    static pipeline::MessageParser dom_only(pipeline::MessageParser::ReadPaths::dom_only);
    pipeline::EventRecords reference;
    dom_only.parse_records_padded(std::string_view(padded.data(), size), limits, kNow, reference);
    if (reference.data != records.data || reference.accepted.size() != records.accepted.size() ||
        reference.rejected.size() != records.rejected.size()) {
        std::abort();
    }
    for (std::size_t i = 0; i < records.accepted.size(); ++i) {
        const auto& a = records.accepted[i];
        const auto& b = reference.accepted[i];
        if (a.index != b.index || a.key_offset != b.key_offset || a.key_size != b.key_size ||
            a.value_offset != b.value_offset || a.value_size != b.value_size) {
            std::abort();
        }
    }
    for (std::size_t i = 0; i < records.rejected.size(); ++i) {
        const auto& a = records.rejected[i];
        const auto& b = reference.rejected[i];
        if (a.index != b.index || a.reason != b.reason || a.raw != b.raw) std::abort();
    }
    for (const auto& a : result.accepted) {
        if (a.event.event_id.empty() || a.event.event_id.size() > pipeline::kMaxEventIdBytes) std::abort();
        if (a.event.ts_ms < pipeline::kMinTsMs) std::abort();
        out.clear();
        pipeline::append_event_json(out, a.event, kNow);
        // The canonical form of an accepted event is itself accepted.
        const auto round = pipeline::parse_message(out, limits, kNow);
        if (round.accepted.size() != 1 || !same_event(round.accepted[0].event, a.event)) std::abort();
    }
    for (const auto& r : result.rejected) {
        if (r.raw.size() > pipeline::kMaxRawBytes) std::abort();
        if (r.index < -1) std::abort();
        if (pipeline::to_string(r.reason).empty()) std::abort();
    }
    check_http_body(padded, size, limits, kNow);
    return 0;
}
