// The fast path (src/plain_batch_reader.hpp): it reads plain batches of valid events,
// declines everything else, and never gives another answer than the DOM path.
#include "plain_batch_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/json_writer.hpp"
#include "common/message_parser.hpp"

namespace pipeline {
namespace {

constexpr std::int64_t kNow = 1700000000000;
const Limits kLimits{};

struct Collected final : PlainBatchReader::Events {
    std::vector<int> indexes;
    std::vector<std::string> json;  // each event's canonical JSON
    std::vector<std::string> canonical_text;  // what the reader found already canonical, if any
    void accept(int index, const EventView& event) override {
        indexes.push_back(index);
        canonical_text.emplace_back(event.canonical_text);
        std::string out;
        append_event_json(out, event);
        json.push_back(std::move(out));
    }
};

// read() on `text` with the padding it needs.
bool fast_read(const std::string& text, Collected& got, std::size_t max_events = 100) {
    std::string padded = text + std::string(kParsePaddingBytes, '\0');
    static PlainBatchReader reader;
    return reader.read(std::string_view(padded.data(), text.size()), max_events, kNow, got);
}

const std::string kEvent =
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000,"page":"/p",)"
    R"("session_id":"s1","props":{"a":"x","n":3,"f":1.5,"b":true}})";

TEST(PlainBatchReader, ReadsABatchOfValidEvents) {
    Collected got;
    ASSERT_TRUE(fast_read(" [ " + kEvent + " ,\n" + kEvent + " ] ", got));
    ASSERT_EQ(got.indexes, (std::vector<int>{0, 1}));
    const std::string want =
        R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000,"page":"/p",)"
        R"("session_id":"s1","props":{"a":"x","n":3,"f":1.5,"b":true}})";
    EXPECT_EQ(got.json[0], want);
    EXPECT_EQ(got.json[1], want);
}

// Numbers the fast path reads itself; the DOM path must read them to the same values.
const std::string kNumbers =
    R"({"event_id":"e1","user_id":"u1","type":"a","ts":1700000000000,"props":{"f":3.0,)"
    R"("e":1e2,"g":-2.5E-3,"h":0.1,"i":123456789012345678,"j":-7,"k":0,"l":1e-300,)"
    R"("m":0.30000000000000004,"n":-0.0}})";

TEST(PlainBatchReader, ReadsNumbersItself) {
    Collected got;
    ASSERT_TRUE(fast_read(kNumbers, got));
    EXPECT_EQ(got.json[0],
              R"({"event_id":"e1","user_id":"u1","type":"a","ts":1700000000000,"page":"",)"
              R"("props":{"f":3,"e":100,"g":-0.0025,"h":0.1,"i":123456789012345678,"j":-7,"k":0,)"
              R"("l":1e-300,"m":0.30000000000000004,"n":-0}})");
}

TEST(PlainBatchReader, ReadsASingleObjectAndAnEmptyArray) {
    Collected one;
    ASSERT_TRUE(fast_read(kEvent, one));
    EXPECT_EQ(one.indexes, (std::vector<int>{0}));
    Collected none;
    EXPECT_TRUE(fast_read("[]", none));
    EXPECT_TRUE(none.indexes.empty());
}

// Events written in the canonical layout (json_writer.hpp), as the emulator writes them, are
// handed over as their own text; any other layout is written again from the members, to the
// same canonical JSON.
TEST(PlainBatchReader, HandsOverTheTextOfEventsInTheCanonicalLayout) {
    const std::string canonical =
        R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000,"page":"/p",)"
        R"("session_id":"s1","props":{"a":"x","n":-3,"b":true,"c":false}})";
    const std::string minimal =
        R"({"event_id":"e2","user_id":"u2","type":"click","ts":1700000000001,"page":""})";
    Collected got;
    // Spaces between the events are outside their texts.
    ASSERT_TRUE(fast_read(" [" + canonical + " ,\n" + minimal + "] ", got));
    EXPECT_EQ(got.canonical_text, (std::vector<std::string>{canonical, minimal}));
    EXPECT_EQ(got.json, (std::vector<std::string>{canonical, minimal}));

    // Read, but not in the layout or not its own canonical text: written from the members.
    const std::vector<std::pair<std::string, std::string>> rewritten = {
        {R"({"event_id":"e1", "user_id":"u1","type":"click","ts":1700000000000,"page":"/p"})",
         R"({"event_id":"e1","user_id":"u1","type":"click","ts":1700000000000,"page":"/p"})"},
        {R"({"user_id":"u1","event_id":"e1","type":"click","ts":1700000000000,"page":"/p"})",
         R"({"event_id":"e1","user_id":"u1","type":"click","ts":1700000000000,"page":"/p"})"},
        {R"({"event_id":"e1","user_id":"u1","type":"click","ts":1700000000000})",
         R"({"event_id":"e1","user_id":"u1","type":"click","ts":1700000000000,"page":""})"},
        {R"({"event_id":"e1","user_id":"u1","type":"click","ts":1700000000000,"page":"","props":{}})",
         R"({"event_id":"e1","user_id":"u1","type":"click","ts":1700000000000,"page":""})"},
        {R"({"event_id":"e1","user_id":"u1","type":"click","ts":1700000000000,"page":"","props":{"f":1.50}})",
         R"({"event_id":"e1","user_id":"u1","type":"click","ts":1700000000000,"page":"","props":{"f":1.5}})"},
        {R"({"event_id":"e1","user_id":"u1","type":"click","ts":1700000000000,"page":"","props":{"a": 1}})",
         R"({"event_id":"e1","user_id":"u1","type":"click","ts":1700000000000,"page":"","props":{"a":1}})"},
    };
    for (const auto& [text, want] : rewritten) {
        SCOPED_TRACE(text);
        Collected one;
        ASSERT_TRUE(fast_read(text, one));
        EXPECT_EQ(one.json, (std::vector<std::string>{want}));
        EXPECT_EQ(one.canonical_text, (std::vector<std::string>{""}));
    }
}

