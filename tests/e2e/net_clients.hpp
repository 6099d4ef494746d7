#pragma once
// The two network clients the end-to-end test needs, with Beast kept out of this header:
// ClickHouse over HTTP, and a plain synchronous WebSocket client for hand-made messages.

#include <memory>
#include <string>

namespace e2e {

struct ClickHouseConfig {
    std::string host = "127.0.0.1";
    std::string port = "8123";
    std::string user = "admin";
    std::string password = "admin123";
};

// Runs one statement; returns the body. Throws std::runtime_error with ClickHouse's message.
std::string clickhouse_query(const ClickHouseConfig& cfg, const std::string& sql);

class WsClient {
public:
    // url: ws://host:port/path
    explicit WsClient(const std::string& url);
    ~WsClient();
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    // Sends one text message and returns the next text frame (the ack).
    std::string send_and_read(const std::string& text);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace e2e
