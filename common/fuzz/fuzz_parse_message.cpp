// libFuzzer target: parse_message must never crash, leak or read out of bounds, and its
// result must be self-consistent, whatever bytes a client sends; the fast path for plain
// batches must give the DOM path's answer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

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
    return 0;
}
