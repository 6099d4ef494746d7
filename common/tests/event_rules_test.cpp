// The shared test vectors (common/event-rules/test-vectors.jsonl, which the Flink job's
// EventParserTest runs too) through both of the gateway's read paths, and the C++ forms of the
// rules held to their one definition (event_rules.hpp).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "common/json_writer.hpp"
#include "common/message_parser.hpp"
#include "event_fields.hpp"

namespace pipeline {
namespace {

struct Vector {
    std::string name;
    std::string event;
    std::string expect;  // "accept" or the reject reason
    std::string only;    // "" (both parsers) or "gateway"
};

// "{{N*S}}" in a vector's text stands for S repeated N times (S holds no '}').
std::string expand(const std::string& text) {
    static const std::regex repeat(R"(\{\{(\d+)\*([^}]*)\}\})");
    std::string out;
    auto begin = std::sregex_iterator(text.begin(), text.end(), repeat);
    std::size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
        const auto& m = *it;
        out.append(text, last, static_cast<std::size_t>(m.position()) - last);
        for (int i = std::stoi(m[1].str()); i > 0; --i) out += m[2].str();
        last = static_cast<std::size_t>(m.position() + m.length());
    }
    out.append(text, last);
    return out;
}

std::vector<Vector> load_vectors() {
    std::ifstream in(EVENT_RULES_VECTORS);
    std::vector<Vector> out;
    simdjson::dom::parser parser;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const simdjson::dom::element v = parser.parse(line);
        Vector vec;
        vec.name = std::string(std::string_view(v["name"]));
        vec.event = expand(std::string(std::string_view(v["event"])));
        vec.expect = std::string(std::string_view(v["expect"]));
        std::string_view only;
        if (v["only"].get(only) == simdjson::SUCCESS) vec.only = std::string(only);
        out.push_back(std::move(vec));
    }
    return out;
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string verdict(const ParsedMessage& r) {
    if (r.accepted.size() == 1 && r.rejected.empty()) return "accept";
    if (r.accepted.empty() && r.rejected.size() == 1) return std::string(to_string(r.rejected[0].reason));
    return "accepted " + std::to_string(r.accepted.size()) + ", rejected " + std::to_string(r.rejected.size());
}

TEST(EventRules, SharedVectorsOnBothReadPaths) {
    const auto vectors = load_vectors();
    ASSERT_GT(vectors.size(), 50u) << "vectors not found at " << EVENT_RULES_VECTORS;
    MessageParser fast_then_dom(MessageParser::ReadPaths::plain_then_dom);
    MessageParser dom_only(MessageParser::ReadPaths::dom_only);
    for (const auto& v : vectors) {
        EXPECT_EQ(verdict(fast_then_dom.parse(v.event, Limits{}, now_ms())), v.expect) << v.name;
        EXPECT_EQ(verdict(dom_only.parse(v.event, Limits{}, now_ms())), v.expect) << v.name;
    }
}

TEST(EventRules, TypeCheckMatchesThePattern) {
    const std::regex pattern{std::string(rules::kTypePattern)};
    std::vector<std::string> names = {"", "a", "page_view", "Page", "_a", "1a", "a-b", "a b",
                                      "a\xc3\xa9", "z9_", std::string(64, 'a'),
                                      std::string(65, 'a'), "a" + std::string(63, '_')};
    // Every one- and two-character name over all bytes.
    for (int c = 0; c < 256; ++c) {
        names.emplace_back(1, static_cast<char>(c));
        names.push_back(std::string("a") + static_cast<char>(c));
    }
    for (const auto& name : names) {
        EXPECT_EQ(event_fields::valid_type_name(name), std::regex_match(name, pattern)) << name;
    }
    EXPECT_TRUE(std::regex_match(std::string(rules::kTypeMaxBytes, 'a'), pattern));
    EXPECT_FALSE(std::regex_match(std::string(rules::kTypeMaxBytes + 1, 'a'), pattern));
}

// Every byte a control character: each is written as a six-byte escape, the worst case.
std::string worst(std::size_t n) { return std::string(n, '\x01'); }

TEST(EventRules, TheLargestValidEventFitsItsRecordAndKafka) {
    Event e;
    e.event_id = worst(rules::kEventIdMaxBytes);
    e.user_id = worst(rules::kUserIdMaxBytes);
    e.type = "a" + std::string(rules::kTypeMaxBytes - 1, 'b');
    e.ts_ms = std::numeric_limits<std::int64_t>::max();
    e.page = worst(rules::kPageMaxBytes);
    e.session_id = worst(rules::kSessionIdMaxBytes);
    for (std::size_t i = 0; i < rules::kPropsMaxCount; ++i) {
        std::string key = worst(rules::kPropsKeyMaxBytes);
        key[0] = static_cast<char>('A' + i % 26);
        key[1] = static_cast<char>('A' + i / 26);
        e.props.emplace_back(key, worst(rules::kPropsStringMaxBytes));
    }
    std::string record;
    append_event_json(record, e, std::numeric_limits<std::int64_t>::max());
    EXPECT_LE(record.size(), rules::kEventMaxRecordBytes);
    // The record and its key (user_id) in one Kafka message, with room for its framing.
    EXPECT_LE(record.size() + rules::kUserIdMaxBytes + 1024, rules::kKafkaMaxMessageBytes);
    EXPECT_LE(rules::kKafkaMaxMessageBytes, rules::kKafkaTopicMaxMessageBytes);
}

TEST(EventRules, AnEventOverTheRecordLimitIsRejectedWithItsText) {
    const std::string one =
        R"({"event_id":"big","user_id":"u","type":"click","ts":1700000000000,"page":")" +
        std::string(2000, 'p') + R"("})";
    Limits limits;
    limits.max_event_record_bytes = 1000;
    for (const auto paths : {MessageParser::ReadPaths::plain_then_dom, MessageParser::ReadPaths::dom_only}) {
        MessageParser parser(paths);
        const auto single = parser.parse(one, limits, now_ms());
        ASSERT_EQ(verdict(single), "event_too_large");
        EXPECT_EQ(single.rejected[0].raw, truncate_raw(one));
        const std::string small = R"({"event_id":"s","user_id":"u","type":"click","ts":1700000000000})";
        const auto batch = parser.parse("[" + small + "," + one + "," + small + "]", limits, now_ms());
        ASSERT_EQ(batch.accepted.size(), 2u);
        ASSERT_EQ(batch.rejected.size(), 1u);
        EXPECT_EQ(batch.rejected[0].index, 1);
        EXPECT_EQ(batch.rejected[0].reason, RejectReason::event_too_large);
        EXPECT_EQ(batch.rejected[0].raw, truncate_raw(one));
        // The records written for Kafka agree, and hold only the accepted events.
        std::string padded = "[" + small + "," + one + "," + small + "]";
        const std::size_t size = padded.size();
        padded.append(kParsePaddingBytes, '\0');
        EventRecords records;
        parser.parse_records_padded(std::string_view(padded.data(), size), limits, now_ms(), records);
        ASSERT_EQ(records.accepted.size(), 2u);
        ASSERT_EQ(records.rejected.size(), 1u);
        EXPECT_EQ(records.rejected[0].reason, RejectReason::event_too_large);
        EXPECT_EQ(records.data.find("big"), std::string::npos);
    }
}

}  // namespace
}  // namespace pipeline
