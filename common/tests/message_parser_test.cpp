#include "common/message_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/json_writer.hpp"

namespace pipeline {
namespace {

constexpr std::int64_t kNow = 1700000000000;  // 2023-11-14
const Limits kLimits{};

std::string event(std::string_view extra = {}, std::string_view event_id = "e1",
                  std::string_view ts = "1700000000000") {
    std::string s = R"({"event_id":")" + std::string(event_id) +
                    R"(","user_id":"u1","type":"page_view","ts":)" + std::string(ts);
    if (!extra.empty()) s += "," + std::string(extra);
    s += "}";
    return s;
}

std::string with_field(std::string_view name, std::string_view json_value) {
    // A valid event where one field is replaced (or added) with the given JSON value.
    std::string eid = "\"e1\"", uid = "\"u1\"", type = "\"click\"", ts = "1700000000000";
    std::string extra;
    if (name == "event_id") eid = json_value;
    else if (name == "user_id") uid = json_value;
    else if (name == "type") type = json_value;
    else if (name == "ts") ts = json_value;
    else extra = ",\"" + std::string(name) + "\":" + std::string(json_value);
    return "{\"event_id\":" + eid + ",\"user_id\":" + uid + ",\"type\":" + type +
           ",\"ts\":" + ts + extra + "}";
}

std::string quoted(std::size_t n, char c = 'x') { return "\"" + std::string(n, c) + "\""; }

// The reason of a message holding one event, or "accepted".
std::string outcome(const std::string& text, std::int64_t now = kNow) {
    const auto r = parse_message(text, kLimits, now);
    if (r.accepted.size() == 1 && r.rejected.empty()) return "accepted";
    if (r.rejected.size() == 1 && r.accepted.empty()) return std::string(to_string(r.rejected[0].reason));
    return "unexpected";
}

TEST(MessageParser, AcceptsASingleObjectWithAllFields) {
    const auto r = parse_message(
        R"({"event_id":"e1","user_id":"u1","type":"purchase","ts":1700000000000,"page":"/p",)"
        R"("session_id":"s1","props":{"a":"x","n":3,"f":1.5,"b":false}})",
        kLimits, kNow);
    ASSERT_EQ(r.accepted.size(), 1u);
    ASSERT_TRUE(r.rejected.empty());
    const Event& e = r.accepted[0].event;
    EXPECT_EQ(r.accepted[0].index, 0);
    EXPECT_EQ(e.event_id, "e1");
    EXPECT_EQ(e.user_id, "u1");
    EXPECT_EQ(e.type, "purchase");
    EXPECT_EQ(e.ts_ms, 1700000000000);
    EXPECT_EQ(e.page, "/p");
    EXPECT_EQ(e.session_id, std::optional<std::string>("s1"));
    ASSERT_EQ(e.props.size(), 4u);
    EXPECT_EQ(e.props[0].first, "a");
    EXPECT_EQ(std::get<std::string>(e.props[0].second), "x");
    EXPECT_EQ(std::get<std::int64_t>(e.props[1].second), 3);
    EXPECT_DOUBLE_EQ(std::get<double>(e.props[2].second), 1.5);
    EXPECT_EQ(std::get<bool>(e.props[3].second), false);
}

TEST(MessageParser, OptionalFieldsDefault) {
    const auto r = parse_message(event(), kLimits, kNow);
    ASSERT_EQ(r.accepted.size(), 1u);
    EXPECT_EQ(r.accepted[0].event.page, "");
    EXPECT_FALSE(r.accepted[0].event.session_id.has_value());
    EXPECT_TRUE(r.accepted[0].event.props.empty());
    // null means "not given" for the optional fields
    EXPECT_EQ(outcome(event(R"("page":null,"session_id":null,"props":null)")), "accepted");
}

TEST(MessageParser, ArrayOfObjectsKeepsIndexesAndRawText) {
    const std::string text = "[ " + event({}, "a") + " ,\n {\"event_id\":\"b\"} , 42, " +
                             event({}, "c") + " ]";
    const auto r = parse_message(text, kLimits, kNow);
    ASSERT_EQ(r.accepted.size(), 2u);
    EXPECT_EQ(r.accepted[0].index, 0);
    EXPECT_EQ(r.accepted[0].event.event_id, "a");
    EXPECT_EQ(r.accepted[1].index, 3);
    EXPECT_EQ(r.accepted[1].event.event_id, "c");
    ASSERT_EQ(r.rejected.size(), 2u);
    EXPECT_EQ(r.rejected[0].index, 1);
    EXPECT_EQ(to_string(r.rejected[0].reason), "missing_field:user_id");
    EXPECT_EQ(r.rejected[0].raw, R"({"event_id":"b"})");
    EXPECT_EQ(r.rejected[1].index, 2);
    EXPECT_EQ(to_string(r.rejected[1].reason), "not_an_object");
    EXPECT_EQ(r.rejected[1].raw, "42");
}

