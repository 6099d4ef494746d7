#include "io_runner.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace pipeline::emulator {

namespace net = boost::asio;

class IoRunner::Impl {
public:
    Impl(int threads, bool handle_signals)
        : work_(net::make_work_guard(ioc_)) {
        if (handle_signals) {
            signals_.emplace(ioc_, SIGINT, SIGTERM);
            do_wait_signal();
        }
        for (int i = 0; i < threads; ++i) {
            threads_.emplace_back([this] {
                ioc_.run();
                std::lock_guard lock(mutex_);
                ++finished_;
                done_.notify_all();
            });
        }
    }

    void do_wait_signal() {
        signals_->async_wait([this](const boost::system::error_code& ec, int signal) {
            if (ec) return;  // cancelled at shutdown
            on_signal(signal);
        });
    }

    void on_signal(int signal) {
        if (stop_requested()) {
            spdlog::warn("second signal {}: exiting now", signal);
            std::_Exit(128 + signal);
        }
        spdlog::info("signal {}: stopping (waiting for outstanding acks; again to exit now)",
                     signal);
        request_stop();
        do_wait_signal();
    }

    void request_stop() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        stop_cv_.notify_all();
    }

    bool stop_requested() const {
        std::lock_guard lock(mutex_);
        return stop_;
    }

    bool wait_for_stop(std::chrono::milliseconds timeout) const {
        std::unique_lock lock(mutex_);
        return stop_cv_.wait_for(lock, timeout, [&] { return stop_; });
    }

    void stop(std::chrono::milliseconds grace) {
        if (threads_.empty()) return;
        if (signals_) {
            net::post(ioc_, [this] {
                boost::system::error_code ignored;
                signals_->cancel(ignored);
            });
        }
        work_.reset();
        {
            std::unique_lock lock(mutex_);
            done_.wait_for(lock, grace, [&] { return finished_ == threads_.size(); });
        }
        ioc_.stop();
        for (auto& t : threads_) t.join();
        threads_.clear();
    }

    net::io_context ioc_;

private:
    net::executor_work_guard<net::io_context::executor_type> work_;
    std::optional<net::signal_set> signals_;
    std::vector<std::thread> threads_;
    mutable std::mutex mutex_;
    mutable std::condition_variable stop_cv_;
    std::condition_variable done_;
    std::size_t finished_ = 0;
    bool stop_ = false;
};

IoRunner::IoRunner(int threads, bool handle_signals)
    : impl_(std::make_unique<Impl>(threads, handle_signals)) {}

IoRunner::~IoRunner() { impl_->stop(std::chrono::seconds(3)); }

net::io_context& IoRunner::context() { return impl_->ioc_; }

bool IoRunner::stop_requested() const { return impl_->stop_requested(); }

bool IoRunner::wait_for_stop(std::chrono::milliseconds timeout) const {
    return impl_->wait_for_stop(timeout);
}

void IoRunner::request_stop() { impl_->request_stop(); }

void IoRunner::stop(std::chrono::milliseconds grace) { impl_->stop(grace); }

}  // namespace pipeline::emulator
