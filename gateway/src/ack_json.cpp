#include "ack_json.hpp"

#include <fmt/format.h>

#include <iterator>
#include <random>

#include "common/json_writer.hpp"

namespace gateway {

namespace {
// "accepted":A,"rejected":[...]}
void append_outcome(std::string& out, std::size_t accepted,
                    const std::vector<AckRejection>& rejected) {
    fmt::format_to(std::back_inserter(out), R"("accepted":{},"rejected":[)", accepted);
    bool first = true;
    for (const auto& r : rejected) {
        if (!first) out.push_back(',');
        first = false;
        fmt::format_to(std::back_inserter(out), R"({{"index":{},"reason":)", r.index);
        pipeline::append_json_string(out, pipeline::to_string(r.reason));
        out.push_back('}');
    }
    out += "]}";
}
}  // namespace

void append_ack_json(std::string& out, std::uint64_t n, std::size_t accepted,
                     const std::vector<AckRejection>& rejected) {
    fmt::format_to(std::back_inserter(out), R"({{"ack":{},)", n);
    append_outcome(out, accepted, rejected);
}

void append_ingest_result_json(std::string& out, std::size_t accepted,
                               const std::vector<AckRejection>& rejected, std::string_view error) {
    out.push_back('{');
    if (!error.empty()) {
        out += R"("error":)";
        pipeline::append_json_string(out, error);
        out.push_back(',');
    }
    append_outcome(out, accepted, rejected);
}

void append_error_json(std::string& out, std::string_view reason) {
    out += R"({"error":)";
    pipeline::append_json_string(out, reason);
    out.push_back('}');
}

void append_dead_letter_json(std::string& out, std::int64_t received_at_ms,
                             std::string_view reason, std::string_view payload,
                             std::string_view id) {
    fmt::format_to(std::back_inserter(out), R"({{"received_at_ms":{},"reason":)",
                   received_at_ms);
    pipeline::append_json_string(out, reason);
    out += R"(,"payload":)";
    pipeline::append_json_string(out, payload);
    out += R"(,"source":"gateway","id":)";
    pipeline::append_json_string(out, id);
    out.push_back('}');
}

DeadLetterIds::DeadLetterIds() {
    std::random_device random;
    const std::uint64_t instance = (std::uint64_t{random()} << 32) ^ random();
    prefix_ = fmt::format("gateway-{:016x}-", instance);
}

std::string DeadLetterIds::next() {
    return prefix_ + std::to_string(next_.fetch_add(1, std::memory_order_relaxed));
}

}  // namespace gateway
