#pragma once
// Accepts TCP connections, each onto its own strand, and starts an HttpSession for each.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include <memory>

namespace gateway {

struct GatewayContext;

class Listener : public std::enable_shared_from_this<Listener> {
public:
    // Binds and listens; throws boost::system::system_error at start-up when it cannot.
    Listener(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint,
             GatewayContext& ctx);
    void run();
    // Stops accepting (posted to the acceptor's strand).
    void stop();
    std::uint16_t port() const { return port_; }

private:
    void do_accept();
    void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& ioc_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_timer_;
    GatewayContext& ctx_;
    std::uint16_t port_ = 0;
    bool stopped_ = false;
};

}  // namespace gateway
