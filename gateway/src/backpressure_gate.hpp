#pragma once
// Backpressure between the sockets and Kafka. Every record handed to the producer is
// counted until its delivery report; when the count reaches the high-water mark the gate
// closes, and connections that want to read register a waiter instead of reading. The
// Kafka poll thread calls maybe_open() after each poll: once the count is at or below the
// low-water mark the gate opens and every waiter is called (each one posts to its own
// connection's strand). Nothing is buffered here: a waiting connection simply does not
// read, so TCP flow control pushes back on the client.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace gateway {

struct Metrics;

class BackpressureGate {
public:
    using Waiter = std::function<void()>;

    BackpressureGate(std::size_t high_water, std::size_t low_water, Metrics& metrics);

    // One record handed to / done by the producer.
    void add(std::int64_t records = 1) noexcept;
    void remove(std::int64_t records = 1) noexcept;
    std::int64_t in_flight() const noexcept { return in_flight_.load(std::memory_order_relaxed); }

    // True: go on reading. False: the gate is closed and `waiter` will be called (from the
    // thread that opens the gate) when it opens again.
    bool try_pass(Waiter waiter);

    // The same check without a waiter (an HTTP post is told to come back instead of being
    // held): true to go on; false when the gate is, or now becomes, closed.
    bool admits();

    // Opens the gate when the count is at or below the low-water mark. Called periodically
    // (the Kafka poll thread), so a closed gate never stays closed once the queue drained.
    void maybe_open();

    // Calls every waiter and lets everyone through from now on (shutdown).
    void open_for_good();

    bool closed() const noexcept { return closed_.load(std::memory_order_relaxed); }
    std::size_t waiting() const;

private:
    // With mutex_ held: false when the caller may pass; else closes the gate at the high-water
    // mark (if it was open) and counts the pause.
    bool closed_or_closing_locked();

    const std::int64_t high_water_;
    const std::int64_t low_water_;
    Metrics& metrics_;
    std::atomic<std::int64_t> in_flight_{0};
    std::atomic<bool> closed_{false};
    bool shut_open_ = false;
    mutable std::mutex mutex_;
    std::vector<Waiter> waiters_;
};

}  // namespace gateway
