#include "common/message_parser.hpp"

#include <simdjson.h>

#include "common/json_writer.hpp"
#include "event_fields.hpp"
#include "plain_batch_reader.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <optional>
#include <type_traits>
#include <variant>
#include <unordered_set>

namespace pipeline {

static_assert(kParsePaddingBytes >= simdjson::SIMDJSON_PADDING);

std::string_view to_string(RejectReason reason) noexcept {
    switch (reason) {
        case RejectReason::invalid_json: return "invalid_json";
        case RejectReason::message_too_large: return "message_too_large";
        case RejectReason::too_many_events: return "too_many_events";
        case RejectReason::not_an_object: return "not_an_object";
        case RejectReason::missing_event_id: return "missing_field:event_id";
        case RejectReason::missing_user_id: return "missing_field:user_id";
        case RejectReason::missing_type: return "missing_field:type";
        case RejectReason::missing_ts: return "missing_field:ts";
        case RejectReason::invalid_event_id: return "invalid_field:event_id";
        case RejectReason::invalid_user_id: return "invalid_field:user_id";
        case RejectReason::invalid_type: return "invalid_field:type";
        case RejectReason::invalid_ts: return "invalid_field:ts";
        case RejectReason::invalid_page: return "invalid_field:page";
        case RejectReason::invalid_session_id: return "invalid_field:session_id";
        case RejectReason::invalid_props_field: return "invalid_field:props";
        case RejectReason::ts_out_of_range: return "ts_out_of_range";
        case RejectReason::invalid_props: return "invalid_props";
        case RejectReason::binary_message: return "binary_message";
        case RejectReason::event_too_large: return "event_too_large";
    }
    return "unknown";
}

std::string json_parser_implementation() {
    const simdjson::implementation* impl = simdjson::get_active_implementation();
    return impl->name() + " (" + impl->description() + ")";
}

std::string truncate_raw(std::string_view raw) {
    if (raw.size() <= kMaxRawBytes) return std::string(raw);
    std::size_t n = kMaxRawBytes;
    // Do not cut a UTF-8 sequence: step back over continuation bytes (10xxxxxx).
    while (n > 0 && (static_cast<unsigned char>(raw[n]) & 0xC0) == 0x80) --n;
    return std::string(raw.substr(0, n));
}

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using namespace event_fields;

std::string_view trim(std::string_view s) {
    constexpr std::string_view kWs = " \t\r\n";
    const auto b = s.find_first_not_of(kWs);
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(kWs);
    return s.substr(b, e - b + 1);
}

// Splits the text of a valid JSON array into the raw text of its top-level elements.
// Only called on text simdjson has already validated, and only when something is rejected.
std::vector<std::string_view> split_array_elements(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t i = text.find('[');
    if (i == std::string_view::npos) return out;
    std::size_t start = ++i;
    int depth = 0;
    bool in_string = false;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        switch (c) {
            case '"': in_string = true; break;
            case '[':
            case '{': ++depth; break;
            case ']':
            case '}':
                if (depth == 0) {
                    const auto last = trim(text.substr(start, i - start));
                    if (!last.empty()) out.push_back(last);
                    return out;
                }
                --depth;
                break;
            case ',':
                if (depth == 0) {
                    out.push_back(trim(text.substr(start, i - start)));
                    start = i + 1;
                }
                break;
            default: break;
        }
    }
    return out;
}

// The known fields of one object, first occurrence each. A bit mask says which were given:
// an array of std::optional<element> was zeroed per element with `rep stos`, which showed in
// the gateway's profile.
struct Fields {
    std::array<element, kFieldCount> value;
    unsigned given = 0;

    bool has(Field f) const { return (given >> f) & 1u; }
    const element* get(Field f) const { return has(f) ? &value[f] : nullptr; }
};

bool is_absent(const element* v) { return !v || v->type() == element_type::NULL_VALUE; }

