#pragma once
// What every session needs, owned by the Server and shared by reference.

#include "common/message_parser.hpp"
#include "config.hpp"

namespace gateway {

struct Metrics;
class BackpressureGate;
class DeadLetterIds;
class MessageSlots;
class EventSink;
class SessionRegistry;

struct GatewayContext {
    const Config& config;
    pipeline::Limits limits;
    Metrics& metrics;
    BackpressureGate& gate;
    EventSink& sink;
    SessionRegistry& sessions;
    DeadLetterIds& dead_letter_ids;
    MessageSlots& message_slots;
};

}  // namespace gateway
