#include "raw_ws_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace test_support {

namespace {

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

int RawWsClient::Frame::close_code() const {
    if (opcode != Opcode::close || payload.size() < 2) return 0;
    return (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
}

RawWsClient::~RawWsClient() { reset(); }

RawWsClient::RawWsClient(RawWsClient&& other) noexcept { *this = std::move(other); }

RawWsClient& RawWsClient::operator=(RawWsClient&& other) noexcept {
    if (this != &other) {
        reset();
        fd_ = std::exchange(other.fd_, -1);
        in_ = std::move(other.in_);
        closed_ = other.closed_;
        close_code_ = other.close_code_;
    }
    return *this;
}

void RawWsClient::reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    in_.clear();
}

bool RawWsClient::connect(std::uint16_t port, int receive_buffer) {
    reset();
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return false;
    if (receive_buffer > 0) {
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return true;
    if (errno != EINPROGRESS) return false;
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, 15000) != 1) return false;
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    return err == 0;
}

std::string RawWsClient::upgrade_request(std::uint16_t port, std::string_view target,
                                         const std::map<std::string, std::string>& headers) {
    std::string req = "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1:" +
                      std::to_string(port) +
                      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    for (const auto& [name, value] : headers) req += name + ": " + value + "\r\n";
    return req + "\r\n";
}

std::string RawWsClient::frame(std::uint8_t opcode, std::string_view payload, bool fin,
                               std::optional<std::uint64_t> claimed_length) {
    const std::uint64_t len = claimed_length.value_or(payload.size());
    std::string out;
    out.push_back(static_cast<char>((fin ? 0x80 : 0x00) | (opcode & 0x0f)));
    if (len < 126) {
        out.push_back(static_cast<char>(0x80 | len));
    } else if (len <= 0xffff) {
        out.push_back(static_cast<char>(0x80 | 126));
        out.push_back(static_cast<char>(len >> 8));
        out.push_back(static_cast<char>(len & 0xff));
    } else {
        out.push_back(static_cast<char>(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((len >> shift) & 0xff));
    }
    const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
    out.append(reinterpret_cast<const char*>(mask), 4);
    for (std::size_t i = 0; i < payload.size(); ++i) {
        out.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
    }
    return out;
}

long RawWsClient::send_some(std::string_view data) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return n;
    return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
}

bool RawWsClient::send_all(std::string_view data, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!data.empty()) {
        const long n = send_some(data);
        if (n < 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
        if (data.empty()) break;
        pollfd p{fd_, POLLOUT, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) != 1) return false;
    }
    return true;
}

bool RawWsClient::fill(std::chrono::steady_clock::time_point deadline) {
    if (fd_ < 0 || closed_) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) != 1) return false;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
        in_.append(buf, static_cast<std::size_t>(n));
        return true;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return true;
    closed_ = true;
    return false;
}

int RawWsClient::read_response_status(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t end;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos) {
        if (!fill(deadline)) return -1;
    }
    const std::string head = in_.substr(0, end);
    in_.erase(0, end + 4);
    // "HTTP/1.1 101 Switching Protocols"
    const auto space = head.find(' ');
    if (space == std::string::npos) return -1;
    return std::atoi(head.c_str() + space + 1);
}

int RawWsClient::handshake(std::uint16_t port, std::string_view target,
                           const std::map<std::string, std::string>& headers,
                           std::chrono::milliseconds timeout) {
    if (!send_all(upgrade_request(port, target, headers), timeout)) return -1;
    return read_response_status(timeout);
}

std::optional<RawWsClient::Frame> RawWsClient::read_frame(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (in_.size() >= 2) {
            const auto b0 = static_cast<unsigned char>(in_[0]);
            const auto b1 = static_cast<unsigned char>(in_[1]);
            std::size_t header = 2;
            std::uint64_t len = b1 & 0x7f;
            if (len == 126) header = 4;
            if (len == 127) header = 10;
            if (in_.size() >= header) {
                if (len >= 126) {
                    len = 0;
                    for (std::size_t i = 2; i < header; ++i) len = (len << 8) | static_cast<unsigned char>(in_[i]);
                }
                if (in_.size() >= header + len) {
                    Frame f;
                    f.fin = (b0 & 0x80) != 0;
                    f.opcode = b0 & 0x0f;
                    f.payload = in_.substr(header, len);
                    in_.erase(0, header + len);
                    if (f.opcode == Opcode::close) close_code_ = f.close_code();
                    return f;
                }
            }
        }
        if (!fill(deadline)) return std::nullopt;
    }
}

std::optional<std::string> RawWsClient::read_text(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        auto f = read_frame(std::chrono::milliseconds(remaining_ms(deadline)));
        if (!f) return std::nullopt;
        if (f->opcode == Opcode::text) return std::move(f->payload);
        if (f->opcode == Opcode::ping) send_all(frame(Opcode::pong, f->payload));
        if (f->opcode == Opcode::close) return std::nullopt;
    }
}

bool RawWsClient::wait_closed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_) {
        // Parse what is buffered for a close code, then drop it.
        while (read_frame(std::chrono::milliseconds(0))) {
        }
        if (closed_) break;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        fill(deadline);
    }
    return true;
}

}  // namespace test_support
