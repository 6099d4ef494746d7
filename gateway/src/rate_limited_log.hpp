#pragma once
// A warning that is logged at most once per interval, with the count of the ones skipped.
// For paths that can fail per event or per message (delivery errors, bad clients).

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace gateway {

class RateLimitedLog {
public:
    explicit RateLimitedLog(std::chrono::steady_clock::duration interval) : interval_(interval) {}

    template <typename... Args>
    void warn(spdlog::format_string_t<Args...> format, Args&&... args) {
        const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
        auto last = last_.load(std::memory_order_relaxed);
        if (last != 0 && now - last < interval_.count()) {
            skipped_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        if (!last_.compare_exchange_strong(last, now, std::memory_order_relaxed)) {
            skipped_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        const auto skipped = skipped_.exchange(0, std::memory_order_relaxed);
        const auto text = fmt::format(format, std::forward<Args>(args)...);
        if (skipped > 0) {
            spdlog::warn("{} (and {} more like it suppressed)", text, skipped);
        } else {
            spdlog::warn("{}", text);
        }
    }

private:
    const std::chrono::steady_clock::duration interval_;
    std::atomic<std::int64_t> last_{0};
    std::atomic<std::uint64_t> skipped_{0};
};

}  // namespace gateway
