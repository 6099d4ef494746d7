#pragma once
// The open WebSocket sessions, so that shutdown can reach each of them. Sessions add
// themselves once the handshake is done and remove themselves in their destructor.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace gateway {

// What shutdown needs from a session; each call posts to the session's own strand.
class ShutdownTarget {
public:
    virtual ~ShutdownTarget() = default;
    // Stop reading new messages; finish the one being read.
    virtual void stop_reading() = 0;
    // Send the acks that are ready, then close with 1001 (going away).
    virtual void close_going_away() = 0;
};

class SessionRegistry {
public:
    std::uint64_t add(std::weak_ptr<ShutdownTarget> session);
    void remove(std::uint64_t id);
    void for_each(const std::function<void(ShutdownTarget&)>& fn);
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, std::weak_ptr<ShutdownTarget>> sessions_;
};

}  // namespace gateway
