#pragma once
// A small in-process WebSocket "gateway" for the client tests (test-only code): it acks
// every message in order ({"ack":N,"accepted":A,"rejected":[...]}, N from 1 on each
// connection) and can misbehave on purpose, per connection in accept order:
// close after some acks, read some messages without acking them first, send a wrong ack.

#include <cstddef>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace pipeline::emulator::testing {

struct TestServerOptions {
    struct Drop {
        std::size_t acks = 0;           // ack this many messages,
        std::size_t unacked_reads = 0;  // then read this many more without acking them,
        bool graceful = false;          // then close (WebSocket close, or drop the TCP connection)
    };
    std::vector<Drop> drops;             // [connection index]; later connections never close
    std::set<std::string> reject_ids;    // events rejected with reason "test: rejected <id>"
    std::string require_token;           // if set: HTTP 401 unless "Authorization: Bearer <it>"
    std::size_t wrong_ack_at = 0;        // on connection 0, send ack number 999 for this message (1-based; 0 = never)
};

class TestWsServer {
public:
    explicit TestWsServer(TestServerOptions options);
    ~TestWsServer();

    std::string url() const;  // ws://127.0.0.1:<port>/ws/events

    // Per connection, per message read: the event_ids in it.
    std::vector<std::vector<std::vector<std::string>>> received() const;
    // Per connection: how many messages were acked.
    std::vector<std::size_t> acked_messages() const;
    // event_id -> how many times it was acked as accepted.
    std::map<std::string, int> accepted_events() const;
    std::string authorization() const;  // the last handshake's Authorization header

    class Impl;  // public so the .cpp's session class can name it

private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace pipeline::emulator::testing
