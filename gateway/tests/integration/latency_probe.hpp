#pragma once
// A well-behaved client running beside the abuse: on its own thread and connection it sends
// one valid event at a time, waits for the ack and records how long it took. The abuse tests
// assert generous bounds on its figures (the machine is shared and the build is ASan).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace gateway::test {

struct LatencySummary {
    std::size_t acks = 0;
    std::size_t failures = 0;  // a missing ack, a wrong ack or a lost connection
    double p50_ms = 0;
    double p99_ms = 0;
    double max_ms = 0;
    std::string describe() const;
};

class LatencyProbe {
public:
    // Starts sending to the gateway on `port` at once, one event every `pause`.
    explicit LatencyProbe(std::uint16_t port,
                          std::chrono::milliseconds pause = std::chrono::milliseconds(20));
    ~LatencyProbe();
    // Stops the thread and summarizes every ack since the start.
    LatencySummary stop();

private:
    void run();

    std::uint16_t port_;
    std::chrono::milliseconds pause_;
    std::atomic<bool> stopping_{false};
    std::vector<double> latencies_ms_;
    std::size_t failures_ = 0;
    std::thread thread_;
};

// The value of one un-labelled series in GET /metrics, or -1 when absent/unreachable.
double metric_value(std::uint16_t port, const std::string& name);

}  // namespace gateway::test
