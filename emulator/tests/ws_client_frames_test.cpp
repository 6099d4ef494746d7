// How the client puts a message on the wire, seen by a raw TCP peer that does the WebSocket
// handshake by hand and reads the frame bytes: a batch must go out as one unfragmented text
// frame (a gateway pays per frame: a read, a UTF-8 check and a wake-up each).

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>
#include <chrono>
#include <cstdint>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "io_runner.hpp"
#include "out_message.hpp"
#include "ws_client.hpp"

namespace pipeline::emulator {
namespace {

using namespace std::chrono_literals;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct Frame {
    bool fin = false;
    int opcode = -1;
    std::uint64_t length = 0;
};

// Accepts one connection, answers the upgrade, reads the first data frame's header and
// skips its payload.
Frame first_frame(tcp::acceptor& acceptor) {
    tcp::socket socket = acceptor.accept();
    net::streambuf request;
    net::read_until(socket, request, "\r\n\r\n");
    std::string text(net::buffers_begin(request.data()), net::buffers_end(request.data()));
    const std::string key_header = "Sec-WebSocket-Key: ";
    const auto at = text.find(key_header);
    if (at == std::string::npos) throw std::runtime_error("no Sec-WebSocket-Key");
    const auto end = text.find("\r\n", at);
    const std::string key = text.substr(at + key_header.size(), end - at - key_header.size());
    boost::beast::websocket::detail::sec_ws_accept_type accept;
    boost::beast::websocket::detail::make_sec_ws_accept(accept, key);
    const std::string response =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " + std::string(accept.data(), accept.size()) + "\r\n\r\n";
    net::write(socket, net::buffer(response));
    request.consume(text.find("\r\n\r\n") + 4);  // nothing else was sent before the 101

    auto read_bytes = [&](std::size_t n) {
        std::vector<std::uint8_t> out(n);
        std::size_t have = std::min(n, request.size());
        net::buffer_copy(net::buffer(out), request.data(), have);
        request.consume(have);
        if (have < n) net::read(socket, net::buffer(out.data() + have, n - have));
        return out;
    };
    const auto head = read_bytes(2);
    Frame f;
    f.fin = (head[0] & 0x80) != 0;
    f.opcode = head[0] & 0x0f;
    f.length = head[1] & 0x7f;
    if (f.length >= 126) {
        const auto ext = read_bytes(f.length == 126 ? 2 : 8);
        f.length = 0;
        for (const auto b : ext) f.length = (f.length << 8) | b;
    }
    if ((head[1] & 0x80) != 0) read_bytes(4);  // the client's masking key
    read_bytes(static_cast<std::size_t>(f.length));
    return f;
}

TEST(WsClientFrames, ABatchGoesOutAsOneUnfragmentedTextFrame) {
    net::io_context server_io;
    tcp::acceptor acceptor(server_io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    const auto port = acceptor.local_endpoint().port();
    auto frame = std::async(std::launch::async, [&] { return first_frame(acceptor); });

    // ~20 KB: more than Beast's default 4 KiB write buffer, which auto-fragments.
    std::vector<Event> batch(100);
    for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i].event_id = "id-" + std::to_string(i);
        batch[i].user_id = "u1";
        batch[i].type = "page_view";
        batch[i].ts_ms = 1'700'000'000'000;
        batch[i].page = "/item/" + std::string(150, 'x');
    }
    OutMessage message = make_message(batch);
    const std::size_t size = message.payload->size();
    ASSERT_GT(size, 16'000u);

    IoRunner io(1, /*handle_signals=*/false);
    ClientConfig config;
    config.url = "ws://127.0.0.1:" + std::to_string(port) + "/ws/events";
    config.reconnect_min_ms = 10;
    WsClient client(io.context(), config, "frames");
    client.start();
    ASSERT_TRUE(client.try_send(message, 10s));
    ASSERT_EQ(frame.wait_for(20s), std::future_status::ready);
    const Frame f = frame.get();
    EXPECT_EQ(f.opcode, 1) << "a text frame";
    EXPECT_TRUE(f.fin) << "the whole message in its first frame";
    EXPECT_EQ(f.length, size);
    client.stop();
    io.stop();
}

}  // namespace
}  // namespace pipeline::emulator
