#include "message_slots.hpp"

#include <utility>
#include <vector>

namespace gateway {

bool MessageSlots::try_acquire(Waiter waiter) {
    std::lock_guard lock(mutex_);
    if (in_use_ < slots_ || open_for_good_) {
        ++in_use_;
        return true;
    }
    waiters_.push_back(std::move(waiter));
    return false;
}

void MessageSlots::release() {
    Waiter next;
    {
        std::lock_guard lock(mutex_);
        if (waiters_.empty()) {
            --in_use_;
            return;
        }
        // The slot goes straight to the first waiter: in_use_ stays the same.
        next = std::move(waiters_.front());
        waiters_.pop_front();
    }
    next();
}

void MessageSlots::open_for_good() {
    std::deque<Waiter> all;
    {
        std::lock_guard lock(mutex_);
        open_for_good_ = true;
        in_use_ += waiters_.size();
        all.swap(waiters_);
    }
    for (auto& w : all) w();
}

std::size_t MessageSlots::in_use() const {
    std::lock_guard lock(mutex_);
    return in_use_;
}

std::size_t MessageSlots::waiting() const {
    std::lock_guard lock(mutex_);
    return waiters_.size();
}

}  // namespace gateway
