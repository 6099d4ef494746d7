#pragma once
// One plain HTTP connection (keep-alive: requests one after another): POST /v1/events (the
// HTTP ingest path: the same parser, dead letters, delivery tracking and back-pressure gate
// as a WebSocket message), its CORS preflight, GET /health, /metrics, /tracker.js and the
// shop's static files, and the WebSocket upgrade of /ws/events (token, origin and connection
// limit checked here), which hands the socket to a WsSession.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ack_json.hpp"
#include "common/http_body.hpp"
#include "pending_message.hpp"

namespace gateway {

struct GatewayContext;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(boost::asio::ip::tcp::socket&& socket, GatewayContext& ctx);
    ~HttpSession();
    void run();

private:
    using Request = boost::beast::http::request<boost::beast::http::string_body>;
    using Response = boost::beast::http::response<boost::beast::http::string_body>;

    void do_read();
    void on_header(boost::beast::error_code ec, std::size_t bytes);
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void handle_upgrade(Request&& request);
    Response handle_get(const Request& request);
    Response handle_preflight(const Request& request);

    // POST /v1/events: checks on the header, then the body, the records, the answer.
    void start_ingest();
    // A body past MessageSlots::kSlotlessReadBytes is read only with a message slot (the
    // gateway's memory bound, shared with the WebSockets). False: none free; the body is
    // read once one is handed over.
    bool acquire_slot();
    void release_slot();
    void read_ingest_body();
    void on_continue_sent(boost::beast::error_code ec, std::size_t bytes);
    void on_ingest_body(boost::beast::error_code ec, std::size_t bytes);
    void do_produce();
    void on_produce_retry(boost::beast::error_code ec);
    void on_delivered(bool ok);
    // A JSON answer to the ingest request, with the CORS headers its origin gets.
    Response ingest_response(unsigned status, std::string body, bool keep_alive);
    // A refusal sent before the body was read: the connection closes after it.
    void refuse(unsigned status, std::string_view reason, bool retry_after = false);

    void send(Response&& response);
    void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
    // Closes after the answer without resetting it: stop sending, read and drop what the
    // client still sends (an unread body) until it closes or the request deadline passes.
    void do_linger();
    void linger_read();
    void fail(boost::beast::error_code ec, const char* where);

    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    GatewayContext& ctx_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    Response response_;
    boost::beast::http::response<boost::beast::http::empty_body> continue_;
    std::array<char, 4096> discard_{};

    // The ingest request being answered.
    pipeline::BodyFormat format_ = pipeline::BodyFormat::json;
    std::string origin_;       // its Origin header when the origin is allowed ("" otherwise)
    unsigned version_ = 11;
    bool keep_alive_ = true;
    PendingMessage pending_;
    std::size_t accepted_ = 0;
    std::vector<AckRejection> rejected_;
    boost::asio::steady_timer retry_timer_;
    bool has_slot_ = false;
};

}  // namespace gateway
