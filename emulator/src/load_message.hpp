#pragma once
// The load mode's messages, made for next to nothing: a load generator shares the machine
// with what it measures, so every microsecond it spends per message is taken from the
// gateway. One batch of varied events is serialized once per connection (a template); each
// message is a copy of it with the fixed-width fields written in place: a fresh random
// event_id (36 characters) and the 5 digits of the user id in every event, and `ts` (13
// digits) = the send time. So every message holds valid events with ids of their own, of
// the size asked for, keyed over as many users as before (20 000 per connection).
//
// The copies live in buffers that come back to the maker once the client lets go of a
// message (after its ack): a fresh 10 KB allocation per message cost more than the rest of
// the message (page faults as glibc trimmed and regrew the heap of a producer thread).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "out_message.hpp"
#include "rng.hpp"

namespace pipeline::emulator {

class LoadMessageMaker {
public:
    // `batch` events of about `event_bytes` bytes each (the canonical JSON), for connection
    // `connection` (user ids "load-<connection>-<5 digits>").
    LoadMessageMaker(Rng& rng, std::size_t connection, std::size_t batch, std::size_t event_bytes);

    // The next message; `now_ms` must have 13 digits (years 2001-2286).
    OutMessage make(Rng& rng, std::int64_t now_ms);

private:
    // Where each event's variable bytes are in the template.
    struct Slots {
        std::size_t event_id;     // 36 characters
        std::size_t user_digits;  // 5 digits
        std::size_t ts;           // 13 digits
    };

    // Message buffers no message holds any more; shared with the payloads' deleters, which
    // run on the client's io thread.
    struct BufferPool {
        std::mutex mutex;
        std::vector<std::unique_ptr<std::string>> free;
    };

    std::string template_;
    std::vector<Slots> slots_;
    std::shared_ptr<const std::vector<OutMessage::IdSpan>> id_spans_;
    std::shared_ptr<BufferPool> pool_ = std::make_shared<BufferPool>();
};

}  // namespace pipeline::emulator