// A required string field of 1..max_bytes bytes. Null is "not given", as for optional fields.
std::optional<RejectReason> required_string(const element* v, std::size_t max_bytes,
                                            RejectReason missing, RejectReason invalid,
                                            std::string_view& out) {
    if (is_absent(v)) return missing;
    if (v->type() != element_type::STRING) return invalid;
    const std::string_view s = v->get_string().value_unsafe();
    if (s.empty() || s.size() > max_bytes) return invalid;
    out = s;
    return std::nullopt;
}

constexpr std::size_t kLinearScanProps = 16;

// Reads a props object into `props` (views into the parser's string buffer, which stays
// valid for the whole parse).
std::optional<RejectReason> read_props(const element& v, std::vector<PropView>& props) {
    if (v.type() != element_type::OBJECT) return RejectReason::invalid_props_field;
    // Duplicate keys: the first occurrence wins. The set is only made for large objects.
    const simdjson::dom::object object = v.get_object().value_unsafe();
    // Members as written, repeated keys included.
    if (object.size() > kMaxProps) return RejectReason::invalid_props;
    const bool linear = object.size() <= kLinearScanProps;
    std::optional<std::unordered_set<std::string_view>> seen;
    if (!linear) seen.emplace();
    for (const auto field : object) {
        const element& value = field.value;
        if (field.key.size() > kMaxPropKeyBytes) return RejectReason::invalid_props;
        PropViewValue pv;
        switch (value.type()) {
            case element_type::STRING: {
                const std::string_view s = value.get_string().value_unsafe();
                if (s.size() > kMaxPropStringBytes) return RejectReason::invalid_props;
                pv = s;
                break;
            }
            case element_type::INT64: pv = value.get_int64().value_unsafe(); break;
            // Above INT64_MAX: kept as a double (precision is lost past 2^53).
            case element_type::UINT64:
                pv = static_cast<double>(value.get_uint64().value_unsafe());
                break;
            case element_type::DOUBLE: pv = value.get_double().value_unsafe(); break;
            case element_type::BOOL: pv = value.get_bool().value_unsafe(); break;
            case element_type::OBJECT:
            case element_type::ARRAY:
            case element_type::NULL_VALUE: return RejectReason::invalid_props;
        }
        if (linear) {
            const bool dup = std::any_of(props.begin(), props.end(),
                                         [&](const auto& kv) { return kv.first == field.key; });
            if (dup) continue;
        } else if (!seen->insert(field.key).second) {
            continue;
        }
        props.emplace_back(field.key, pv);
    }
    return std::nullopt;
}

