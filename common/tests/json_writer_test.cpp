#include "common/json_writer.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace pipeline
