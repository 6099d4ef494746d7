#pragma once
// What the at-least-once client counts (a snapshot; counters only grow).

#include <cstdint>
#include <string>

namespace pipeline::emulator {

struct ClientStats {
    std::uint64_t messages_sent = 0;     // written at least once
    std::uint64_t events_sent = 0;
    std::uint64_t messages_resent = 0;   // written again after a reconnect
    std::uint64_t events_resent = 0;
    std::uint64_t messages_acked = 0;
    std::uint64_t events_accepted = 0;
    std::uint64_t events_rejected = 0;
    std::uint64_t connects = 0;          // successful WebSocket handshakes
    std::uint64_t disconnects = 0;       // connections lost (not counting our own close)
    std::uint64_t protocol_errors = 0;   // unparseable or out-of-order acks
    std::uint64_t room_wakeups = 0;      // times producers waiting on a full window were woken
    std::uint64_t unacked_messages = 0;  // queued or in flight now
    std::uint64_t unacked_events = 0;
    bool connected = false;
};

// One event the gateway rejected (index -1: the whole message).
struct RejectedEvent {
    std::string event_id;
    std::int64_t index = 0;
    std::string reason;
};

}  // namespace pipeline::emulator
