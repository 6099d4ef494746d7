#include "ack_json.hpp"

#include <gtest/gtest.h>

namespace gateway {
namespace {

using pipeline::RejectReason;

TEST(AckJson, AllAccepted) {
    std::string out;
    append_ack_json(out, 1, 3, {});
    EXPECT_EQ(out, R"({"ack":1,"accepted":3,"rejected":[]})");
}

TEST(AckJson, WithRejections) {
    std::string out;
    append_ack_json(out, 42, 1,
                    {{0, RejectReason::missing_user_id}, {2, RejectReason::ts_out_of_range}});
    EXPECT_EQ(out, R"({"ack":42,"accepted":1,"rejected":[{"index":0,"reason":"missing_field:user_id"},)"
                   R"({"index":2,"reason":"ts_out_of_range"}]})");
}

TEST(AckJson, WholeMessageRejection) {
    std::string out;
    append_ack_json(out, 7, 0, {{-1, RejectReason::message_too_large}});
    EXPECT_EQ(out, R"({"ack":7,"accepted":0,"rejected":[{"index":-1,"reason":"message_too_large"}]})");
}

TEST(IngestJson, AnswersAndErrors) {
    std::string out;
    append_ingest_result_json(out, 2, {{1, RejectReason::invalid_type}});
    EXPECT_EQ(out, R"({"accepted":2,"rejected":[{"index":1,"reason":"invalid_field:type"}]})");
    out.clear();
    append_ingest_result_json(out, 0, {{-1, RejectReason::invalid_json}}, "invalid_json");
    EXPECT_EQ(out, R"({"error":"invalid_json","accepted":0,"rejected":[{"index":-1,"reason":"invalid_json"}]})");
    out.clear();
    append_error_json(out, "unauthorized");
    EXPECT_EQ(out, R"({"error":"unauthorized"})");
}

TEST(DeadLetterJson, EscapesThePayload) {
    std::string out;
    append_dead_letter_json(out, 1700000000123, "invalid_json", "{\"a\":\n", "gateway-1-2");
    EXPECT_EQ(out, R"({"received_at_ms":1700000000123,"reason":"invalid_json",)"
                   R"("payload":"{\"a\":\n","source":"gateway","id":"gateway-1-2"})");
}

TEST(DeadLetterIds, UniqueWithinAndAcrossInstances) {
    DeadLetterIds a, b;
    const std::string a1 = a.next(), a2 = a.next(), b1 = b.next();
    EXPECT_NE(a1, a2);
    EXPECT_NE(a1, b1);
    EXPECT_EQ(a1.substr(0, a1.rfind('-')), a2.substr(0, a2.rfind('-')));
}

}  // namespace
}  // namespace gateway
