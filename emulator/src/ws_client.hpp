#pragma once
// The at-least-once WebSocket client to the gateway (contract section 3).
//
// - Messages are pipelined: up to `window` unacknowledged messages are in flight; try_send
//   waits for room (the bound is the back-pressure on the producer). A producer waiting on a
//   full window is woken when an eighth of it is free, not on every ack.
// - Every message stays queued until its ack arrives. Acks are matched by order (the
//   gateway acks in order, N counting from 1 on each connection).
// - On any connection loss it reconnects with capped exponential backoff with jitter and
//   first resends every unacknowledged message, in the original order, byte for byte (so
//   with the same event_ids). Events can thus arrive twice; the pipeline de-duplicates.
// - Accepted and rejected events are counted; rejections are kept (the first 100).
//
// All network work runs on one strand of the io_context given to the constructor; the
// public methods are thread-safe. Beast stays in ws_client.cpp.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "client_stats.hpp"
#include "config.hpp"
#include "latency_histogram.hpp"
#include "out_message.hpp"

namespace boost::asio {
class io_context;
}

namespace pipeline::emulator {

class WsClient {
public:
    WsClient(boost::asio::io_context& ioc, const ClientConfig& config, std::string name);
    ~WsClient();  // stop()s; handlers still queued on the io_context finish there
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    void start();

    // Queues `message` once fewer than `window` messages are unacknowledged, waiting at most
    // `timeout` for room. Returns true (and takes the message) or false (timeout or stopped).
    bool try_send(OutMessage& message, std::chrono::milliseconds timeout);

    // True once every queued message is acknowledged; false after `timeout`.
    bool wait_idle(std::chrono::milliseconds timeout);

    // Stops sending and reconnecting; closes the connection (a WebSocket close if idle).
    void stop();

    ClientStats stats() const;
    std::vector<RejectedEvent> rejections() const;
    LatencyHistogram latency() const;  // send (last write) to ack, per message

private:
    class Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace pipeline::emulator
