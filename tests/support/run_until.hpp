#pragma once
// Runs an io_context until a condition holds or a timeout passes: how the test clients wait
// for their asynchronous operations without a thread of their own.

#include <boost/asio/io_context.hpp>

#include <chrono>

namespace test_support {

template <typename Done>
bool run_until(boost::asio::io_context& ioc, Done done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    ioc.restart();
    while (!done()) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) return false;
        ioc.run_one_for(deadline - now);
        if (ioc.stopped()) ioc.restart();
    }
    return true;
}

}  // namespace test_support