// Each of these must go to the DOM path: a reject, or something the fast path does not
// check itself (an unknown field's value, a repeated key, a null, trailing text, ...).
const std::vector<std::string> kDeclined = {
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000,"x":tru})",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000,"x":1})",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000,"ts":1})",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000,"page":null})",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000,"props":{"a":1,"a":2}})",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000,"props":{"a":null}})",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000,"props":{"a":[1]}})",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000,"props":{"a":1.2.3}})",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000,"props":{"a":1e999}})",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000.0})",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":17000000000001})",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":"1700000000000"})",
    R"({"event_id":"e1","user_id":"u1","type":"Page","ts":1700000000000})",
    R"({"event_id":"","user_id":"u1","type":"page_view","ts":1700000000000})",
    R"({"user_id":"u1","type":"page_view","ts":1700000000000})",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000} x)",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000}})",
    R"([{"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000})",
    R"([{"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000},])",
    R"([{"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000}]])",
    R"([{"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000},1])",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000,"page":"a"x})",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000,"page" "a"})",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":1700000000000 "page":"a"})",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":01700000000000})",
    R"({"event_id":"e1","user_id":"u1","type":"page_view","ts":-1})",
    "{\"event_id\":\"e\x01\",\"user_id\":\"u1\",\"type\":\"page_view\",\"ts\":1700000000000}",
    "{\"event_id\":\"e\xff\",\"user_id\":\"u1\",\"type\":\"page_view\",\"ts\":1700000000000}",
    R"("just a string")",
    R"(17)",
    R"()",
    R"(   )",
    R"([)",
    R"({)",
    R"({"event_id":"e1")",
};

TEST(PlainBatchReader, DeclinesWhatItDoesNotCheckItself) {
    for (const auto& text : kDeclined) {
        SCOPED_TRACE(text);
        Collected got;
        EXPECT_FALSE(fast_read(text, got));
    }
}

TEST(PlainBatchReader, DeclinesMoreEventsThanTheLimit) {
    Collected got;
    EXPECT_FALSE(fast_read("[" + kEvent + "," + kEvent + "]", got, 1));
    EXPECT_TRUE(fast_read("[" + kEvent + "]", got, 1));
}

// The parser with the fast path gives exactly the DOM path's answer, whichever path read it.
TEST(PlainBatchReader, MessageParserAnswersAsTheDomPathAlone) {
    MessageParser with_fast_path;
    MessageParser dom_only(MessageParser::ReadPaths::dom_only);
    std::vector<std::string> inputs = kDeclined;
    inputs.push_back(kEvent);
    inputs.push_back("[" + kEvent + "," + kEvent + "]");
    inputs.push_back("[" + kEvent + R"(,{"event_id":"e1"}])");
    inputs.push_back(
        R"({"event_id":"e1","user_id":"u1","type":"a","ts":1700000000000,"props":)"
        R"({"big":18446744073709551615,"neg":-9223372036854775808,"f":3.0,"e":1e2,"z":-0}})");
    inputs.push_back(kNumbers);
    for (const auto& text : inputs) {
        SCOPED_TRACE(text);
        std::string padded = text + std::string(kParsePaddingBytes, '\0');
        const std::string_view view(padded.data(), text.size());
        EventRecords a;
        EventRecords b;
        with_fast_path.parse_records_padded(view, kLimits, kNow, a);
        dom_only.parse_records_padded(view, kLimits, kNow, b);
        EXPECT_EQ(a.data, b.data);
        ASSERT_EQ(a.accepted.size(), b.accepted.size());
        for (std::size_t i = 0; i < a.accepted.size(); ++i) {
            EXPECT_EQ(a.accepted[i].index, b.accepted[i].index);
            EXPECT_EQ(a.key(a.accepted[i]), b.key(b.accepted[i]));
            EXPECT_EQ(a.value(a.accepted[i]), b.value(b.accepted[i]));
        }
        ASSERT_EQ(a.rejected.size(), b.rejected.size());
        for (std::size_t i = 0; i < a.rejected.size(); ++i) {
            EXPECT_EQ(a.rejected[i].index, b.rejected[i].index);
            EXPECT_EQ(a.rejected[i].reason, b.rejected[i].reason);
            EXPECT_EQ(a.rejected[i].raw, b.rejected[i].raw);
        }
    }
}

}  // namespace
}  // namespace pipeline
