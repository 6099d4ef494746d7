#include "http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>
#include <limits>

#include "backpressure_gate.hpp"
#include "cors.hpp"
#include "event_sink.hpp"
#include "gateway_context.hpp"
#include "message_slots.hpp"
#include "metrics.hpp"
#include "request_auth.hpp"
#include "static_files.hpp"
#include "ws_session.hpp"

namespace gateway {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

constexpr std::uint32_t kHeaderLimit = 16 * 1024;
constexpr std::uint64_t kBodyLimit = 16 * 1024;  // any request but POST /v1/events
constexpr std::string_view kEventsPath = "/ws/events";
constexpr std::string_view kIngestPath = "/v1/events";
constexpr auto kProduceRetryDelay = std::chrono::milliseconds(20);

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

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

bool accepts_gzip(std::string_view accept_encoding) {
    return accept_encoding.find("gzip") != std::string_view::npos;
}

// A static file with its caching headers; 304 when the client has this version.
http::response<http::string_body> file_response(const StaticFile& file,
                                                const http::request<http::string_body>& req,
                                                std::string_view cache_control) {
    const bool keep_alive = req.keep_alive();
    if (req[http::field::if_none_match] == file.etag) {
        auto res = text_response(http::status::not_modified, req.version(), keep_alive, "");
        res.set(http::field::etag, file.etag);
        res.set(http::field::cache_control, cache_control);
        return res;
    }
    const bool gzip = !file.gzip_body.empty() && accepts_gzip(req[http::field::accept_encoding]);
    auto res = text_response(http::status::ok, req.version(), keep_alive,
                             gzip ? file.gzip_body : file.body, file.content_type);
    if (gzip) res.set(http::field::content_encoding, "gzip");
    if (!file.gzip_body.empty()) res.set(http::field::vary, "Accept-Encoding");
    res.set(http::field::etag, file.etag);
    res.set(http::field::cache_control, cache_control);
    return res;
}

// One parser per io thread, reused from body to body (MessageParser is not thread safe).
pipeline::MessageParser& ingest_parser() {
    thread_local pipeline::MessageParser parser;
    return parser;
}

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket&& socket, GatewayContext& ctx)
    : stream_(std::move(socket)), ctx_(ctx), retry_timer_(stream_.get_executor()) {}

HttpSession::~HttpSession() {
    if (has_slot_) release_slot();  // a connection that ended while it held one
}

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
    // No body limit while the header is read: Beast checks a Content-Length against it as soon
    // as the header is complete, and a POST /v1/events may carry up to max_message_bytes. Each
    // kind of request sets its own limit in on_header, before any of its body is read. (The
    // highest value, not boost::none: Beast 1.74 compares the length with the optional, and
    // every length is greater than an empty one.)
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    // One deadline for the whole request (GATEWAY_HANDSHAKE_TIMEOUT_MS), not per read: a
    // client trickling its headers a byte at a time (slow loris) is cut off all the same.
    stream_.expires_after(std::chrono::milliseconds(ctx_.config.handshake_timeout_ms));
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
}

void HttpSession::on_header(beast::error_code ec, std::size_t bytes) {
    if (!ec) {
        const auto& req = parser_->get();
        if (req.method() == http::verb::post && target_path(req.target()) == kIngestPath) {
            return start_ingest();
        }
        // Anything else is small: read the rest of it (an upgrade or a GET has no body).
        const auto length = parser_->content_length();
        if (length && *length > kBodyLimit) {
            return send(text_response(http::status::payload_too_large, req.version(), false,
                                      "request body too large\n"));
        }
        parser_->body_limit(kBodyLimit);
        return http::async_read(stream_, buffer_, *parser_,
                                beast::bind_front_handler(&HttpSession::on_read,
                                                          shared_from_this()));
    }
    on_read(ec, bytes);
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
    const auto path = target_path(request.target());
    if (request.method() == http::verb::options && path == kIngestPath) {
        return send(handle_preflight(request));
    }
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
        auto res = text_response(http::status::method_not_allowed, request.version(),
                                 request.keep_alive(), "method not allowed\n");
        res.set(http::field::allow, path == kIngestPath ? "POST, OPTIONS" : "GET, HEAD");
        return send(std::move(res));
    }
    Response res = handle_get(request);
    if (request.method() == http::verb::head) {
        const auto length = res.body().size();
        res.body().clear();
        res.content_length(length);
    }
    send(std::move(res));
}

