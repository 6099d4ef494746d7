#include "backpressure_gate.hpp"

#include "metrics.hpp"

namespace gateway {

BackpressureGate::BackpressureGate(std::size_t high_water, std::size_t low_water,
                                   Metrics& metrics)
    : high_water_(static_cast<std::int64_t>(high_water)),
      low_water_(static_cast<std::int64_t>(low_water)),
      metrics_(metrics) {}

void BackpressureGate::add(std::int64_t records) noexcept {
    const auto now = in_flight_.fetch_add(records, std::memory_order_relaxed) + records;
    metrics_.kafka_inflight_records.store(now, std::memory_order_relaxed);
}

void BackpressureGate::remove(std::int64_t records) noexcept {
    const auto now = in_flight_.fetch_sub(records, std::memory_order_relaxed) - records;
    metrics_.kafka_inflight_records.store(now, std::memory_order_relaxed);
}

bool BackpressureGate::closed_or_closing_locked() {
    if (shut_open_) return false;
    if (!closed_.load(std::memory_order_relaxed)) {
        if (in_flight_.load(std::memory_order_relaxed) < high_water_) return false;
        closed_.store(true, std::memory_order_release);
        metrics_.backpressure_active.store(1, std::memory_order_relaxed);
    }
    metrics_.backpressure_pauses.fetch_add(1, std::memory_order_relaxed);
    return true;
}

bool BackpressureGate::try_pass(Waiter waiter) {
    if (!closed_.load(std::memory_order_acquire) &&
        in_flight_.load(std::memory_order_relaxed) < high_water_) {
        return true;
    }
    std::lock_guard lock(mutex_);
    if (!closed_or_closing_locked()) return true;
    waiters_.push_back(std::move(waiter));
    return false;
}

bool BackpressureGate::admits() {
    if (!closed_.load(std::memory_order_acquire) &&
        in_flight_.load(std::memory_order_relaxed) < high_water_) {
        return true;
    }
    std::lock_guard lock(mutex_);
    return !closed_or_closing_locked();
}

void BackpressureGate::maybe_open() {
    if (!closed_.load(std::memory_order_acquire)) return;
    std::vector<Waiter> wake;
    {
        std::lock_guard lock(mutex_);
        if (in_flight_.load(std::memory_order_relaxed) > low_water_) return;
        closed_.store(false, std::memory_order_release);
        metrics_.backpressure_active.store(0, std::memory_order_relaxed);
        wake.swap(waiters_);
    }
    for (auto& w : wake) w();
}

void BackpressureGate::open_for_good() {
    std::vector<Waiter> wake;
    {
        std::lock_guard lock(mutex_);
        shut_open_ = true;
        closed_.store(false, std::memory_order_release);
        metrics_.backpressure_active.store(0, std::memory_order_relaxed);
        wake.swap(waiters_);
    }
    for (auto& w : wake) w();
}

std::size_t BackpressureGate::waiting() const {
    std::lock_guard lock(mutex_);
    return waiters_.size();
}

}  // namespace gateway