TEST(MessageParser, RawTextSplitHandlesStringsWithBrackets) {
    const std::string bad = R"({"event_id":"x,]}[{\"","user_id":5})";
    const auto r = parse_message("[" + bad + "," + event() + "]", kLimits, kNow);
    ASSERT_EQ(r.rejected.size(), 1u);
    EXPECT_EQ(r.rejected[0].raw, bad);
    EXPECT_EQ(to_string(r.rejected[0].reason), "invalid_field:user_id");
    EXPECT_EQ(r.accepted.size(), 1u);
}

TEST(MessageParser, EmptyArrayIsZeroAcceptedAndNoRejects) {
    const auto r = parse_message(" [ ] ", kLimits, kNow);
    EXPECT_TRUE(r.accepted.empty());
    EXPECT_TRUE(r.rejected.empty());
}

TEST(MessageParser, InvalidJsonRejectsTheWholeMessage) {
    for (const char* text : {"", "{", "not json", R"({"event_id":"e1",})", "[{}", "\xff\xfe",
                             R"({"event_id":"e1","user_id":"u1","x":tru})"}) {
        const auto r = parse_message(text, kLimits, kNow);
        ASSERT_EQ(r.rejected.size(), 1u) << text;
        EXPECT_EQ(r.rejected[0].index, -1);
        EXPECT_EQ(r.rejected[0].reason, RejectReason::invalid_json);
        EXPECT_TRUE(r.accepted.empty());
    }
}

TEST(MessageParser, TopLevelScalarIsNotAnObject) {
    const auto r = parse_message("\"hello\"", kLimits, kNow);
    ASSERT_EQ(r.rejected.size(), 1u);
    EXPECT_EQ(r.rejected[0].index, -1);
    EXPECT_EQ(r.rejected[0].reason, RejectReason::not_an_object);
}

TEST(MessageParser, ArrayElementsThatAreNotObjects) {
    const auto r = parse_message(R"([1,"x",null,[],true])", kLimits, kNow);
    ASSERT_EQ(r.rejected.size(), 5u);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(r.rejected[i].index, i);
        EXPECT_EQ(r.rejected[i].reason, RejectReason::not_an_object);
    }
    EXPECT_EQ(r.rejected[3].raw, "[]");
}

TEST(MessageParser, MissingFields) {
    EXPECT_EQ(outcome(R"({"user_id":"u","type":"click","ts":1700000000000})"), "missing_field:event_id");
    EXPECT_EQ(outcome(R"({"event_id":"e","type":"click","ts":1700000000000})"), "missing_field:user_id");
    EXPECT_EQ(outcome(R"({"event_id":"e","user_id":"u","ts":1700000000000})"), "missing_field:type");
    EXPECT_EQ(outcome(R"({"event_id":"e","user_id":"u","type":"click"})"), "missing_field:ts");
    EXPECT_EQ(outcome("{}"), "missing_field:event_id");
}

TEST(MessageParser, EventIdLength) {
    EXPECT_EQ(outcome(with_field("event_id", quoted(1))), "accepted");
    EXPECT_EQ(outcome(with_field("event_id", quoted(64))), "accepted");
    EXPECT_EQ(outcome(with_field("event_id", quoted(65))), "invalid_field:event_id");
    EXPECT_EQ(outcome(with_field("event_id", "\"\"")), "invalid_field:event_id");
    EXPECT_EQ(outcome(with_field("event_id", "7")), "invalid_field:event_id");
    EXPECT_EQ(outcome(with_field("event_id", "null")), "missing_field:event_id");
}

