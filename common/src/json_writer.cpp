#include "common/json_writer.hpp"

#include "common/decimal.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <variant>

namespace pipeline {

namespace {

bool needs_escape(char c) {
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
}

// True when one of the 8 bytes at p may need an escape (a quote, a backslash or a control
// character): the "has a zero byte" / "has a byte less than n" bit tricks, exact for the
// word as a whole.
bool word_needs_escape(const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    constexpr std::uint64_t k01 = 0x0101010101010101ULL;
    constexpr std::uint64_t k80 = 0x8080808080808080ULL;
    const std::uint64_t quote = w ^ (k01 * '"');
    const std::uint64_t backslash = w ^ (k01 * '\\');
    const std::uint64_t hits = ((w - k01 * 0x20) & ~w) | ((quote - k01) & ~quote) |
                               ((backslash - k01) & ~backslash);
    return (hits & k80) != 0;
}

// True when one of `s`'s bytes needs an escape. Whole words where it can: a string of 8
// bytes or more ends with one word that overlaps the one before (bytes checked twice are
// harmless), so only strings under 8 bytes are read a byte at a time.
bool any_needs_escape(std::string_view s) {
    const std::size_t n = s.size();
    if (n < 8) {
        for (const char c : s) {
            if (needs_escape(c)) return true;
        }
        return false;
    }
    for (std::size_t i = 0; i + 8 <= n; i += 8) {
        if (word_needs_escape(s.data() + i)) return true;
    }
    return (n % 8 != 0) && word_needs_escape(s.data() + n - 8);
}

// The writers below put bytes at a raw pointer into room reserved beforehand (`out` resized
// once per document to an upper bound of its size, then cut to what was written): appending
// piece by piece to a std::string (a capacity check and a memcpy call per piece, some thirty
// per event) was a third of the gateway's parse-validate-write time.

constexpr std::size_t kMaxIntChars = kMaxDecimalChars;  // "-9223372036854775808"
constexpr std::size_t kMaxDoubleChars = 32;  // shortest round trip, e.g. "-2.2250738585072014e-308"

// Escape::unchecked: the caller knows that no byte needs an escape, so a string is written as
// it is.
enum class Escape { check, unchecked };

// At most the bytes write_json_string writes for `s`: an escape is at most 6 bytes (\u00XX).
// Not scanned for escapes: zeroing the spare room is cheaper than a second scan.
template <Escape escape = Escape::check>
std::size_t json_string_bound(std::string_view s) {
    return (escape == Escape::check ? 6 : 1) * s.size() + 2;
}

template <std::size_t N>
char* put(char* p, const char (&literal)[N]) {
    std::memcpy(p, literal, N - 1);
    return p + N - 1;
}

char* write_int(char* p, std::int64_t v) { return write_decimal(p, v); }

template <Escape escape = Escape::check>
char* write_json_string(char* p, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    *p++ = '"';
    if (escape == Escape::unchecked || !any_needs_escape(s)) {  // nearly always
        if (!s.empty()) std::memcpy(p, s.data(), s.size());  // an empty view's data() may be null
        p += s.size();
        *p++ = '"';
        return p;
    }
    for (const char c : s) {
        if (!needs_escape(c)) {
            *p++ = c;
            continue;
        }
        *p++ = '\\';
        switch (c) {
            case '"': *p++ = '"'; break;
            case '\\': *p++ = '\\'; break;
            case '\n': *p++ = 'n'; break;
            case '\r': *p++ = 'r'; break;
            case '\t': *p++ = 't'; break;
            case '\b': *p++ = 'b'; break;
            case '\f': *p++ = 'f'; break;
            default: {  // the other control characters
                const auto u = static_cast<unsigned char>(c);
                p = put(p, "u00");
                *p++ = kHex[u >> 4];
                *p++ = kHex[u & 0xF];
            }
        }
    }
    *p++ = '"';
    return p;
}

// Resizes `out` to hold `bound` more bytes, lets `write` fill them from a raw pointer and
// cuts `out` to what it wrote.
template <typename Write>
void append_bounded(std::string& out, std::size_t bound, Write write) {
    const std::size_t old = out.size();
    out.resize(old + bound);
    char* const begin = out.data() + old;
    char* const end = write(begin);
    out.resize(old + static_cast<std::size_t>(end - begin));
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    append_bounded(out, json_string_bound(s), [s](char* p) { return write_json_string(p, s); });
}

namespace {

// PropValue and PropViewValue alike.
template <Escape escape, typename Value>
std::size_t prop_value_bound(const Value& v) {
    return std::visit(
        [](const auto& x) -> std::size_t {
            if constexpr (std::is_convertible_v<decltype(x), std::string_view>) {
                return json_string_bound<escape>(x);
            } else {
                return kMaxDoubleChars;  // the longest of the other kinds
            }
        },
        v);
}

template <Escape escape, typename Value>
char* write_prop_value(char* p, const Value& v) {
    return std::visit(
        [p](const auto& x) -> char* {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, bool>) {
                return x ? put(p, "true") : put(p, "false");
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                return write_int(p, x);
            } else if constexpr (std::is_same_v<T, double>) {
                // JSON has no NaN or infinity; the parser never produces them, but stay valid.
                if (!std::isfinite(x)) return put(p, "null");
                return fmt::format_to_n(p, kMaxDoubleChars, "{}", x).out;
            } else {
                return write_json_string<escape>(p, x);
            }
        },
        v);
}

// Event and EventView alike: the same canonical bytes from either.
// received_at_ms: an optional integer, or its decimal text.
std::size_t received_at_bound(const std::optional<std::int64_t>&) { return kMaxIntChars; }
std::size_t received_at_bound(std::string_view text) { return text.size(); }
bool has_received_at(const std::optional<std::int64_t>& v) { return v.has_value(); }
bool has_received_at(std::string_view) { return true; }
char* write_received_at(char* p, const std::optional<std::int64_t>& v) { return write_int(p, *v); }
char* write_received_at(char* p, std::string_view text) {
    std::memcpy(p, text.data(), text.size());
    return p + text.size();
}

std::string_view received_at_text(char* buffer, const std::optional<std::int64_t>& v) {
    return {buffer, static_cast<std::size_t>(write_int(buffer, *v) - buffer)};
}
std::string_view received_at_text(char*, std::string_view text) { return text; }

// An event whose text is already canonical (EventView::canonical_text): that text, with
// received_at_ms put before its closing brace. Plain appends: append_bounded's resize would
// zero the room first, which costs as much as the copy.
template <typename ReceivedAt>
void append_canonical_text(std::string& out, std::string_view text, const ReceivedAt& received_at_ms) {
    if (!has_received_at(received_at_ms)) {
        out.append(text);
        return;
    }
    char buffer[kMaxIntChars];
    const std::string_view received_at = received_at_text(buffer, received_at_ms);
    out.append(text.data(), text.size() - 1)  // all but the closing brace
        .append(R"(,"received_at_ms":)")
        .append(received_at)
        .push_back('}');
}

template <Escape escape = Escape::check, typename E, typename ReceivedAt>
void append_event(std::string& out, const E& e, const ReceivedAt& received_at_ms) {
    if constexpr (std::is_same_v<E, EventView>) {
        if (!e.canonical_text.empty()) {
            append_canonical_text(out, e.canonical_text, received_at_ms);
            return;
        }
    }
    // The literals' bytes, with room to spare.
    std::size_t bound = 128 + kMaxIntChars + received_at_bound(received_at_ms) +
                        json_string_bound<escape>(e.event_id) +
                        json_string_bound<escape>(e.user_id) + json_string_bound<escape>(e.type) +
                        json_string_bound<escape>(e.page);
    if (e.session_id) bound += json_string_bound<escape>(*e.session_id);
    for (const auto& [key, value] : e.props) {
        bound += json_string_bound<escape>(key) + prop_value_bound<escape>(value) + 2;
    }
    append_bounded(out, bound, [&e, &received_at_ms](char* p) {
        p = put(p, "{\"event_id\":");
        p = write_json_string<escape>(p, e.event_id);
        p = put(p, ",\"user_id\":");
        p = write_json_string<escape>(p, e.user_id);
        p = put(p, ",\"type\":");
        p = write_json_string<escape>(p, e.type);
        p = put(p, ",\"ts\":");
        p = write_int(p, e.ts_ms);
        p = put(p, ",\"page\":");
        p = write_json_string<escape>(p, e.page);
        if (e.session_id) {
            p = put(p, ",\"session_id\":");
            p = write_json_string<escape>(p, *e.session_id);
        }
        if (!e.props.empty()) {
            p = put(p, ",\"props\":{");
            bool first = true;
            for (const auto& [key, value] : e.props) {
                if (!first) *p++ = ',';
                first = false;
                p = write_json_string<escape>(p, key);
                *p++ = ':';
                p = write_prop_value<escape>(p, value);
            }
            *p++ = '}';
        }
        if (has_received_at(received_at_ms)) {
            p = put(p, ",\"received_at_ms\":");
            p = write_received_at(p, received_at_ms);
        }
        *p++ = '}';
        return p;
    });
}

}  // namespace

void append_event_json(std::string& out, const Event& e,
                       std::optional<std::int64_t> received_at_ms) {
    append_event(out, e, received_at_ms);
}

void append_event_json(std::string& out, const EventView& e,
                       std::optional<std::int64_t> received_at_ms) {
    append_event(out, e, received_at_ms);
}

void append_event_json(std::string& out, const EventView& e, std::string_view received_at_ms,
                       StringEscapes escapes) {
    if (escapes == StringEscapes::none_needed) {
        append_event<Escape::unchecked>(out, e, received_at_ms);
    } else {
        append_event(out, e, received_at_ms);
    }
}

}  // namespace pipeline
