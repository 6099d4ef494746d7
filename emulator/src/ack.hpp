#pragma once
// The gateway's acknowledgement frame (contract section 3):
//   {"ack":N,"accepted":A,"rejected":[{"index":I,"reason":"..."}]}
// index -1 means the whole message was rejected (not JSON at all).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pipeline::emulator {

struct AckRejection {
    std::int64_t index = 0;
    std::string reason;
};

struct Ack {
    std::uint64_t ack = 0;
    std::uint64_t accepted = 0;
    std::vector<AckRejection> rejected;
};

// nullopt and `error` set when the frame is not a valid ack. Unknown fields are ignored.
std::optional<Ack> parse_ack(std::string_view text, std::string& error);

}  // namespace pipeline::emulator
