#pragma once
// One WebSocket text message as the client keeps it until acknowledged: the JSON text
// (shared, so a write in flight keeps it alive) and the event_ids it carries, in order.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/event.hpp"

namespace pipeline::emulator {

struct OutMessage {
    std::shared_ptr<const std::string> payload;
    // The ids, either as strings (make_message) or, when every message of a kind has them at
    // the same places in its text (the load mode's template), as those places, shared by all
    // such messages: no string per event for ids that are only read when one is rejected.
    std::vector<std::string> event_ids;
    struct IdSpan {
        std::uint32_t offset = 0;
        std::uint32_t length = 0;
    };
    std::shared_ptr<const std::vector<IdSpan>> id_spans;

    std::size_t event_count() const { return id_spans ? id_spans->size() : event_ids.size(); }
    // The i-th event's id (i < event_count()).
    std::string event_id(std::size_t i) const;
};

// A JSON array of the events' canonical objects.
OutMessage make_message(std::span<const Event> events);

}  // namespace pipeline::emulator
