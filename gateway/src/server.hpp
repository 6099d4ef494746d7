#pragma once
// Owns everything the gateway runs: metrics, backpressure gate, Kafka producer, the io
// threads and the listener. run() blocks until SIGTERM/SIGINT and shuts down in order.

#include <memory>

#include "config.hpp"

namespace gateway {

// run()'s exit code when the Kafka producer hit a fatal error (KafkaProducer::FatalHandler).
inline constexpr int kExitKafkaFatal = 3;

class Server {
public:
    // Creates the producer and binds the port; throws at start-up when either fails.
    explicit Server(Config config);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Serves until SIGTERM or SIGINT, then: stop accepting, stop reading, flush Kafka
    // (at most GATEWAY_SHUTDOWN_TIMEOUT_MS), send the acks of what was delivered, close
    // every WebSocket with 1001. Returns the process exit code: 0, or kExitKafkaFatal after
    // the same shutdown when the producer hit a fatal error.
    int run();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace gateway