TEST(MessageParser, LengthsAreBytesOfUtf8) {
    // 32 two-byte characters are 64 bytes: accepted; 33 are 66 bytes: rejected.
    std::string s32, s33;
    for (int i = 0; i < 32; ++i) s32 += "\xc3\xa9";
    s33 = s32 + "\xc3\xa9";
    EXPECT_EQ(outcome(with_field("event_id", "\"" + s32 + "\"")), "accepted");
    EXPECT_EQ(outcome(with_field("event_id", "\"" + s33 + "\"")), "invalid_field:event_id");
}

TEST(MessageParser, UserIdLength) {
    EXPECT_EQ(outcome(with_field("user_id", quoted(1))), "accepted");
    EXPECT_EQ(outcome(with_field("user_id", quoted(128))), "accepted");
    EXPECT_EQ(outcome(with_field("user_id", quoted(129))), "invalid_field:user_id");
    EXPECT_EQ(outcome(with_field("user_id", "\"\"")), "invalid_field:user_id");
    EXPECT_EQ(outcome(with_field("user_id", "123")), "invalid_field:user_id");
}

TEST(MessageParser, TypePattern) {
    for (const char* ok : {"\"a\"", "\"page_view\"", "\"z9_\"", "\"a0\"", "\"purchase\"",
                           "\"custom_type_2\""}) {
        EXPECT_EQ(outcome(with_field("type", ok)), "accepted") << ok;
    }
    EXPECT_EQ(outcome(with_field("type", quoted(64, 'a'))), "accepted");
    EXPECT_EQ(outcome(with_field("type", quoted(65, 'a'))), "invalid_field:type");
    for (const char* bad : {"\"\"", "\"Click\"", "\"_a\"", "\"1a\"", "\"a-b\"", "\"a b\"",
                            "\"clicK\"", "\"\\u00e9\"", "3", "[\"click\"]"}) {
        EXPECT_EQ(outcome(with_field("type", bad)), "invalid_field:type") << bad;
    }
}

TEST(MessageParser, TsMustBeAnInteger) {
    EXPECT_EQ(outcome(with_field("ts", "1700000000000.0")), "invalid_field:ts");
    EXPECT_EQ(outcome(with_field("ts", "1.7e12")), "invalid_field:ts");
    EXPECT_EQ(outcome(with_field("ts", "\"1700000000000\"")), "invalid_field:ts");
    EXPECT_EQ(outcome(with_field("ts", "null")), "missing_field:ts");
    EXPECT_EQ(outcome(with_field("ts", "true")), "invalid_field:ts");
}

TEST(MessageParser, TsRange) {
    EXPECT_EQ(outcome(with_field("ts", "946684800000")), "accepted");
    EXPECT_EQ(outcome(with_field("ts", "946684799999")), "ts_out_of_range");
    EXPECT_EQ(outcome(with_field("ts", "-1")), "ts_out_of_range");
    EXPECT_EQ(outcome(with_field("ts", std::to_string(kNow + 300000))), "accepted");
    EXPECT_EQ(outcome(with_field("ts", std::to_string(kNow + 300001))), "ts_out_of_range");
    EXPECT_EQ(outcome(with_field("ts", "18446744073709551615")), "ts_out_of_range");
}

TEST(MessageParser, Page) {
    EXPECT_EQ(outcome(with_field("page", quoted(2048))), "accepted");
    EXPECT_EQ(outcome(with_field("page", quoted(2049))), "invalid_field:page");
    EXPECT_EQ(outcome(with_field("page", "\"\"")), "accepted");
    EXPECT_EQ(outcome(with_field("page", "5")), "invalid_field:page");
    EXPECT_EQ(outcome(with_field("page", "{}")), "invalid_field:page");
}

TEST(MessageParser, SessionId) {
    EXPECT_EQ(outcome(with_field("session_id", "\"s\"")), "accepted");
    EXPECT_EQ(outcome(with_field("session_id", "1")), "invalid_field:session_id");
}

TEST(MessageParser, Props) {
    EXPECT_EQ(outcome(with_field("props", "{}")), "accepted");
    EXPECT_EQ(outcome(with_field("props", R"({"a":"s","b":-1,"c":2.5,"d":true,"e":1e300})")),
              "accepted");
    EXPECT_EQ(outcome(with_field("props", R"({"a":{"b":1}})")), "invalid_props");
    EXPECT_EQ(outcome(with_field("props", R"({"a":[1]})")), "invalid_props");
    EXPECT_EQ(outcome(with_field("props", R"({"a":null})")), "invalid_props");
    EXPECT_EQ(outcome(with_field("props", "[]")), "invalid_field:props");
    EXPECT_EQ(outcome(with_field("props", "\"x\"")), "invalid_field:props");
    const auto big = parse_message(with_field("props", R"({"n":18446744073709551615})"), kLimits, kNow);
    ASSERT_EQ(big.accepted.size(), 1u);
    EXPECT_DOUBLE_EQ(std::get<double>(big.accepted[0].event.props[0].second), 18446744073709551615.0);
}