HttpSession::Response HttpSession::handle_get(const Request& request) {
    const auto version = request.version();
    const bool keep_alive = request.keep_alive();
    const auto path = target_path(request.target());
    if (path == "/health") {
        const bool up = ctx_.sink.healthy();
        return text_response(up ? http::status::ok : http::status::service_unavailable, version,
                             keep_alive, up ? "ok" : ctx_.sink.health_problem());
    }
    if (path == "/metrics") {
        return text_response(http::status::ok, version, keep_alive,
                             ctx_.metrics.render_prometheus(), "text/plain; version=0.0.4");
    }
    if (path == kEventsPath) {
        auto res = text_response(http::status::upgrade_required, version, keep_alive,
                                 "WebSocket upgrade required\n");
        res.set(http::field::upgrade, "websocket");
        return res;
    }
    if (const StaticFile* tracker = ctx_.files.tracker(path)) {
        // Any page may load the script (an ES module from another origin needs the header).
        // Cached for five minutes, then revalidated by its ETag: a new build reaches every
        // browser within that time.
        auto res = file_response(*tracker, request, "public, max-age=300");
        res.set(http::field::access_control_allow_origin, "*");
        return res;
    }
    if (path == StaticFiles::kShopPrefix.substr(0, StaticFiles::kShopPrefix.size() - 1)) {
        auto res = text_response(http::status::moved_permanently, version, keep_alive, "");
        res.set(http::field::location, StaticFiles::kShopPrefix);
        return res;
    }
    if (auto file = ctx_.files.shop_file(path)) return file_response(*file, request, "no-cache");
    return text_response(http::status::not_found, version, keep_alive, "not found\n");
}

