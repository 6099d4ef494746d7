#include "plain_batch_reader.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>
#include <variant>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/message_parser.hpp"
#include "event_fields.hpp"

namespace pipeline {

namespace {

using namespace event_fields;

// Props objects larger than this go to the DOM path (which keeps a set for the duplicate
// check instead of a linear scan, and applies kMaxProps).
constexpr std::size_t kMaxPlainProps = 16;
static_assert(kMaxPlainProps <= kMaxProps);
// Integers of up to 18 digits fit an int64 whatever their digits.
constexpr int kMaxPlainDigits = 18;

// Words are read from the text with memcpy: the byte first in memory must be the lowest
// (countr_zero finds it; eight_digits takes it as the leading digit).
static_assert(std::endian::native == std::endian::little);

// Where a plain string's bytes end: the first byte that is a quote, a backslash, a control
// character (< 0x20) or not ASCII. SSE2 (every x86-64 has it) looks at 16 bytes with four
// instructions; elsewhere the same test on 8 bytes of a word.
#if defined(__SSE2__)
constexpr std::ptrdiff_t kChunk = 16;

// Bit i set: byte i of the 16 at p is special.
unsigned special_bytes(const char* p) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // As signed bytes, control characters (0..0x1f) and non-ASCII bytes (0x80..0xff: negative)
    // are exactly those below 0x20.
    const __m128i low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
    const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
    const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(low, _mm_or_si128(quote, backslash))));
}
int first_special(unsigned mask) { return std::countr_zero(mask); }
#else
constexpr std::ptrdiff_t kChunk = 8;
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;


// High bit of each zero byte of `w`; exact for the lowest one (a borrow only runs upwards).
std::uint64_t zero_bytes(std::uint64_t w) { return (w - kOnes) & ~w & kHighBits; }

// High bit of the special bytes of the 8 at p; exact for the lowest one.
std::uint64_t special_bytes(const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    const std::uint64_t non_ascii = w & kHighBits;
    const std::uint64_t control = (w - kOnes * 0x20) & ~w & kHighBits;
    return non_ascii | control | zero_bytes(w ^ (kOnes * '"')) | zero_bytes(w ^ (kOnes * '\\'));
}
int first_special(std::uint64_t mask) { return std::countr_zero(mask) / 8; }
#endif

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The parsing functions take the position and return the one after what they read, or
// nullptr when the text leaves the subset. (A position passed by reference would live in
// memory: every char read may alias it, so the compiler reloads it after each one.)

const char* skip_space(const char* p, const char* end) {
    // Compact JSON has none: one compare for the usual case (every JSON space is <= ' ').
    while (p < end && static_cast<unsigned char>(*p) <= ' ' && is_space(*p)) ++p;
    return p;
}

// A plain string, its opening quote at p: the first special byte must be the closing quote.
// Reads up to kChunk - 1 bytes past `end` (the padding read() requires), never uses them.
const char* plain_string(const char* p, const char* end, std::string_view& out) {
    if (p >= end || *p != '"') return nullptr;
    const char* const start = ++p;
    for (; p < end; p += kChunk) {
        const auto special = special_bytes(p);
        if (special == 0) continue;
        p += first_special(special);
        if (p >= end || *p != '"') return nullptr;
        out = std::string_view(start, static_cast<std::size_t>(p - start));
        return p + 1;
    }
    return nullptr;  // no closing quote before the end
}

const char* digit_run(const char* p, const char* end) {
    while (p < end && is_digit(*p)) ++p;
    return p;
}

