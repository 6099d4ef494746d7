#include "common/http_body.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pipeline {
namespace {

constexpr std::int64_t kNow = 1700000000000;

std::string event(std::string_view id, std::string_view user = "u1") {
    return R"({"event_id":")" + std::string(id) + R"(","user_id":")" + std::string(user) +
           R"(","type":"click","ts":1700000000000})";
}

EventRecords read(std::string body, BodyFormat format, Limits limits = {}) {
    const std::size_t size = body.size();
    body.append(kParsePaddingBytes, '\0');
    MessageParser parser;
    EventRecords out;
    parse_body_records_padded(parser, std::string_view(body.data(), size), format, limits, kNow,
                              out);
    return out;
}

std::vector<std::string> ids(const EventRecords& r) {
    std::vector<std::string> out;
    for (const auto& rec : r.accepted) {
        const auto v = r.value(rec);
        const auto start = v.find("\"event_id\":\"") + 12;
        out.emplace_back(v.substr(start, v.find('"', start) - start));
    }
    return out;
}

TEST(HttpBody, ContentTypesMapToFormats) {
    EXPECT_EQ(body_format_for("application/json"), BodyFormat::json);
    EXPECT_EQ(body_format_for("Application/JSON; charset=utf-8"), BodyFormat::json);
    EXPECT_EQ(body_format_for("application/x-ndjson"), BodyFormat::ndjson);
    EXPECT_EQ(body_format_for("text/plain;charset=UTF-8"), BodyFormat::sniffed);
    EXPECT_EQ(body_format_for("application/x-www-form-urlencoded"), std::nullopt);
    EXPECT_EQ(body_format_for("multipart/form-data; boundary=x"), std::nullopt);
    EXPECT_EQ(body_format_for(""), std::nullopt);
}

TEST(HttpBody, JsonObjectAndArrayReadAsAWebSocketMessage) {
    const auto one = read(event("a"), BodyFormat::json);
    EXPECT_EQ(ids(one), (std::vector<std::string>{"a"}));
    const auto batch = read("[" + event("a") + "," + event("b") + "]", BodyFormat::json);
    EXPECT_EQ(ids(batch), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(batch.accepted[1].index, 1);
    EXPECT_EQ(batch.key(batch.accepted[0]), "u1");
}

TEST(HttpBody, NdjsonLinesAreNumberedAndRejectedAlone) {
    const std::string body = event("a", "ua") + "\r\n\n" + "{not json\n" + "[" + event("x") +
                             "]\n" + R"({"event_id":"c","user_id":"u","type":"BAD","ts":1})" +
                             "\n  " + event("d", "ud") + "  \n";
    const auto r = read(body, BodyFormat::ndjson);
    EXPECT_EQ(ids(r), (std::vector<std::string>{"a", "d"}));
    ASSERT_EQ(r.accepted.size(), 2u);
    EXPECT_EQ(r.accepted[0].index, 0);
    EXPECT_EQ(r.accepted[1].index, 4);  // blank lines are not counted
    EXPECT_EQ(r.key(r.accepted[0]), "ua");
    EXPECT_EQ(r.key(r.accepted[1]), "ud");
    ASSERT_EQ(r.rejected.size(), 3u);
    EXPECT_EQ(r.rejected[0].index, 1);
    EXPECT_EQ(r.rejected[0].reason, RejectReason::invalid_json);
    EXPECT_EQ(r.rejected[0].raw, "{not json");
    EXPECT_EQ(r.rejected[1].index, 2);
    EXPECT_EQ(r.rejected[1].reason, RejectReason::not_an_object);
    EXPECT_EQ(r.rejected[2].index, 3);
    EXPECT_EQ(r.rejected[2].reason, RejectReason::invalid_type);
}

TEST(HttpBody, NdjsonLineCountIsTheEventLimit) {
    Limits limits;
    limits.max_events_per_message = 2;
    const auto ok = read(event("a") + "\n" + event("b") + "\n", BodyFormat::ndjson, limits);
    EXPECT_EQ(ok.accepted.size(), 2u);
    const auto over = read(event("a") + "\n" + event("b") + "\n" + event("c"), BodyFormat::ndjson,
                           limits);
    EXPECT_TRUE(over.accepted.empty());
    ASSERT_EQ(over.rejected.size(), 1u);
    EXPECT_EQ(over.rejected[0].index, -1);
    EXPECT_EQ(over.rejected[0].reason, RejectReason::too_many_events);
}

TEST(HttpBody, EmptyBodies) {
    const auto json = read("", BodyFormat::json);
    ASSERT_EQ(json.rejected.size(), 1u);
    EXPECT_EQ(json.rejected[0].reason, RejectReason::invalid_json);
    const auto ndjson = read("\n \n", BodyFormat::ndjson);
    EXPECT_TRUE(ndjson.accepted.empty());
    EXPECT_TRUE(ndjson.rejected.empty());
}

TEST(HttpBody, PlainTextIsJsonWhenItIsAnArrayElseNdjson) {
    const auto array = read(" [" + event("a") + ",\n" + event("b") + "]", BodyFormat::sniffed);
    EXPECT_EQ(ids(array), (std::vector<std::string>{"a", "b"}));
    const auto lines = read(event("a") + "\n" + event("b"), BodyFormat::sniffed);
    EXPECT_EQ(ids(lines), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(lines.accepted[1].index, 1);
    // Read as JSON, an array with a broken element would be rejected whole.
    const auto broken = read("[" + event("a") + ",{]", BodyFormat::sniffed);
    ASSERT_EQ(broken.rejected.size(), 1u);
    EXPECT_EQ(broken.rejected[0].index, -1);
}

}  // namespace
}  // namespace pipeline
