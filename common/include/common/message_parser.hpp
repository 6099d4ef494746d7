#pragma once
// Parsing and validation of one client WebSocket message (contract section 3): one JSON object
// or a JSON array of objects. Every element becomes either an accepted Event or a rejected
// entry with its reason and raw text. Lengths are counted in bytes of UTF-8, not code points
// (the rules: common/event-rules/event-rules.properties).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/event.hpp"
#include "common/event_rules.hpp"
#include "common/event_view.hpp"

namespace pipeline {

// Validation limits; the gateway fills them from its configuration.
struct Limits {
    std::size_t max_message_bytes = 1024 * 1024;
    std::size_t max_events_per_message = 10000;
    // The largest Kafka record value of an accepted event (event_too_large above it).
    std::size_t max_event_record_bytes = rules::kEventMaxRecordBytes;
};

// Field rules of contract section 3, from the one definition (event_rules.hpp).
inline constexpr std::size_t kMaxEventIdBytes = rules::kEventIdMaxBytes;
inline constexpr std::size_t kMaxUserIdBytes = rules::kUserIdMaxBytes;
inline constexpr std::size_t kMaxTypeBytes = rules::kTypeMaxBytes;
inline constexpr std::size_t kMaxPageBytes = rules::kPageMaxBytes;
inline constexpr std::size_t kMaxSessionIdBytes = rules::kSessionIdMaxBytes;
inline constexpr std::size_t kMaxProps = rules::kPropsMaxCount;
inline constexpr std::size_t kMaxPropKeyBytes = rules::kPropsKeyMaxBytes;
inline constexpr std::size_t kMaxPropStringBytes = rules::kPropsStringMaxBytes;
inline constexpr std::int64_t kMinTsMs = rules::kTsMinMs;
inline constexpr std::int64_t kMaxFutureSkewMs = rules::kTsMaxFutureMs;
inline constexpr std::size_t kMaxRawBytes = rules::kRawMaxBytes;  // raw text kept per reject
// Bytes after the message that parse_message_padded may read (simdjson's SIMD over-read).
inline constexpr std::size_t kParsePaddingBytes = 64;

// Every reject reason. to_string gives the exact wire string (documented in gateway/README.md).
enum class RejectReason : std::uint8_t {
    invalid_json,           // the whole message is not JSON (index -1)
    message_too_large,      // the whole message is over max_message_bytes (index -1)
    too_many_events,        // the array has more than max_events_per_message elements (index -1)
    not_an_object,          // an array element (or the whole message) is not an object
    missing_event_id,
    missing_user_id,
    missing_type,
    missing_ts,
    invalid_event_id,
    invalid_user_id,
    invalid_type,
    invalid_ts,
    invalid_page,
    invalid_session_id,
    invalid_props_field,    // "invalid_field:props": props is not an object
    ts_out_of_range,
    invalid_props,          // a props value is an object, an array, null or too long; a key
                            // too long; more than kMaxProps members
    binary_message,         // a WebSocket binary message (the gateway takes text only; index -1)
    event_too_large,        // the event's Kafka record is over Limits::max_event_record_bytes
};
inline constexpr std::size_t kRejectReasonCount = 19;

std::string_view to_string(RejectReason reason) noexcept;

struct AcceptedEvent {
    int index = 0;  // position in the message (0 for a single object)
    Event event;
};

struct RejectedEntry {
    int index = -1;  // -1: the whole message
    RejectReason reason = RejectReason::invalid_json;
    std::string raw;  // raw text of the element (or message), at most kMaxRawBytes bytes
};

struct ParsedMessage {
    std::vector<AcceptedEvent> accepted;
    std::vector<RejectedEntry> rejected;
};

// What the gateway needs of a message, written without an owned Event in between: for each
// accepted event its Kafka key (user_id) and value (the canonical JSON of json_writer.hpp,
// with received_at_ms), back to back in one buffer. Reused across messages (clear() keeps
// the capacity), so a steady stream of messages allocates nothing per event.
struct EventRecords {
    struct Record {
        int index = 0;  // position in the message (0 for a single object)
        std::size_t key_offset = 0;
        std::size_t key_size = 0;
        std::size_t value_offset = 0;
        std::size_t value_size = 0;
    };
    std::string data;
    std::vector<Record> accepted;
    std::vector<RejectedEntry> rejected;

    std::string_view key(const Record& r) const { return {data.data() + r.key_offset, r.key_size}; }
    std::string_view value(const Record& r) const {
        return {data.data() + r.value_offset, r.value_size};
    }
    void clear() noexcept {
        data.clear();
        accepted.clear();
        rejected.clear();
    }
};

// The simdjson kernel picked for this CPU at run time, e.g. "haswell (Intel/AMD AVX2)"
// ("fallback" would mean no SIMD at all: several times slower). Logged at start-up.
std::string json_parser_implementation();

// Truncates `raw` to at most kMaxRawBytes bytes (without splitting a UTF-8 sequence).
std::string truncate_raw(std::string_view raw);

// Holds the simdjson parser and a padded scratch buffer so that both are reused across
// messages. Not thread safe: one per thread (parse_message uses a thread_local one).
class MessageParser {
public:
    // How a message is read. plain_then_dom: a message of valid events written plainly is
    // read by the fast path (src/plain_batch_reader.hpp), anything else by the simdjson DOM
    // path. dom_only: the DOM path alone, the reference the tests and the fuzz target hold
    // the fast path to (both must give the same answer for any input).
    enum class ReadPaths { plain_then_dom, dom_only };

    explicit MessageParser(ReadPaths paths = ReadPaths::plain_then_dom);
    ~MessageParser();
    MessageParser(const MessageParser&) = delete;
    MessageParser& operator=(const MessageParser&) = delete;

    // Copies `text` into the padded scratch buffer, then parses.
    ParsedMessage parse(std::string_view text, const Limits& limits, std::int64_t now_ms);

    // No copy: the caller guarantees that kParsePaddingBytes bytes after `text` are readable.
    ParsedMessage parse_padded(std::string_view text, const Limits& limits,
                               std::int64_t now_ms);

    // The same rules, written as records (replacing what `out` held); now_ms is also the
    // records' received_at_ms. No copy: kParsePaddingBytes bytes after `text` must be readable.
    void parse_records_padded(std::string_view text, const Limits& limits, std::int64_t now_ms,
                              EventRecords& out);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Parses with a thread_local MessageParser (copying `text` into its padded buffer).
ParsedMessage parse_message(std::string_view text, const Limits& limits, std::int64_t now_ms);

// The same without the copy; kParsePaddingBytes bytes after `text` must be readable.
ParsedMessage parse_message_padded(std::string_view text, const Limits& limits,
                                   std::int64_t now_ms);

// MessageParser::parse_records_padded with the thread_local parser.
void parse_records_padded(std::string_view text, const Limits& limits, std::int64_t now_ms,
                          EventRecords& out);

}  // namespace pipeline
