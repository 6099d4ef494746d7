#pragma once
// One plain HTTP connection: GET /health, GET /metrics, and the WebSocket upgrade of
// /ws/events (token check, connection limit), which hands the socket to a WsSession.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <memory>
#include <optional>

namespace gateway {

struct GatewayContext;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(boost::asio::ip::tcp::socket&& socket, GatewayContext& ctx);
    void run();

private:
    using Request = boost::beast::http::request<boost::beast::http::string_body>;
    using Response = boost::beast::http::response<boost::beast::http::string_body>;

    void do_read();
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void handle_upgrade(Request&& request);
    void send(Response&& response);
    void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
    void fail(boost::beast::error_code ec, const char* where);

    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    GatewayContext& ctx_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    Response response_;
};

}  // namespace gateway
