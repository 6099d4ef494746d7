#include "common/json_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace pipeline {
namespace {

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
    std::string out;
    append_json_string(out, std::string_view("a\"b\\c\n\x01", 7));
    EXPECT_EQ(out, R"("a\"b\\c\n\u0001")");
}

TEST(JsonWriter, WritesTheCanonicalEventWithOptionalParts) {
    Event e{.event_id = "e1", .user_id = "u1", .type = "purchase", .ts_ms = 1511544070000,
            .page = "/item/7", .session_id = "s1",
            .props = {{"category_id", std::string("42")}, {"qty", std::int64_t{2}},
                      {"price", 9.5}, {"gift", true}}};
    EXPECT_EQ(event_to_json(e),
              R"({"event_id":"e1","user_id":"u1","type":"purchase","ts":1511544070000,)"
              R"("page":"/item/7","session_id":"s1","props":{"category_id":"42","qty":2,)"
              R"("price":9.5,"gift":true}})");

    Event bare;
    bare.event_id = "e2";
    bare.user_id = "u2";
    bare.type = "click";
    bare.ts_ms = 1;
    std::string out;
    append_event_json(out, bare, 77);
    EXPECT_EQ(out,
              R"({"event_id":"e2","user_id":"u2","type":"click","ts":1,"page":"",)"
              R"("received_at_ms":77})");
}

// append_json_string checks eight bytes at a time, with a last word that overlaps the one
// before: an escape at every position of strings of every length up to 40 bytes must come
// out as the byte-at-a-time reference writes it.
TEST(JsonWriter, EscapesAtEveryPositionOfEveryLength) {
    auto reference = [](std::string_view s) {
        static constexpr char kHex[] = "0123456789abcdef";
        std::string out = "\"";
        for (const char c : s) {
            const auto u = static_cast<unsigned char>(c);
            if (c == '"') out += "\\\"";
            else if (c == '\\') out += "\\\\";
            else if (c == '\n') out += "\\n";
            else if (c == '\r') out += "\\r";
            else if (c == '\t') out += "\\t";
            else if (c == '\b') out += "\\b";
            else if (c == '\f') out += "\\f";
            else if (u < 0x20) out += std::string("\\u00") + kHex[u >> 4] + kHex[u & 0xF];
            else out.push_back(c);
        }
        return out + "\"";
    };
    for (std::size_t len = 0; len <= 40; ++len) {
        for (std::size_t pos = 0; pos < std::max<std::size_t>(len, 1); ++pos) {
            for (const char special : {'"', '\\', '\n', '\x01', '\x1f', '\x7f', '\xc3', ' '}) {
                std::string s(len, 'a');
                if (len > 0) s[pos] = special;
                std::string out = "prefix";
                append_json_string(out, s);
                ASSERT_EQ(out, "prefix" + reference(s)) << "len " << len << " pos " << pos;
            }
        }
    }
}

// The view of an event writes the same bytes as the event, with received_at_ms as a number
// or as text.
TEST(JsonWriter, AnEventViewWritesTheSameBytesAsTheEvent) {
    Event e{.event_id = "e\"1", .user_id = "u1", .type = "purchase", .ts_ms = 1511544070000,
            .page = "/item/\n7", .session_id = "s1",
            .props = {{"category_id", std::string("42")}, {"qty", std::int64_t{-2}},
                      {"price", 9.5}, {"gift", true}, {"no", false}}};
    const std::vector<PropView> props = {{"category_id", std::string_view("42")},
                                         {"qty", std::int64_t{-2}},
                                         {"price", 9.5},
                                         {"gift", true},
                                         {"no", false}};
    const EventView v{.event_id = "e\"1", .user_id = "u1", .type = "purchase",
                      .ts_ms = 1511544070000, .page = "/item/\n7", .session_id = "s1",
                      .props = props, .canonical_text = {}};
    std::string want;
    append_event_json(want, e, 77);
    std::string got;
    append_event_json(got, v, 77);
    EXPECT_EQ(got, want);
    got.clear();
    append_event_json(got, v, std::string_view("77"));
    EXPECT_EQ(got, want);
    want.clear();
    append_event_json(want, e);
    got.clear();
    append_event_json(got, v);
    EXPECT_EQ(got, want);
}

// A reader that found the event's text already canonical hands it over: the writer copies it
// (received_at_ms goes before its closing brace) instead of writing the members again.
TEST(JsonWriter, CopiesAnEventsCanonicalText) {
    const std::string_view text =
        R"({"event_id":"e1","user_id":"u1","type":"click","ts":1511544070000,"page":"/p"})";
    // The members disagree with the text on purpose: only a copy gives the text.
    const EventView v{.event_id = "other", .user_id = "u1", .type = "click", .ts_ms = 1,
                      .page = "", .session_id = std::nullopt, .props = {},
                      .canonical_text = text};
    std::string got = "[";
    append_event_json(got, v);
    EXPECT_EQ(got, "[" + std::string(text));
    got.clear();
    append_event_json(got, v, 77);
    EXPECT_EQ(got, R"({"event_id":"e1","user_id":"u1","type":"click","ts":1511544070000,"page":"/p",)"
                   R"("received_at_ms":77})");
    got.clear();
    append_event_json(got, v, std::string_view("1511544071000"), StringEscapes::none_needed);
    EXPECT_EQ(got, R"({"event_id":"e1","user_id":"u1","type":"click","ts":1511544070000,"page":"/p",)"
                   R"("received_at_ms":1511544071000})");
}

}  // namespace
}  // namespace pipeline
