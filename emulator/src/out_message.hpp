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
    std::vector<std::string> event_ids;
};

// A JSON array of the events' canonical objects.
OutMessage make_message(std::span<const Event> events);

}  // namespace pipeline::emulator