// Validates one element against contract section 3. The first failing rule, in field order
// event_id, user_id, type, ts, page, session_id, props, gives the reason. On success `ev`
// views the element (its props in `props`, which is cleared first).
std::optional<RejectReason> validate(const element& el, std::int64_t now_ms, EventView& ev,
                                     std::vector<PropView>& props) {
    if (el.type() != element_type::OBJECT) return RejectReason::not_an_object;
    Fields fields;
    const simdjson::dom::object object = el.get_object().value_unsafe();
    for (const auto field : object) {
        const Field f = field_of(field.key);
        // Duplicate keys: the first occurrence wins; unknown fields are ignored.
        if (f != kFieldCount && !fields.has(f)) {
            fields.value[f] = field.value;
            fields.given |= 1u << f;
        }
    }
    if (auto r = required_string(fields.get(kEventId), kMaxEventIdBytes,
                                 RejectReason::missing_event_id, RejectReason::invalid_event_id,
                                 ev.event_id)) {
        return r;
    }
    if (auto r = required_string(fields.get(kUserId), kMaxUserIdBytes, RejectReason::missing_user_id,
                                 RejectReason::invalid_user_id, ev.user_id)) {
        return r;
    }
    if (auto r = required_string(fields.get(kType), kMaxTypeBytes, RejectReason::missing_type,
                                 RejectReason::invalid_type, ev.type)) {
        return r;
    }
    if (!valid_type_name(ev.type)) return RejectReason::invalid_type;

    const element* ts = fields.get(kTs);
    if (is_absent(ts)) return RejectReason::missing_ts;
    switch (ts->type()) {
        case element_type::INT64: ev.ts_ms = ts->get_int64().value_unsafe(); break;
        case element_type::UINT64: return RejectReason::ts_out_of_range;  // > INT64_MAX
        default: return RejectReason::invalid_ts;  // floats, strings, ...
    }
    if (ev.ts_ms < kMinTsMs || ev.ts_ms > now_ms + kMaxFutureSkewMs) {
        return RejectReason::ts_out_of_range;
    }

    // Optional fields: absent and null both mean "not given".
    ev.page = {};
    const element* page = fields.get(kPage);
    if (!is_absent(page)) {
        if (page->type() != element_type::STRING) return RejectReason::invalid_page;
        const std::string_view s = page->get_string().value_unsafe();
        if (s.size() > kMaxPageBytes) return RejectReason::invalid_page;
        ev.page = s;
    }
    ev.session_id.reset();
    const element* session = fields.get(kSessionId);
    if (!is_absent(session)) {
        if (session->type() != element_type::STRING) return RejectReason::invalid_session_id;
        const std::string_view s = session->get_string().value_unsafe();
        if (s.size() > kMaxSessionIdBytes) return RejectReason::invalid_session_id;
        ev.session_id = s;
    }
    props.clear();
    const element* p = fields.get(kProps);
    if (!is_absent(p)) {
        if (auto r = read_props(*p, props)) return r;
    }
    ev.props = props;
    return std::nullopt;
}

// The raw text of each rejected element that has none yet: the element's own text (the
// whole message for a single object). Only runs when something was rejected.
void fill_missing_raw(std::vector<RejectedEntry>& rejected, std::string_view text) {
    if (rejected.empty()) return;
    const std::string_view root = trim(text);
    if (!root.empty() && root.front() == '{') {
        for (auto& r : rejected) r.raw = truncate_raw(root);
        return;
    }
    const auto raw = split_array_elements(text);
    for (auto& r : rejected) {
        if (r.index >= 0 && static_cast<std::size_t>(r.index) < raw.size()) {
            r.raw = truncate_raw(raw[static_cast<std::size_t>(r.index)]);
        }
    }
}

void reject_whole(std::vector<RejectedEntry>& rejected, RejectReason reason,
                  std::string_view text) {
    rejected.push_back(RejectedEntry{-1, reason, truncate_raw(trim(text))});
}

Event to_event(const EventView& v) {
    Event e;
    e.event_id.assign(v.event_id);
    e.user_id.assign(v.user_id);
    e.type.assign(v.type);
    e.ts_ms = v.ts_ms;
    e.page.assign(v.page);
    if (v.session_id) e.session_id.emplace(*v.session_id);
    e.props.reserve(v.props.size());
    for (const auto& [key, value] : v.props) {
        PropValue pv = std::visit(
            [](const auto& x) -> PropValue {
                if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::string_view>) {
                    return std::string(x);
                } else {
                    return x;
                }
            },
            value);
        e.props.emplace_back(std::string(key), std::move(pv));
    }
    return e;
}

// An event whose record is over the limit is rejected here, after both readers have passed it:
// its raw text is filled in by run() (fill_missing_raw), as for the DOM path's rejects.
void reject_too_large(std::vector<RejectedEntry>& rejected, int index) {
    rejected.push_back(RejectedEntry{index, RejectReason::event_too_large, {}});
}

// Where run() puts its results: owned Events (parse_message) ...
struct ToParsedMessage {
    ToParsedMessage(ParsedMessage& message, std::int64_t received_at_ms, std::size_t max_record)
        : out(message), received_at(received_at_ms), max_record_bytes(max_record) {}

