#pragma once
// A WebSocket client on a bare POSIX socket, for tests and benchmarks that must misbehave
// in ways a real WebSocket library will not: trickle the upgrade request a byte at a time,
// send a frame header announcing terabytes, pipeline a frame behind an unanswered upgrade,
// never read, never answer pings, or hold thousands of idle connections cheaply (one fd
// each, no io_context). Every wait is bounded by a timeout.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace test_support {

class RawWsClient {
public:
    enum Opcode : std::uint8_t { cont = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA };
    struct Frame {
        std::uint8_t opcode = 0;
        bool fin = true;
        std::string payload;
        // For a close frame: the status code (0 when the frame had none).
        int close_code() const;
    };

    RawWsClient() = default;
    ~RawWsClient();
    RawWsClient(RawWsClient&& other) noexcept;
    RawWsClient& operator=(RawWsClient&& other) noexcept;
    RawWsClient(const RawWsClient&) = delete;
    RawWsClient& operator=(const RawWsClient&) = delete;

    // TCP connect to 127.0.0.1:port. receive_buffer > 0 sets SO_RCVBUF first (a small one
    // makes a client that never reads fill up quickly).
    bool connect(std::uint16_t port, int receive_buffer = 0);

    // The upgrade request for `target` with extra headers.
    static std::string upgrade_request(std::uint16_t port, std::string_view target = "/ws/events",
                                       const std::map<std::string, std::string>& headers = {});
    // A masked client frame. `claimed_length` (when set) replaces the real payload length in
    // the header: the bytes after it are whatever `payload` holds.
    static std::string frame(std::uint8_t opcode, std::string_view payload, bool fin = true,
                             std::optional<std::uint64_t> claimed_length = std::nullopt);

    // Sends everything (blocking, bounded by `timeout`). False on error or timeout.
    bool send_all(std::string_view data, std::chrono::milliseconds timeout = std::chrono::seconds(30));
    // Sends what the socket takes without blocking; the number of bytes sent (0 when full,
    // -1 on error).
    long send_some(std::string_view data);

    // Sends the upgrade request and reads the response head. Returns its status code, or -1.
    int handshake(std::uint16_t port, std::string_view target = "/ws/events",
                  const std::map<std::string, std::string>& headers = {},
                  std::chrono::milliseconds timeout = std::chrono::seconds(30));
    // Reads an HTTP response head already requested; its status code, or -1.
    int read_response_status(std::chrono::milliseconds timeout);

    bool send_text(std::string_view text) { return send_all(frame(Opcode::text, text)); }

    // The next server frame, or nullopt on timeout or when the connection ended (closed()).
    std::optional<Frame> read_frame(std::chrono::milliseconds timeout);
    // The next text frame, skipping pings (answered with pongs) and pongs.
    std::optional<std::string> read_text(std::chrono::milliseconds timeout);

    // Reads and drops everything until the server closes the TCP connection (true) or the
    // timeout (false). Records a close frame's code on the way.
    bool wait_closed(std::chrono::milliseconds timeout);

    bool closed() const { return closed_; }
    // The code of the close frame the server sent (0: none seen).
    int close_code() const { return close_code_; }
    int fd() const { return fd_; }
    void reset();

private:
    // Reads more bytes into in_; false on timeout, EOF or error (closed_ set on the latter two).
    bool fill(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    std::string in_;
    bool closed_ = false;
    int close_code_ = 0;
};

}  // namespace test_support
