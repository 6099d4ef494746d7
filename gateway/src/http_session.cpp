#include "http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

#include "gateway_context.hpp"
#include "event_sink.hpp"
#include "metrics.hpp"
#include "request_auth.hpp"
#include "ws_session.hpp"

namespace gateway {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

constexpr std::uint32_t kHeaderLimit = 16 * 1024;
constexpr std::uint64_t kBodyLimit = 16 * 1024;
constexpr std::string_view kEventsPath = "/ws/events";

http::response<http::string_body> text_response(http::status status, unsigned version,
                                                 bool keep_alive, std::string body,
                                                 std::string_view content_type = "text/plain") {
    http::response<http::string_body> res{status, version};
    res.set(http::field::server, "behaviour-pipeline-gateway");
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(keep_alive);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket&& socket, GatewayContext& ctx)
    : stream_(std::move(socket)), ctx_(ctx) {}

void HttpSession::run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::fail(beast::error_code ec, const char* where) {
    spdlog::debug("http closed where={} error={}", where, ec.message());
}

void HttpSession::do_read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    // One deadline for the whole request (GATEWAY_HANDSHAKE_TIMEOUT_MS), not per read: a
    // client trickling its headers a byte at a time (slow loris) is cut off all the same.
    stream_.expires_after(std::chrono::milliseconds(ctx_.config.handshake_timeout_ms));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) {
        stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
        return;
    }
    if (ec == beast::error::timeout) {
        ctx_.metrics.http_timeouts.fetch_add(1, std::memory_order_relaxed);
        return fail(ec, "read");
    }
    if (ec) return fail(ec, "read");
    Request request = parser_->release();
    if (beast::websocket::is_upgrade(request)) return handle_upgrade(std::move(request));

    ctx_.metrics.http_requests.fetch_add(1, std::memory_order_relaxed);
    const auto version = request.version();
    const bool keep_alive = request.keep_alive();
    const auto path = target_path(request.target());
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
        auto res = text_response(http::status::method_not_allowed, version, keep_alive,
                                 "method not allowed\n");
        res.set(http::field::allow, "GET, HEAD");
        return send(std::move(res));
    }
    Response res;
    if (path == "/health") {
        const bool up = ctx_.sink.healthy();
        res = text_response(up ? http::status::ok : http::status::service_unavailable, version,
                            keep_alive, up ? "ok" : ctx_.sink.health_problem());
    } else if (path == "/metrics") {
        res = text_response(http::status::ok, version, keep_alive,
                            ctx_.metrics.render_prometheus(), "text/plain; version=0.0.4");
    } else if (path == kEventsPath) {
        res = text_response(http::status::upgrade_required, version, keep_alive,
                            "WebSocket upgrade required\n");
        res.set(http::field::upgrade, "websocket");
    } else {
        res = text_response(http::status::not_found, version, keep_alive, "not found\n");
    }
    if (request.method() == http::verb::head) {
        const auto length = res.body().size();
        res.body().clear();
        res.content_length(length);
    }
    send(std::move(res));
}

void HttpSession::handle_upgrade(Request&& request) {
    const auto version = request.version();
    if (target_path(request.target()) != kEventsPath) {
        return send(text_response(http::status::not_found, version, false, "not found\n"));
    }
    if (!token_matches(ctx_.config.token, request[http::field::authorization],
                       request.target())) {
        ctx_.metrics.auth_failures.fetch_add(1, std::memory_order_relaxed);
        auto res = text_response(http::status::unauthorized, version, false, "unauthorized\n");
        res.set(http::field::www_authenticate, "Bearer");
        return send(std::move(res));
    }
    // Take a connection slot now; the WebSocket session gives it back when it ends.
    const auto open = ctx_.metrics.connections_open.fetch_add(1, std::memory_order_relaxed);
    if (open >= static_cast<std::int64_t>(ctx_.config.max_connections)) {
        ctx_.metrics.connections_open.fetch_sub(1, std::memory_order_relaxed);
        ctx_.metrics.connections_refused.fetch_add(1, std::memory_order_relaxed);
        return send(text_response(http::status::service_unavailable, version, false,
                                  "too many connections\n"));
    }
    stream_.expires_never();
    start_ws_session(stream_.release_socket(), std::move(request), ctx_);
}

void HttpSession::send(Response&& response) {
    response_ = std::move(response);
    const bool keep_alive = response_.keep_alive();
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&HttpSession::on_write, shared_from_this(),
                                                keep_alive));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "write");
    if (!keep_alive) {
        stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
        return;
    }
    do_read();
}

}  // namespace gateway