    ParsedMessage& out;
    std::int64_t received_at;
    std::size_t max_record_bytes;
    std::string record;  // the event's record, written only to be measured

    std::vector<RejectedEntry>& rejected() { return out.rejected; }
    void parsed(bool) {}
    void reserve(std::size_t n) { out.accepted.reserve(n); }
    void reset() {
        out.accepted.clear();
        out.rejected.clear();
    }
    void accept(int index, const EventView& v) {
        record.clear();
        append_event_json(record, v, received_at);
        if (record.size() > max_record_bytes) return reject_too_large(out.rejected, index);
        out.accepted.push_back(AcceptedEvent{index, to_event(v)});
    }
};

// ... or Kafka records written straight from the views (parse_records_padded).
struct ToRecords {
    ToRecords(EventRecords& records, std::int64_t received_at_ms, std::size_t max_record)
        : out(records), max_record_bytes(max_record) {
        received_at_size = static_cast<std::size_t>(
            std::to_chars(received_at, received_at + sizeof received_at, received_at_ms).ptr -
            received_at);
    }

    EventRecords& out;
    std::size_t max_record_bytes;
    char received_at[24];  // received_at_ms as text: the same for every event of the message
    std::size_t received_at_size = 0;
    StringEscapes escapes = StringEscapes::check;

    // Called before the events: whether the message has a backslash. A valid JSON text holds
    // no raw quote or control character inside a string (simdjson rejects unescaped ones), so
    // when it has no backslash either, every string it decodes to is its raw bytes and none
    // needs an escape: one memchr over the message instead of an escape check per string (a
    // fifth of the gateway's parse-validate-write time). The fast path's strings are plain.
    void parsed(bool has_backslash) {
        escapes = has_backslash ? StringEscapes::check : StringEscapes::none_needed;
    }

    std::vector<RejectedEntry>& rejected() { return out.rejected; }
    void reserve(std::size_t n) { out.accepted.reserve(n); }
    void reset() { out.clear(); }
    void accept(int index, const EventView& v) {
        EventRecords::Record r;
        r.index = index;
        r.key_offset = out.data.size();
        r.key_size = v.user_id.size();
        out.data.append(v.user_id);
        r.value_offset = out.data.size();
        append_event_json(out.data, v, std::string_view(received_at, received_at_size), escapes);
        r.value_size = out.data.size() - r.value_offset;
        if (r.value_size > max_record_bytes) {
            out.data.resize(r.key_offset);
            return reject_too_large(out.rejected, index);
        }
        out.accepted.push_back(r);
    }
};

}  // namespace

namespace {
// Hands the fast path's events to run()'s results.
template <typename Out>
struct Forward final : PlainBatchReader::Events {
    explicit Forward(Out& o) : out(o) {}
    void accept(int index, const EventView& event) override { out.accept(index, event); }
    Out& out;
};
}  // namespace

struct MessageParser::Impl {
    explicit Impl(ReadPaths p) : paths(p) {}

    ReadPaths paths;
    PlainBatchReader fast;
    simdjson::dom::parser parser;
    std::unique_ptr<char[]> scratch;
    std::size_t scratch_capacity = 0;
    std::vector<PropView> props;  // the props of the element being validated, reused

    template <typename Out>
    void run(std::string_view text, const Limits& limits, std::int64_t now_ms, Out& out);
};

