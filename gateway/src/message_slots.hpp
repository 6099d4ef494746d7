#pragma once
// The memory of the messages the connections read and produce, bounded all together: a quarter
// of GATEWAY_MAX_MEMORY_BYTES, cut into slots that each hold the largest message
// (GATEWAY_MAX_MESSAGE_BYTES) and the records written from it.
//
// A connection reads the start of each message (at most kSlotlessReadBytes) without a slot;
// a message that is not complete by then needs one before the connection reads on. A slot is
// held while its message is read, parsed and handed to the producer, and given back with the
// buffers it grew. A connection that finds no slot stops reading (TCP pushes back on its
// client) and gets the next slot given back, in order of asking. A slot holder never waits
// for another slot, so every slot comes back and nobody waits for ever.

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace gateway {

class MessageSlots {
public:
    using Waiter = std::function<void()>;

    // What a connection reads of a message before it needs a slot.
    static constexpr std::size_t kSlotlessReadBytes = 4096;

    // The bytes one slot stands for: the message buffer (plus the parser's padding) and its
    // records (the canonical JSON of an event is at most about twice its text).
    static std::size_t slot_bytes(std::size_t max_message_bytes) {
        return 3 * (max_message_bytes + 64);
    }

    explicit MessageSlots(std::size_t slots) : slots_(slots) {}

    // True: the caller has a slot. False: `waiter` is called (on the thread that gives a slot
    // back) once a slot has been handed to the caller.
    bool try_acquire(Waiter waiter);
    // Gives a slot back: to the first waiter if there is one.
    void release();
    // Hands a slot to every waiter, over the limit (shutdown: nobody may wait for ever).
    void open_for_good();

    std::size_t slots() const noexcept { return slots_; }
    std::size_t in_use() const;
    std::size_t waiting() const;

private:
    const std::size_t slots_;
    mutable std::mutex mutex_;
    std::size_t in_use_ = 0;
    bool open_for_good_ = false;
    std::deque<Waiter> waiters_;
};

}  // namespace gateway