// The value of 8 ASCII digits at p, or -1 when they are not all digits. (SWAR: a
// millisecond timestamp has 13 digits; one at a time cost a tenth of the whole read.)
std::int64_t eight_digits(const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    // Each byte 0x30..0x39: high nibble 3, and adding 6 does not carry out of the low one.
    if ((w & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL ||
        ((w + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL) {
        return -1;
    }
    w -= 0x3030303030303030ULL;
    // Pairs, then quads, then all eight (the first digit in memory is the lowest byte).
    w = (w * 10 + (w >> 8)) & 0x00FF00FF00FF00FFULL;
    w = (w * 100 + (w >> 16)) & 0x0000FFFF0000FFFFULL;
    w = (w * 10000 + (w >> 32)) & 0xFFFFFFFFULL;
    return static_cast<std::int64_t>(w);
}

// `ts`: an integer of at most kMaxPlainDigits digits, no sign, fraction or exponent.
const char* plain_integer(const char* p, const char* end, std::int64_t& out) {
    const char* const digits = p;
    // Unsigned: a number too long for the subset may wrap before its length is checked.
    std::uint64_t v = 0;
    if (end - p >= 8) {
        if (const std::int64_t eight = eight_digits(p); eight >= 0) {
            v = static_cast<std::uint64_t>(eight);
            p += 8;
        }
    }
    for (; p < end && is_digit(*p); ++p) v = v * 10 + static_cast<unsigned>(*p - '0');
    const auto n = p - digits;
    if (n == 0 || n > kMaxPlainDigits || (*digits == '0' && n > 1)) return nullptr;
    if (p < end && (*p == '.' || *p == 'e' || *p == 'E')) return nullptr;
    out = static_cast<std::int64_t>(v);
    return p;
}

// A JSON number (RFC 8259 grammar checked here: std::from_chars accepts more).
const char* plain_number(const char* p, const char* end, PropViewValue& out) {
    const char* const start = p;
    const bool negative = p < end && *p == '-';
    if (negative) ++p;
    const char* const digits = p;
    p = digit_run(p, end);
    const auto n = p - digits;
    if (n == 0 || (*digits == '0' && n > 1)) return nullptr;
    bool fraction_or_exponent = false;
    if (p < end && *p == '.') {
        const char* const after = digit_run(p + 1, end);
        if (after == p + 1) return nullptr;
        p = after;
        fraction_or_exponent = true;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        ++p;
        if (p < end && (*p == '+' || *p == '-')) ++p;
        const char* const after = digit_run(p, end);
        if (after == p) return nullptr;
        p = after;
        fraction_or_exponent = true;
    }
    if (!fraction_or_exponent) {
        // Larger integers (and -0, an integer the DOM path may read otherwise) go there.
        if (n > kMaxPlainDigits || (negative && *digits == '0')) return nullptr;
        std::int64_t v = 0;
        for (const char* d = digits; d < p; ++d) v = v * 10 + (*d - '0');
        out = negative ? -v : v;
        return p;
    }
    double d = 0;
    const auto [ptr, ec] = std::from_chars(start, p, d);
    if (ec != std::errc{} || ptr != p || !std::isfinite(d)) return nullptr;
    out = d;
    return p;
}

// The text `word` at p: the position after it. (A template on the literal, so that the compare
// has a constant size: the compiler does it with a few word compares, not a memcmp call.)
template <std::size_t N>
const char* literal(const char* p, const char* end, const char (&word)[N]) {
    constexpr std::size_t n = N - 1;  // without the terminating zero
    if (static_cast<std::size_t>(end - p) < n || std::memcmp(p, word, n) != 0) return nullptr;
    return p + n;
}

// A props value: a plain string, true, false or a number.
const char* prop_value(const char* p, const char* end, PropViewValue& out) {
    if (p >= end) return nullptr;
    switch (*p) {
        case '"': {
            std::string_view s;
            p = plain_string(p, end, s);
            out = s;
            return p;
        }
        case 't':
            out = true;
            return literal(p, end, "true");
        case 'f':
            out = false;
            return literal(p, end, "false");
        default: return plain_number(p, end, out);
    }
}

// The character c, after any spaces: the position after it. (The character is looked for
// first: compact JSON has no spaces, and this runs several times per member.)
const char* expect(const char* p, const char* end, char c) {
    if (p < end && *p == c) return p + 1;
    p = skip_space(p, end);
    return p < end && *p == c ? p + 1 : nullptr;
}

// After an object member: the position after its comma (more to come: `more` true) or after
// the closing brace (`more` false); nullptr on anything else.
const char* after_member(const char* p, const char* end, bool& more) {
    if (p < end && *p == ',') {
        more = true;
        return p + 1;
    }
    p = skip_space(p, end);
    if (p >= end) return nullptr;
    more = *p == ',';
    if (more || *p == '}') return p + 1;
    return nullptr;
}

// `"key" :` with the spaces around: the position of the value.
const char* member_key(const char* p, const char* end, std::string_view& key) {
    p = plain_string(skip_space(p, end), end, key);
    if (p == nullptr || (p = expect(p, end, ':')) == nullptr) return nullptr;
    return skip_space(p, end);
}

// An event's key `"name" :`, matched whole (quotes included) against the field names of
// contract section 3 instead of being scanned as a string first: the position of the value.
// Anything else (an unknown key, a name written with an escape) is not plain.
const char* event_key(const char* p, const char* end, Field& field) {
    p = skip_space(p, end);
    if (end - p < 2 || *p != '"') return nullptr;
    const char* after = nullptr;
    switch (p[1]) {
        case 'e': field = kEventId, after = literal(p, end, R"("event_id")"); break;
        case 'u': field = kUserId, after = literal(p, end, R"("user_id")"); break;
        case 't':
            if ((after = literal(p, end, R"("ts")")) != nullptr) {
                field = kTs;
            } else {
                field = kType, after = literal(p, end, R"("type")");
            }
            break;
        case 'p':
            if ((after = literal(p, end, R"("page")")) != nullptr) {
                field = kPage;
            } else {
                field = kProps, after = literal(p, end, R"("props")");
            }
            break;
        case 's': field = kSessionId, after = literal(p, end, R"("session_id")"); break;
        default: return nullptr;
    }
    if (after == nullptr || (after = expect(after, end, ':')) == nullptr) return nullptr;
    return skip_space(after, end);
}

// Adds a props member, or false when the DOM path must decide: a key or string value over its
// limit (a reject), a repeated key (the DOM path keeps the first, after checking every value)
// or more members than kMaxPlainProps.
bool add_prop(std::vector<PropView>& props, std::string_view key, const PropViewValue& value) {
    if (key.size() > kMaxPropKeyBytes) return false;
    if (const auto* s = std::get_if<std::string_view>(&value); s && s->size() > kMaxPropStringBytes) {
        return false;
    }
    for (const auto& prop : props) {
        if (prop.first == key) return false;
    }
    if (props.size() == kMaxPlainProps) return false;
    props.emplace_back(key, value);
    return true;
}

const char* read_props(const char* p, const char* end, std::vector<PropView>& props) {
    props.clear();
    if (p >= end || *p != '{') return nullptr;
    p = skip_space(p + 1, end);
    if (p < end && *p == '}') return p + 1;
    bool more = true;
    while (more) {
        std::string_view key;
        PropViewValue value;
        if ((p = member_key(p, end, key)) == nullptr) return nullptr;
        if ((p = prop_value(p, end, value)) == nullptr) return nullptr;
        if (!add_prop(props, key, value)) return nullptr;
        if ((p = after_member(p, end, more)) == nullptr) return nullptr;
    }
    return p;
}

// props written compactly (no space anywhere). `exact` is cleared by a number with a fraction
// or an exponent: its canonical text is the shortest round trip, not necessarily the client's.
const char* read_compact_props(const char* p, const char* end, std::vector<PropView>& props,
                               bool& exact) {
    if (p >= end || *p != '{') return nullptr;
    if (++p < end && *p == '}') return p + 1;
    while (true) {
        std::string_view key;
        PropViewValue value;
        if ((p = plain_string(p, end, key)) == nullptr || p >= end || *p++ != ':') return nullptr;
        if ((p = prop_value(p, end, value)) == nullptr || !add_prop(props, key, value)) return nullptr;
        exact = exact && !std::holds_alternative<double>(value);
        if (p >= end) return nullptr;
        if (*p == '}') return p + 1;
        if (*p++ != ',') return nullptr;
    }
}

// The value of event field F at p, checked against its rule, into `ev` (not props: its callers
// read props each in their own way).
template <Field F>
const char* read_field(const char* p, const char* end, std::int64_t now_ms, EventView& ev) {
    std::string_view s;
    if constexpr (F == kTs) {
        p = plain_integer(p, end, ev.ts_ms);
        return ev.ts_ms < kMinTsMs || ev.ts_ms > now_ms + kMaxFutureSkewMs ? nullptr : p;
    } else {
        static_assert(F != kProps && F != kFieldCount);
        if ((p = plain_string(p, end, s)) == nullptr) return nullptr;
        if constexpr (F == kEventId) {
            if (s.empty() || s.size() > kMaxEventIdBytes) return nullptr;
            ev.event_id = s;
        } else if constexpr (F == kUserId) {
            if (s.empty() || s.size() > kMaxUserIdBytes) return nullptr;
            ev.user_id = s;
        } else if constexpr (F == kType) {
            if (!valid_type_name(s)) return nullptr;
            ev.type = s;
        } else if constexpr (F == kPage) {
            if (s.size() > kMaxPageBytes) return nullptr;
            ev.page = s;
        } else {
            if (s.size() > kMaxSessionIdBytes) return nullptr;
            ev.session_id = s;
        }
        return p;
    }
}

// One event object at p, its members in any order and with spaces anywhere JSON allows.
const char* read_event(const char* p, const char* end, std::int64_t now_ms,
                       std::vector<PropView>& props, EventView& ev) {
    ev = EventView{};
    props.clear();
    if (p >= end || *p != '{') return nullptr;
    ++p;
    unsigned given = 0;
    bool more = true;
    while (more) {
        Field f = kFieldCount;
        // Unknown fields are ignored by the rules, but their values may be anything: the
        // DOM path reads those. A repeated field: the DOM path keeps the first.
        if ((p = event_key(p, end, f)) == nullptr || ((given >> f) & 1u) != 0) return nullptr;
        given |= 1u << f;
        switch (f) {
            case kEventId: p = read_field<kEventId>(p, end, now_ms, ev); break;
            case kUserId: p = read_field<kUserId>(p, end, now_ms, ev); break;
            case kType: p = read_field<kType>(p, end, now_ms, ev); break;
            case kTs: p = read_field<kTs>(p, end, now_ms, ev); break;
            case kPage: p = read_field<kPage>(p, end, now_ms, ev); break;
            case kSessionId: p = read_field<kSessionId>(p, end, now_ms, ev); break;
            case kProps: p = read_props(p, end, props); break;
            case kFieldCount: return nullptr;
        }
        if (p == nullptr) return nullptr;
        if ((p = after_member(p, end, more)) == nullptr) return nullptr;
    }
    constexpr unsigned kRequired = 1u << kEventId | 1u << kUserId | 1u << kType | 1u << kTs;
    if ((given & kRequired) != kRequired) return nullptr;
    ev.props = props;
    return p;
}

// A member of the canonical layout: the text before its value (a fixed literal), then the value.
template <Field F, std::size_t N>
const char* canonical_member(const char* p, const char* end, const char (&before)[N],
                             std::int64_t now_ms, EventView& ev) {
    if ((p = literal(p, end, before)) == nullptr) return nullptr;
    return read_field<F>(p, end, now_ms, ev);
}

// One event object at p written exactly as the canonical writer writes it, which is how our
// clients send events (the emulator writes with append_event_json): the members in its order,
// compact. Each key is then one compare with a literal instead of a key lookup, and the
// event's text can be copied as its canonical JSON (`ev.canonical_text`) instead of being
// written again, unless a props number has a fraction or exponent. nullptr: not in this
// layout (not necessarily invalid: read_event reads it from the same start).
const char* read_canonical_event(const char* p, const char* end, std::int64_t now_ms,
                                 std::vector<PropView>& props, EventView& ev) {
    ev = EventView{};
    props.clear();
    const char* const start = p;
    if ((p = canonical_member<kEventId>(p, end, R"({"event_id":)", now_ms, ev)) == nullptr ||
        (p = canonical_member<kUserId>(p, end, R"(,"user_id":)", now_ms, ev)) == nullptr ||
        (p = canonical_member<kType>(p, end, R"(,"type":)", now_ms, ev)) == nullptr ||
        (p = canonical_member<kTs>(p, end, R"(,"ts":)", now_ms, ev)) == nullptr ||
        (p = canonical_member<kPage>(p, end, R"(,"page":)", now_ms, ev)) == nullptr) {
        return nullptr;
    }
    if (const char* after = literal(p, end, R"(,"session_id":)")) {
        if ((p = read_field<kSessionId>(after, end, now_ms, ev)) == nullptr) return nullptr;
    }
    bool exact = true;
    if (const char* after = literal(p, end, R"(,"props":)")) {
        if ((p = read_compact_props(after, end, props, exact)) == nullptr) return nullptr;
        exact = exact && !props.empty();  // the writer leaves out an empty props object
    }
    if (p >= end || *p++ != '}') return nullptr;
    ev.props = props;
    if (exact) ev.canonical_text = std::string_view(start, static_cast<std::size_t>(p - start));
    return p;
}

// One event: the canonical layout's quick reading if it is in that layout, else the general one.
const char* read_any_event(const char* p, const char* end, std::int64_t now_ms,
                           std::vector<PropView>& props, EventView& ev) {
    if (const char* after = read_canonical_event(p, end, now_ms, props, ev)) return after;
    return read_event(p, end, now_ms, props, ev);
}

}  // namespace

bool PlainBatchReader::read(std::string_view text, std::size_t max_events, std::int64_t now_ms,
                            Events& events) {
    const char* const end = text.data() + text.size();
    const char* p = skip_space(text.data(), end);
    EventView ev;
    if (p < end && *p == '{') {
        if ((p = read_any_event(p, end, now_ms, props_, ev)) == nullptr) return false;
        events.accept(0, ev);
    } else if (p < end && *p == '[') {
        p = skip_space(p + 1, end);
        if (p < end && *p == ']') {
            ++p;
        } else {
            for (int index = 0;; ++index) {
                if (static_cast<std::size_t>(index) == max_events) return false;  // too many
                p = read_any_event(skip_space(p, end), end, now_ms, props_, ev);
                if (p == nullptr) return false;
                events.accept(index, ev);
                p = skip_space(p, end);
                if (p >= end) return false;
                if (*p == ']') {
                    ++p;
                    break;
                }
                if (*p++ != ',') return false;
            }
        }
    } else {
        return false;
    }
    return skip_space(p, end) == end;  // nothing after the root value
}

}  // namespace pipeline