HttpSession::Response HttpSession::handle_preflight(const Request& request) {
    const auto origin = request[http::field::origin];
    const auto host = request[http::field::host];
    if (!ctx_.cors.allows(origin, host)) {
        ctx_.metrics.origin_refusals.fetch_add(1, std::memory_order_relaxed);
        std::string body;
        append_error_json(body, "origin_not_allowed");
        auto res = text_response(http::status::forbidden, request.version(), request.keep_alive(),
                                 std::move(body), "application/json");
        res.set(http::field::vary, "Origin");
        return res;
    }
    auto res = text_response(http::status::no_content, request.version(), request.keep_alive(), "");
    res.set(http::field::access_control_allow_origin, origin);
    res.set(http::field::access_control_allow_methods, "POST, OPTIONS");
    res.set(http::field::access_control_allow_headers, "Content-Type, Authorization");
    res.set(http::field::access_control_max_age, "600");
    res.set(http::field::vary, "Origin");
    return res;
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
    // Browsers send the page's origin with the upgrade; CORS does not cover WebSockets, so
    // the same origin rule as for POSTs is applied here.
    const auto origin = request[http::field::origin];
    if (!origin.empty() && !ctx_.cors.allows(origin, request[http::field::host])) {
        ctx_.metrics.origin_refusals.fetch_add(1, std::memory_order_relaxed);
        return send(text_response(http::status::forbidden, version, false, "origin not allowed\n"));
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

// --- POST /v1/events ---------------------------------------------------------------------

void HttpSession::start_ingest() {
    ctx_.metrics.http_requests.fetch_add(1, std::memory_order_relaxed);
    ctx_.metrics.http_ingest_requests.fetch_add(1, std::memory_order_relaxed);
    const auto& req = parser_->get();
    version_ = req.version();
    keep_alive_ = req.keep_alive();
    origin_.clear();
    // Checked in this order, each before the body is read: a refused body is never buffered.
    const auto origin = req[http::field::origin];
    if (!origin.empty()) {
        if (!ctx_.cors.allows(origin, req[http::field::host])) {
            ctx_.metrics.origin_refusals.fetch_add(1, std::memory_order_relaxed);
            return refuse(403, "origin_not_allowed");
        }
        origin_ = std::string(origin);
    }
    if (!token_matches(ctx_.config.token, req[http::field::authorization], req.target())) {
        ctx_.metrics.auth_failures.fetch_add(1, std::memory_order_relaxed);
        return refuse(401, "unauthorized");
    }
    const auto format = pipeline::body_format_for(req[http::field::content_type]);
    if (!format) return refuse(415, "unsupported_content_type");
    format_ = *format;
    const auto length = parser_->content_length();
    if (length && *length > ctx_.config.max_message_bytes) {
        ctx_.metrics.count_reject(pipeline::RejectReason::message_too_large);
        return refuse(413, pipeline::to_string(pipeline::RejectReason::message_too_large));
    }
    if (ctx_.stopping.load(std::memory_order_relaxed)) return refuse(503, "shutting_down", true);
    // Back-pressure: while Kafka holds GATEWAY_QUEUE_HIGH_WATER records the WebSockets stop
    // reading; an HTTP client is told to come back instead of being held on an open request.
    if (!ctx_.gate.admits()) {
        ctx_.metrics.backpressure_refusals.fetch_add(1, std::memory_order_relaxed);
        return refuse(429, "backpressure", true);
    }
    parser_->body_limit(ctx_.config.max_message_bytes);
    // A body of unknown length (chunked) may grow to the limit, too.
    if ((!length || *length > MessageSlots::kSlotlessReadBytes) && !acquire_slot()) return;
    read_ingest_body();
}

bool HttpSession::acquire_slot() {
    const bool got = ctx_.message_slots.try_acquire([self = shared_from_this()] {
        net::post(self->stream_.get_executor(), [self] {
            self->has_slot_ = true;
            self->ctx_.metrics.message_slots_in_use.fetch_add(1, std::memory_order_relaxed);
            // The request's deadline ran while it waited: the client gets the whole time again.
            self->stream_.expires_after(
                std::chrono::milliseconds(self->ctx_.config.handshake_timeout_ms));
            self->read_ingest_body();
        });
    });
    if (!got) {
        ctx_.metrics.message_slot_waits.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    has_slot_ = true;
    ctx_.metrics.message_slots_in_use.fetch_add(1, std::memory_order_relaxed);
    return true;
}

void HttpSession::release_slot() {
    has_slot_ = false;
    ctx_.metrics.message_slots_in_use.fetch_sub(1, std::memory_order_relaxed);
    ctx_.message_slots.release();
}

void HttpSession::read_ingest_body() {
    const auto expect = parser_->get()[http::field::expect];
    if (beast::iequals(expect, "100-continue")) {
        continue_ = {http::status::continue_, version_};
        return http::async_write(stream_, continue_,
                                 beast::bind_front_handler(&HttpSession::on_continue_sent,
                                                           shared_from_this()));
    }
    on_continue_sent({}, 0);
}

void HttpSession::on_continue_sent(beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "write");
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_ingest_body, shared_from_this()));
}