TEST(MessageParser, UnknownFieldsAreIgnored) {
    const auto r = parse_message(event(R"("extra":{"deep":[1,2,{"x":null}]},"other":null)"),
                                 kLimits, kNow);
    ASSERT_EQ(r.accepted.size(), 1u);
    EXPECT_TRUE(r.rejected.empty());
    EXPECT_TRUE(r.accepted[0].event.props.empty());
}

TEST(MessageParser, DuplicateKeysFirstWins) {
    const auto r = parse_message(
        R"({"event_id":"first","event_id":"second","user_id":"u","type":"click","type":"BAD",)"
        R"("ts":1700000000000,"props":{"k":1,"k":2}})",
        kLimits, kNow);
    ASSERT_EQ(r.accepted.size(), 1u);
    EXPECT_EQ(r.accepted[0].event.event_id, "first");
    EXPECT_EQ(r.accepted[0].event.type, "click");
    ASSERT_EQ(r.accepted[0].event.props.size(), 1u);
    EXPECT_EQ(std::get<std::int64_t>(r.accepted[0].event.props[0].second), 1);

    // Many props: the hash-set path of the duplicate check.
    std::string props = "{";
    for (int i = 0; i < 40; ++i) props += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    props += "\"k5\":99,\"k39\":99}";
    const auto many = parse_message(with_field("props", props), kLimits, kNow);
    ASSERT_EQ(many.accepted.size(), 1u);
    ASSERT_EQ(many.accepted[0].event.props.size(), 40u);
    EXPECT_EQ(std::get<std::int64_t>(many.accepted[0].event.props[5].second), 5);
    EXPECT_EQ(std::get<std::int64_t>(many.accepted[0].event.props[39].second), 39);
}

TEST(MessageParser, RuleOrderGivesTheFirstFailingField) {
    EXPECT_EQ(outcome(R"({"event_id":"","user_id":"","type":"X","ts":"y"})"), "invalid_field:event_id");
    EXPECT_EQ(outcome(R"({"event_id":"e","user_id":"u","type":"X","ts":"y"})"), "invalid_field:type");
}

TEST(MessageParser, TooManyEvents) {
    Limits limits;
    limits.max_events_per_message = 3;
    std::string three = "[" + event() + "," + event() + "," + event() + "]";
    EXPECT_EQ(parse_message(three, limits, kNow).accepted.size(), 3u);
    std::string four = "[" + event() + "," + event() + "," + event() + "," + event() + "]";
    const auto r = parse_message(four, limits, kNow);
    EXPECT_TRUE(r.accepted.empty());
    ASSERT_EQ(r.rejected.size(), 1u);
    EXPECT_EQ(r.rejected[0].index, -1);
    EXPECT_EQ(r.rejected[0].reason, RejectReason::too_many_events);
}

TEST(MessageParser, MessageTooLarge) {
    const std::string text = event();
    Limits limits;
    limits.max_message_bytes = text.size();
    EXPECT_EQ(parse_message(text, limits, kNow).accepted.size(), 1u);
    limits.max_message_bytes = text.size() - 1;
    const auto r = parse_message(text, limits, kNow);
    ASSERT_EQ(r.rejected.size(), 1u);
    EXPECT_EQ(r.rejected[0].index, -1);
    EXPECT_EQ(r.rejected[0].reason, RejectReason::message_too_large);
    EXPECT_EQ(r.rejected[0].raw, text);
}

TEST(MessageParser, RawTextIsTruncatedTo4KiB) {
    const std::string bad = R"({"event_id":"e","pad":")" + std::string(10000, 'p') + "\"}";
    const auto r = parse_message(bad, kLimits, kNow);
    ASSERT_EQ(r.rejected.size(), 1u);
    EXPECT_EQ(r.rejected[0].raw.size(), kMaxRawBytes);
    EXPECT_EQ(r.rejected[0].raw, bad.substr(0, kMaxRawBytes));
}

