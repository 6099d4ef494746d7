#pragma once
// An io_context with its own thread(s), kept alive until stop(). The clients' network work
// runs there while the mode's producer loop runs on the main thread. It also turns
// SIGINT/SIGTERM into a stop request (a second signal exits at once).

#include <atomic>
#include <chrono>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace pipeline::emulator {

class IoRunner {
public:
    explicit IoRunner(int threads = 1, bool handle_signals = false);
    ~IoRunner();  // stop()
    IoRunner(const IoRunner&) = delete;
    IoRunner& operator=(const IoRunner&) = delete;

    boost::asio::io_context& context();

    bool stop_requested() const;
    // Sleeps until the deadline or a stop request; true if stopped.
    bool wait_for_stop(std::chrono::milliseconds timeout) const;
    void request_stop();

    // Lets queued work finish (bounded by `grace`), then stops the io_context and joins.
    void stop(std::chrono::milliseconds grace = std::chrono::seconds(3));

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pipeline::emulator
