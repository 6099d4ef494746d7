#include "ws_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace test_support {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

struct WsClient::Impl {
    net::io_context ioc;
    websocket::stream<beast::tcp_stream> ws{ioc};
};

WsClient::WsClient(const std::string& url) : impl_(std::make_unique<Impl>()) {
    const auto rest = url.substr(url.find("://") + 3);
    const auto slash = rest.find('/');
    const auto host_port = rest.substr(0, slash);
    const auto path = slash == std::string::npos ? std::string("/") : rest.substr(slash);
    const auto colon = host_port.rfind(':');
    const auto host = host_port.substr(0, colon);
    const auto port = colon == std::string::npos ? std::string("80") : host_port.substr(colon + 1);
    auto& tcp_layer = beast::get_lowest_layer(impl_->ws);
    tcp_layer.expires_after(std::chrono::seconds(30));
    tcp_layer.connect(tcp::resolver(impl_->ioc).resolve(host, port));
    tcp_layer.expires_never();
    impl_->ws.handshake(host_port, path);
    impl_->ws.text(true);
}

WsClient::~WsClient() {
    beast::error_code ec;  // closing a connection the server already dropped is not an error here
    impl_->ws.close(websocket::close_code::normal, ec);
}

std::string WsClient::send_and_read(const std::string& text) {
    impl_->ws.write(net::buffer(text));
    beast::flat_buffer buffer;
    impl_->ws.read(buffer);
    return beast::buffers_to_string(buffer.data());
}

}  // namespace test_support
