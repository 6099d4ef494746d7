#pragma once
// A plain synchronous WebSocket client for tests that send hand-made messages to the gateway
// (Boost.Beast stays in the .cpp).

#include <memory>
#include <string>

namespace test_support {

class WsClient {
  public:
    // url: ws://host:port/path
    explicit WsClient(const std::string& url);
    ~WsClient();
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    // Sends one text message and returns the next text frame (its ack).
    std::string send_and_read(const std::string& text);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace test_support
