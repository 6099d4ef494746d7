#include "ws_test_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "run_until.hpp"

namespace test_support {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

std::optional<HttpResult> http_get(std::uint16_t port, std::string_view target,
                                   std::chrono::milliseconds timeout) {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(timeout);
    bool done = false;
    beast::error_code result;
    http::request<http::empty_body> req{http::verb::get, std::string(target), 11};
    req.set(http::field::host, "127.0.0.1");
    http::response<http::string_body> res;
    beast::flat_buffer buffer;
    stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                         [&](beast::error_code ec) {
        if (ec) {
            result = ec;
            done = true;
            return;
        }
        http::async_write(stream, req, [&](beast::error_code wec, std::size_t) {
            if (wec) {
                result = wec;
                done = true;
                return;
            }
            http::async_read(stream, buffer, res, [&](beast::error_code rec, std::size_t) {
                result = rec;
                done = true;
            });
        });
    });
    if (!run_until(ioc, [&] { return done; }, timeout + std::chrono::seconds(1)) || result) {
        return std::nullopt;
    }
    return HttpResult{static_cast<int>(res.result_int()), res.body()};
}

struct WsTestClient::Impl {
    net::io_context ioc;
    websocket::stream<beast::tcp_stream> ws{ioc};
    beast::flat_buffer buffer;
    bool read_pending = false;
    bool read_done = false;
    beast::error_code read_ec;
    bool is_closed = false;
};

WsTestClient::WsTestClient() : impl_(std::make_unique<Impl>()) {}
WsTestClient::~WsTestClient() = default;

int WsTestClient::connect(std::uint16_t port, std::string_view target,
                          const std::map<std::string, std::string>& headers) {
    auto& s = *impl_;
    beast::error_code ec;
    beast::get_lowest_layer(s.ws).expires_after(std::chrono::seconds(10));
    bool done = false;
    beast::get_lowest_layer(s.ws).async_connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](beast::error_code e) {
            ec = e;
            done = true;
        });
    if (!run_until(s.ioc, [&] { return done; }, std::chrono::seconds(15)) || ec) return -1;
    s.ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
        for (const auto& [name, value] : headers) req.set(name, value);
    }));
    websocket::response_type res;
    done = false;
    s.ws.async_handshake(res, "127.0.0.1:" + std::to_string(port), std::string(target),
                         [&](beast::error_code e) {
                             ec = e;
                             done = true;
                         });
    if (!run_until(s.ioc, [&] { return done; }, std::chrono::seconds(15))) return -1;
    beast::get_lowest_layer(s.ws).expires_never();
    if (ec) return res.result_int() != 0 ? static_cast<int>(res.result_int()) : -1;
    s.ws.read_message_max(64 * 1024 * 1024);
    return 101;
}

bool WsTestClient::send_text(std::string_view text, std::chrono::milliseconds timeout) {
    impl_->ws.text(true);
    bool done = false;
    beast::error_code ec;
    impl_->ws.async_write(net::buffer(text.data(), text.size()),
                          [&](beast::error_code e, std::size_t) {
                              ec = e;
                              done = true;
                          });
    return run_until(impl_->ioc, [&] { return done; }, timeout) && !ec;
}

bool WsTestClient::send_binary(std::string_view data, std::chrono::milliseconds timeout) {
    impl_->ws.binary(true);
    bool done = false;
    beast::error_code ec;
    impl_->ws.async_write(net::buffer(data.data(), data.size()),
                          [&](beast::error_code e, std::size_t) {
                              ec = e;
                              done = true;
                          });
    const bool ok = run_until(impl_->ioc, [&] { return done; }, timeout) && !ec;
    impl_->ws.text(true);
    return ok;
}

std::optional<std::string> WsTestClient::read(std::chrono::milliseconds timeout) {
    auto& s = *impl_;
    if (s.is_closed) return std::nullopt;
    if (!s.read_pending) {
        s.read_pending = true;
        s.read_done = false;
        s.ws.async_read(s.buffer, [&s](beast::error_code ec, std::size_t) {
            s.read_ec = ec;
            s.read_done = true;
        });
    }
    if (!run_until(s.ioc, [&s] { return s.read_done; }, timeout)) return std::nullopt;
    s.read_pending = false;
    if (s.read_ec) {
        s.is_closed = true;
        return std::nullopt;
    }
    std::string text = beast::buffers_to_string(s.buffer.data());
    s.buffer.consume(s.buffer.size());
    return text;
}

bool WsTestClient::closed() const { return impl_->is_closed; }

int WsTestClient::close_code() const { return static_cast<int>(impl_->ws.reason().code); }

void WsTestClient::close() {
    auto& s = *impl_;
    if (s.is_closed) return;
    bool done = false;
    s.ws.async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
    run_until(s.ioc, [&] { return done && (!s.read_pending || s.read_done); },
              std::chrono::seconds(5));
    s.is_closed = true;
}

}  // namespace test_support
