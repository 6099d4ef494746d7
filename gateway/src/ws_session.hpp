#pragma once
// One client WebSocket on /ws/events. The session class itself (WsSession) lives entirely in
// ws_session.cpp so that Beast's websocket headers (about 30 s of compile time) are included
// by that one translation unit only; the HTTP side hands a socket over through this function.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace gateway {

struct GatewayContext;

// Takes over `socket` (already counted in Metrics::connections_open, whose slot the session
// releases when it ends) and completes the WebSocket handshake for `request`. The session
// runs on the socket's executor, which must be a strand.
void start_ws_session(boost::asio::ip::tcp::socket socket,
                      boost::beast::http::request<boost::beast::http::string_body> request,
                      GatewayContext& ctx);

}  // namespace gateway