void HttpSession::on_ingest_body(beast::error_code ec, std::size_t) {
    if (ec && has_slot_) release_slot();  // no body to keep
    if (ec == http::error::body_limit) {
        // A chunked body (no Content-Length) that grew over the limit.
        ctx_.metrics.count_reject(pipeline::RejectReason::message_too_large);
        return refuse(413, pipeline::to_string(pipeline::RejectReason::message_too_large));
    }
    if (ec == beast::error::timeout) {
        ctx_.metrics.http_timeouts.fetch_add(1, std::memory_order_relaxed);
        return fail(ec, "read body");
    }
    if (ec) return fail(ec, "read body");
    stream_.expires_never();  // the answer waits for Kafka, not for the client
    std::string body = parser_->release().body();
    const std::size_t size = body.size();
    ctx_.metrics.bytes_received.fetch_add(size, std::memory_order_relaxed);
    const std::int64_t received_at = now_ms();
    // simdjson reads up to kParsePaddingBytes past the end.
    body.append(pipeline::kParsePaddingBytes, '\0');
    pipeline::parse_body_records_padded(ingest_parser(), std::string_view(body.data(), size),
                                        format_, ctx_.limits, received_at, pending_.records());
    accepted_ = pending_.records().accepted.size();
    rejected_ = pending_.rejections();
    pending_.start(received_at, ctx_.metrics, [self = shared_from_this()](bool ok) {
        net::post(self->stream_.get_executor(), [self, ok] { self->on_delivered(ok); });
    });
    do_produce();
}

void HttpSession::do_produce() {
    if (pending_.produce(ctx_.sink, ctx_.dead_letter_ids)) {
        // The body and the records' buffers are given back: the slot's memory is free.
        if (has_slot_) release_slot();
        return;  // on_delivered follows
    }
    // QUEUE_FULL: try again (never drop); the client waits for its answer meanwhile.
    retry_timer_.expires_after(kProduceRetryDelay);
    retry_timer_.async_wait(
        beast::bind_front_handler(&HttpSession::on_produce_retry, shared_from_this()));
}

void HttpSession::on_produce_retry(beast::error_code ec) {
    if (ec || !pending_.producing()) return;
    do_produce();
}

void HttpSession::on_delivered(bool ok) {
    std::string body;
    if (!ok) {
        // Kafka did not take every accepted event: nothing of this body is claimed; the
        // client sends it again (its event ids make that safe).
        append_error_json(body, "delivery_failed");
        auto res = ingest_response(503, std::move(body), keep_alive_);
        res.set(http::field::retry_after, std::to_string(ctx_.config.retry_after_s));
        return send(std::move(res));
    }
    // A body that is not JSON at all (or a whole-body rejection) is the client's error.
    const bool whole = accepted_ == 0 && rejected_.size() == 1 && rejected_[0].index == -1;
    append_ingest_result_json(body, accepted_, rejected_,
                              whole ? pipeline::to_string(rejected_[0].reason) : "");
    send(ingest_response(whole ? 400 : 200, std::move(body), keep_alive_));
}

HttpSession::Response HttpSession::ingest_response(unsigned status, std::string body,
                                                   bool keep_alive) {
    auto res = text_response(static_cast<http::status>(status), version_, keep_alive,
                             std::move(body), "application/json");
    if (!origin_.empty()) {
        res.set(http::field::access_control_allow_origin, origin_);
        res.set(http::field::access_control_expose_headers, "Retry-After");
    }
    res.set(http::field::vary, "Origin");
    return res;
}

void HttpSession::refuse(unsigned status, std::string_view reason, bool retry_after) {
    std::string body;
    append_error_json(body, reason);
    auto res = ingest_response(status, std::move(body), false);
    if (retry_after) res.set(http::field::retry_after, std::to_string(ctx_.config.retry_after_s));
    if (status == 401) res.set(http::field::www_authenticate, "Bearer");
    send(std::move(res));
}

// --- writing -----------------------------------------------------------------------------

void HttpSession::send(Response&& response) {
    response_ = std::move(response);
    const bool keep_alive = response_.keep_alive();
    stream_.expires_after(std::chrono::milliseconds(ctx_.config.write_timeout_ms));
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&HttpSession::on_write, shared_from_this(),
                                                keep_alive));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "write");
    if (!keep_alive) return do_linger();
    do_read();
}

void HttpSession::do_linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::milliseconds(ctx_.config.handshake_timeout_ms));
    linger_read();
}

void HttpSession::linger_read() {
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                if (!ec) self->linger_read();
                            });
}

}  // namespace gateway