template <typename Out>
void MessageParser::Impl::run(std::string_view text, const Limits& limits, std::int64_t now_ms,
                              Out& out) {
    if (text.size() > limits.max_message_bytes) {
        reject_whole(out.rejected(), RejectReason::message_too_large, text);
        return;
    }
    // The fast path first (plain_batch_reader.hpp): a message of valid events written
    // plainly (what clients send) is read in one pass, without a DOM; its strings hold no
    // escapes. When it is not sure, what it wrote is dropped and the DOM path below decides.
    if (paths == ReadPaths::plain_then_dom) {
        out.parsed(false);
        Forward<Out> forward(out);
        if (fast.read(text, limits.max_events_per_message, now_ms, forward)) {
            return fill_missing_raw(out.rejected(), text);
        }
        out.reset();
    }
    // realloc_if_needed=false: the caller guarantees the padding, so simdjson does not copy.
    auto parsed = parser.parse(text.data(), text.size(), false);
    if (parsed.error() != simdjson::SUCCESS) {
        reject_whole(out.rejected(), RejectReason::invalid_json, text);
        return;
    }
    out.parsed(std::memchr(text.data(), '\\', text.size()) != nullptr);
    const element root = parsed.value_unsafe();
    EventView ev;
    if (root.type() == element_type::OBJECT) {
        if (auto reason = validate(root, now_ms, ev, props)) {
            out.rejected().push_back(RejectedEntry{0, *reason, {}});
        } else {
            out.accept(0, ev);
        }
        return fill_missing_raw(out.rejected(), text);
    }
    if (root.type() != element_type::ARRAY) {
        reject_whole(out.rejected(), RejectReason::not_an_object, text);
        return;
    }
    const simdjson::dom::array array = root.get_array().value_unsafe();
    const std::size_t count = array.size();
    if (count > limits.max_events_per_message) {
        reject_whole(out.rejected(), RejectReason::too_many_events, text);
        return;
    }
    out.reserve(count);
    int index = 0;
    for (const element el : array) {
        if (auto reason = validate(el, now_ms, ev, props)) {
            out.rejected().push_back(RejectedEntry{index, *reason, {}});
        } else {
            out.accept(index, ev);
        }
        ++index;
    }
    fill_missing_raw(out.rejected(), text);
}

MessageParser::MessageParser(ReadPaths paths) : impl_(std::make_unique<Impl>(paths)) {}
MessageParser::~MessageParser() = default;

ParsedMessage MessageParser::parse(std::string_view text, const Limits& limits,
                                   std::int64_t now_ms) {
    if (text.size() > limits.max_message_bytes) return parse_padded(text, limits, now_ms);
    const std::size_t needed = text.size() + kParsePaddingBytes;
    if (impl_->scratch_capacity < needed) {
        impl_->scratch_capacity = std::max(needed, impl_->scratch_capacity * 2);
        impl_->scratch = std::make_unique<char[]>(impl_->scratch_capacity);
    }
    if (!text.empty()) std::memcpy(impl_->scratch.get(), text.data(), text.size());
    std::memset(impl_->scratch.get() + text.size(), 0, kParsePaddingBytes);
    return parse_padded(std::string_view(impl_->scratch.get(), text.size()), limits, now_ms);
}

ParsedMessage MessageParser::parse_padded(std::string_view text, const Limits& limits,
                                          std::int64_t now_ms) {
    ParsedMessage out;
    ToParsedMessage to{out, now_ms, limits.max_event_record_bytes};
    impl_->run(text, limits, now_ms, to);
    return out;
}

void MessageParser::parse_records_padded(std::string_view text, const Limits& limits,
                                         std::int64_t now_ms, EventRecords& out) {
    out.clear();
    ToRecords to{out, now_ms, limits.max_event_record_bytes};
    impl_->run(text, limits, now_ms, to);
}

namespace {
MessageParser& thread_parser() {
    thread_local MessageParser parser;
    return parser;
}
}  // namespace

ParsedMessage parse_message(std::string_view text, const Limits& limits, std::int64_t now_ms) {
    return thread_parser().parse(text, limits, now_ms);
}

ParsedMessage parse_message_padded(std::string_view text, const Limits& limits,
                                   std::int64_t now_ms) {
    return thread_parser().parse_padded(text, limits, now_ms);
}

void parse_records_padded(std::string_view text, const Limits& limits, std::int64_t now_ms,
                          EventRecords& out) {
    thread_parser().parse_records_padded(text, limits, now_ms, out);
}

}  // namespace pipeline
