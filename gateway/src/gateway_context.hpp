#pragma once
// What every session needs, owned by the Server and shared by reference.

#include <atomic>

#include "common/message_parser.hpp"
#include "config.hpp"

namespace gateway {

struct Metrics;
class BackpressureGate;
class DeadLetterIds;
class MessageSlots;
class EventSink;
class SessionRegistry;
class CorsPolicy;
class StaticFiles;

struct GatewayContext {
    const Config& config;
    pipeline::Limits limits;
    Metrics& metrics;
    BackpressureGate& gate;
    EventSink& sink;
    SessionRegistry& sessions;
    DeadLetterIds& dead_letter_ids;
    MessageSlots& message_slots;
    const CorsPolicy& cors;
    const StaticFiles& files;
    // Set when shutdown begins: HTTP posts are answered 503 from then on.
    std::atomic<bool> stopping{false};
};

}  // namespace gateway
