#include "net_clients.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <stdexcept>

namespace e2e {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {

std::string base64(const std::string& in) {
    static constexpr char kChars[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned val = 0;
    int bits = -6;
    for (const unsigned char c : in) {
        val = (val << 8) + c;
        bits += 8;
        while (bits >= 0) {
            out.push_back(kChars[(val >> bits) & 0x3F]);
            bits -= 6;
        }
    }
    if (bits > -6) out.push_back(kChars[((val << 8) >> (bits + 8)) & 0x3F]);
    while (out.size() % 4) out.push_back('=');
    return out;
}

}  // namespace

std::string clickhouse_query(const ClickHouseConfig& cfg, const std::string& sql) {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(60));
    stream.connect(tcp::resolver(ioc).resolve(cfg.host, cfg.port));
    http::request<http::string_body> req{http::verb::post, "/", 11};
    req.set(http::field::host, cfg.host);
    req.set(http::field::authorization, "Basic " + base64(cfg.user + ":" + cfg.password));
    req.body() = sql;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    if (res.result() != http::status::ok) {
        throw std::runtime_error("ClickHouse " + std::to_string(res.result_int()) + ": " + res.body() +
                                 "\n  query: " + sql);
    }
    return res.body();
}

struct WsClient::Impl {
    net::io_context ioc;
    websocket::stream<beast::tcp_stream> ws{ioc};
};

WsClient::WsClient(const std::string& url) : impl_(std::make_unique<Impl>()) {
    // ws://host:port/path
    const auto rest = url.substr(url.find("://") + 3);
    const auto slash = rest.find('/');
    const auto host_port = rest.substr(0, slash);
    const auto path = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto colon = host_port.rfind(':');
    const auto host = host_port.substr(0, colon);
    const auto port = colon == std::string::npos ? "80" : host_port.substr(colon + 1);
    beast::get_lowest_layer(impl_->ws).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(impl_->ws).connect(tcp::resolver(impl_->ioc).resolve(host, port));
    beast::get_lowest_layer(impl_->ws).expires_never();
    impl_->ws.handshake(host_port, path);
    impl_->ws.text(true);
}

WsClient::~WsClient() {
    beast::error_code ec;
    impl_->ws.close(websocket::close_code::normal, ec);
}

std::string WsClient::send_and_read(const std::string& text) {
    impl_->ws.write(net::buffer(text));
    beast::flat_buffer buffer;
    impl_->ws.read(buffer);
    return beast::buffers_to_string(buffer.data());
}

}  // namespace e2e