TEST(MessageParser, TruncationDoesNotSplitUtf8) {
    std::string s(kMaxRawBytes - 1, 'a');
    s += "\xc3\xa9zzz";
    EXPECT_EQ(truncate_raw(s), std::string(kMaxRawBytes - 1, 'a'));
    EXPECT_EQ(truncate_raw("short"), "short");
}

TEST(MessageParser, PaddedParseNeedsNoCopyAndGivesTheSameResult) {
    std::string text = "[" + event() + ",{}]";
    const std::size_t n = text.size();
    text.append(kParsePaddingBytes, '\0');
    const auto r = parse_message_padded(std::string_view(text.data(), n), kLimits, kNow);
    EXPECT_EQ(r.accepted.size(), 1u);
    EXPECT_EQ(r.rejected.size(), 1u);
    EXPECT_EQ(r.rejected[0].raw, "{}");
}

TEST(MessageParser, ReasonStringsAreExact) {
    EXPECT_EQ(to_string(RejectReason::invalid_json), "invalid_json");
    EXPECT_EQ(to_string(RejectReason::message_too_large), "message_too_large");
    EXPECT_EQ(to_string(RejectReason::too_many_events), "too_many_events");
    EXPECT_EQ(to_string(RejectReason::invalid_props_field), "invalid_field:props");
    EXPECT_EQ(to_string(RejectReason::invalid_props), "invalid_props");
    EXPECT_EQ(to_string(RejectReason::invalid_session_id), "invalid_field:session_id");
    EXPECT_EQ(to_string(RejectReason::binary_message), "binary_message");
}

// 100k levels of nesting: simdjson's depth limit (1024) rejects it without recursion, so a
// hostile client cannot overflow the stack; the reason is invalid_json.
TEST(MessageParser, DeepNestingIsInvalidJsonWithoutRecursion) {
    constexpr int kDepth = 100000;
    std::string arrays = std::string(kDepth, '[') + std::string(kDepth, ']');
    std::string objects;
    for (int i = 0; i < kDepth; ++i) objects += R"({"a":)";
    objects += "1" + std::string(kDepth, '}');
    // Deep inside an otherwise valid event's props, and as an array element.
    std::string in_props = R"({"event_id":"e","user_id":"u","type":"click","ts":1700000000000,"props":)" +
                                 arrays + "}";
    std::string in_batch = "[" + event() + "," + arrays + "]";
    for (const std::string* text : {&arrays, &objects, &in_props, &in_batch}) {  // NOLINT
        const auto r = parse_message(*text, Limits{}, kNow);
        EXPECT_TRUE(r.accepted.empty());
        ASSERT_EQ(r.rejected.size(), 1u);
        EXPECT_EQ(r.rejected[0].index, -1);
        EXPECT_EQ(r.rejected[0].reason, RejectReason::invalid_json);
        EXPECT_LE(r.rejected[0].raw.size(), kMaxRawBytes);
    }
}

TEST(MessageParser, ParserIsReusableAcrossSizes) {
    MessageParser parser;
    std::string big = "[";
    for (int i = 0; i < 500; ++i) big += (i ? "," : "") + event();
    big += "]";
    EXPECT_EQ(parser.parse(big, kLimits, kNow).accepted.size(), 500u);
    EXPECT_EQ(parser.parse(event(), kLimits, kNow).accepted.size(), 1u);
    EXPECT_EQ(parser.parse("{", kLimits, kNow).rejected.size(), 1u);
    EXPECT_EQ(parser.parse(big, kLimits, kNow).accepted.size(), 500u);
}

