#include "session_registry.hpp"

#include <vector>

namespace gateway {

std::uint64_t SessionRegistry::add(std::weak_ptr<ShutdownTarget> session) {
    std::lock_guard lock(mutex_);
    const auto id = next_id_++;
    sessions_.emplace(id, std::move(session));
    return id;
}

void SessionRegistry::remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
}

void SessionRegistry::for_each(const std::function<void(ShutdownTarget&)>& fn) {
    std::vector<std::shared_ptr<ShutdownTarget>> alive;
    {
        std::lock_guard lock(mutex_);
        alive.reserve(sessions_.size());
        for (const auto& [id, weak] : sessions_) {
            if (auto s = weak.lock()) alive.push_back(std::move(s));
        }
    }
    for (const auto& s : alive) fn(*s);
}

std::size_t SessionRegistry::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

}  // namespace gateway
