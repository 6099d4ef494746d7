#pragma once
// Test-only clients for the gateway: a small WebSocket client and a one-shot HTTP GET,
// both on their own io_context with every wait bounded by a timeout (no timed assertions of speed).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http_result.hpp"

namespace test_support {

// GET http://127.0.0.1:port<target>; nullopt when the connection failed or timed out.
std::optional<HttpResult> http_get(std::uint16_t port, std::string_view target,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(10));

class WsTestClient {
public:
    WsTestClient();
    ~WsTestClient();

    // Returns 101 when the upgrade succeeded, the HTTP status when it was declined,
    // or -1 when the connection failed.
    int connect(std::uint16_t port, std::string_view target = "/ws/events",
                const std::map<std::string, std::string>& headers = {});

    bool send_text(std::string_view text, std::chrono::milliseconds timeout = std::chrono::seconds(30));
    bool send_binary(std::string_view data, std::chrono::milliseconds timeout = std::chrono::seconds(30));

    // The next message, or nullopt on timeout (the read stays pending for the next call)
    // or when the connection closed (closed() is then true).
    std::optional<std::string> read(std::chrono::milliseconds timeout);

    bool closed() const;
    // The close code the server sent (0 when none).
    int close_code() const;
    void close();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace test_support
