#pragma once
// The JSON documents the gateway writes itself: the per-message acknowledgement sent to a
// WebSocket client, the answers to HTTP posts, and the dead-letter record sent to Kafka.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/message_parser.hpp"

namespace gateway {

struct AckRejection {
    int index = -1;
    pipeline::RejectReason reason = pipeline::RejectReason::invalid_json;
};

// {"ack":N,"accepted":A,"rejected":[{"index":I,"reason":"..."}]}
void append_ack_json(std::string& out, std::uint64_t n, std::size_t accepted,
                     const std::vector<AckRejection>& rejected);

// The answer to an HTTP POST /v1/events: {"accepted":A,"rejected":[{"index":I,"reason":"..."}]}.
// With `error` (a whole-body rejection answered 400) it starts with "error":"<reason>",.
void append_ingest_result_json(std::string& out, std::size_t accepted,
                               const std::vector<AckRejection>& rejected,
                               std::string_view error = {});

// {"error":"<reason>"}: an HTTP request refused before its body was read.
void append_error_json(std::string& out, std::string_view reason);

// {"received_at_ms":..,"reason":"..","payload":"<raw text>","source":"gateway","id":".."}
void append_dead_letter_json(std::string& out, std::int64_t received_at_ms,
                             std::string_view reason, std::string_view payload,
                             std::string_view id);

// A dead letter's id, unique across gateway processes: a random instance id drawn at start
// and a count. ClickHouse keeps one row per id (dead_letters), so a record its Kafka engine
// reads twice (after a crash) counts once, and two rejects of the same text count twice.
class DeadLetterIds {
public:
    DeadLetterIds();
    std::string next();  // thread safe

private:
    std::string prefix_;
    std::atomic<std::uint64_t> next_{1};
};

}  // namespace gateway
