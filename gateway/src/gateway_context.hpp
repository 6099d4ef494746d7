#pragma once
// What every session needs, owned by the Server and shared by reference.

#include "common/message_parser.hpp"
#include "config.hpp"

namespace gateway {

struct Metrics;
class BackpressureGate;
class EventSink;
class SessionRegistry;

struct GatewayContext {
    const Config& config;
    pipeline::Limits limits;
    Metrics& metrics;
    BackpressureGate& gate;
    EventSink& sink;
    SessionRegistry& sessions;
};

}  // namespace gateway