// The gateway's path (records written straight from the parser's views) must give exactly
// what parse_message + append_event_json give: the same indices, keys, canonical JSON and
// rejections, for every kind of field, escape, duplicate and failure.
TEST(MessageParser, RecordsAreTheCanonicalJsonOfTheAcceptedEvents) {
    const std::vector<std::string> messages = {
        event(),
        "[" + event() + "," + event(R"("page":"/p\"q\\r\n\u0001\u00e9","session_id":"s")") + "]",
        "[" + event(R"("props":{"a":"x","n":3,"f":1.5,"w":3.0,"big":18446744073709551615,)"
                    R"("b":false,"t":true,"a":"dup","esc":"tab\there"})") +
            ",{},42," + event(R"("props":{"x":null})") + "," +
            event(R"("page":null,"session_id":null,"props":null,"extra":[1,{"z":2}])") + "]",
        R"([{"event_id":"e\"1","user_id":"u\\1","type":"click","ts":1700000000000},)"
        R"({"event_id":"e2","user_id":"u2","type":"Bad","ts":1700000000000}])",
        "[]",
        "{",
        "\"scalar\"",
        with_field("user_id", quoted(kMaxUserIdBytes)),
        // No backslash anywhere (strings are copied unchecked): raw UTF-8, DEL, brackets.
        event("\"page\":\"/\x7f\xc3\xa9[]{}:,\",\"session_id\":\"s\xe2\x82\xac\","
              "\"props\":{\"k\x7f\":\"v\",\"n\":1}"),
        // A backslash only in a field that is not written: the strings are checked again.
        "[" + event(R"("extra":"a\\b","page":"/p")") + "," + event() + "]",
    };
    constexpr std::int64_t kReceivedAt = 1700000000123;
    // The props/duplicate/escape message must be valid JSON, or it only tests invalid_json.
    ASSERT_EQ(parse_message(messages[2], kLimits, kReceivedAt).accepted.size(), 2u);
    EventRecords records;
    for (const auto& text : messages) {
        SCOPED_TRACE(text);
        const auto expected = parse_message(text, kLimits, kReceivedAt);
        std::string padded = text;
        padded.append(kParsePaddingBytes, '\0');
        parse_records_padded(std::string_view(padded.data(), text.size()), kLimits, kReceivedAt,
                             records);
        ASSERT_EQ(records.accepted.size(), expected.accepted.size());
        for (std::size_t i = 0; i < expected.accepted.size(); ++i) {
            const auto& want = expected.accepted[i];
            std::string json;
            append_event_json(json, want.event, kReceivedAt);
            EXPECT_EQ(records.accepted[i].index, want.index);
            EXPECT_EQ(records.key(records.accepted[i]), want.event.user_id);
            EXPECT_EQ(records.value(records.accepted[i]), json);
        }
        ASSERT_EQ(records.rejected.size(), expected.rejected.size());
        for (std::size_t i = 0; i < expected.rejected.size(); ++i) {
            EXPECT_EQ(records.rejected[i].index, expected.rejected[i].index);
            EXPECT_EQ(records.rejected[i].reason, expected.rejected[i].reason);
            EXPECT_EQ(records.rejected[i].raw, expected.rejected[i].raw);
        }
    }
}

// parse_records_padded copies the strings of a message without a backslash unchecked: that
// is only right while the parser rejects a raw quote or control character inside a string.
TEST(MessageParser, RawControlCharactersInAStringAreInvalidJson) {
    for (const char c : {'\0', '\x01', '\t', '\n', '\r', '\x1f'}) {
        const std::string text = event(std::string(R"("page":"/a)") + c + R"(b")");
        SCOPED_TRACE(static_cast<int>(c));
        EXPECT_EQ(outcome(text), "invalid_json");
    }
}

// The records' buffers are reused: a second message replaces the first one's records.
TEST(MessageParser, RecordsReplaceThePreviousMessage) {
    EventRecords records;
    std::string two = "[" + event({}, "a") + "," + event({}, "b") + ",{}]";
    two.append(kParsePaddingBytes, '\0');
    parse_records_padded(std::string_view(two.data(), two.size() - kParsePaddingBytes), kLimits,
                         kNow, records);
    ASSERT_EQ(records.accepted.size(), 2u);
    ASSERT_EQ(records.rejected.size(), 1u);
    std::string one = event({}, "c");
    one.append(kParsePaddingBytes, '\0');
    parse_records_padded(std::string_view(one.data(), one.size() - kParsePaddingBytes), kLimits,
                         kNow, records);
    ASSERT_EQ(records.accepted.size(), 1u);
    EXPECT_TRUE(records.rejected.empty());
    EXPECT_NE(records.value(records.accepted[0]).find(R"("event_id":"c")"), std::string::npos);
}

}  // namespace
}  // namespace pipeline

namespace pipeline {
namespace {

// The gateway logs this at start-up: a name and a description, e.g. "haswell (Intel/AMD AVX2)".
TEST(MessageParser, NamesTheActiveSimdjsonImplementation) {
    const std::string name = json_parser_implementation();
    EXPECT_FALSE(name.empty());
    EXPECT_NE(name.find(" ("), std::string::npos) << name;
}

}  // namespace
}  // namespace pipeline
