#include "ws_client.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "ack.hpp"
#include "backoff.hpp"
#include "ws_url.hpp"

namespace pipeline::emulator {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMaxRejectionsKept = 100;
constexpr auto kIdleTimeout = std::chrono::seconds(30);
// Each message goes out as one frame, masked in one piece of up to this size and written
// with one send. Beast's client defaults (auto-fragment, 4 KiB) cut a 10 KB batch into 3
// frames and 3 sends, which cost both ends (the gateway reads, checks and wakes up per frame).
constexpr std::size_t kWriteBufferBytes = 64 * 1024;

// One TCP + WebSocket connection. A new one per (re)connect; handlers hold it alive, so a
// lost connection's late completions find it (and are ignored as stale).
struct Connection {
    Connection(const net::strand<net::io_context::executor_type>& strand, std::uint64_t id)
        : ws(strand), id(id) {}

    websocket::stream<beast::tcp_stream> ws;
    beast::flat_buffer buffer;
    websocket::response_type handshake_response;  // kept to report a refused upgrade
    std::uint64_t id;
};

}  // namespace

class WsClient::Impl : public std::enable_shared_from_this<Impl> {
public:
    Impl(net::io_context& ioc, const ClientConfig& config, std::string name)
        : config_(config),
          url_(parse_ws_url(config.url)),
          name_(std::move(name)),
          strand_(net::make_strand(ioc)),
          resolver_(strand_),
          timer_(strand_),
          backoff_(config.reconnect_min_ms, config.reconnect_max_ms, config.jitter_seed) {}

    // ---- thread-safe API ----

    void start() {
        net::post(strand_, [self = shared_from_this()] { self->do_resolve(); });
    }

    bool try_send(OutMessage& message, std::chrono::milliseconds timeout) {
        {
            std::unique_lock lock(mutex_);
            const auto room = [&] { return stopped_ || outstanding_messages_ < config_.window; };
            if (!room()) {
                ++producers_waiting_;
                const bool got_room = room_.wait_for(lock, timeout, room);
                --producers_waiting_;
                if (!got_room) return false;
            }
            if (stopped_) return false;
            ++outstanding_messages_;
            outstanding_events_ += message.event_count();
        }
        net::post(strand_, [self = shared_from_this(), m = std::move(message)]() mutable {
            self->on_enqueue(std::move(m));
        });
        return true;
    }

    bool wait_idle(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        return room_.wait_for(lock, timeout, [&] { return outstanding_messages_ == 0; });
    }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            if (stopped_) return;
            stopped_ = true;
        }
        room_.notify_all();
        net::post(strand_, [self = shared_from_this()] { self->do_stop(); });
    }

    ClientStats stats() const {
        ClientStats s;
        {
            std::lock_guard lock(stats_mutex_);
            s = stats_;
        }
        std::lock_guard lock(mutex_);
        s.unacked_messages = outstanding_messages_;
        s.unacked_events = outstanding_events_;
        return s;
    }

    std::vector<RejectedEvent> rejections() const {
        std::lock_guard lock(stats_mutex_);
        return rejections_;
    }

    LatencyHistogram latency() const {
        std::lock_guard lock(stats_mutex_);
        return latency_;
    }

private:
    struct Pending {
        OutMessage message;
        steady::time_point sent_at{};
        std::uint32_t writes = 0;
    };

    // ---- everything below runs on strand_ ----

    void on_enqueue(OutMessage message) {
        pending_.push_back(Pending{std::move(message)});
        do_write();
    }

    void do_resolve() {
        if (stopping_) return;
        resolver_.async_resolve(
            url_.host, url_.port,
            beast::bind_front_handler(&Impl::on_resolve, shared_from_this()));
    }

    void on_resolve(beast::error_code ec, const tcp::resolver::results_type& results) {
        if (stopping_) return;
        if (ec) return fail(nullptr, ec, "resolve");
        auto conn = std::make_shared<Connection>(strand_, ++connection_ids_);
        conn_ = conn;
        beast::get_lowest_layer(conn->ws).expires_after(
            std::chrono::milliseconds(config_.connect_timeout_ms));
        beast::get_lowest_layer(conn->ws).async_connect(
            results, beast::bind_front_handler(&Impl::on_connect, shared_from_this(), conn));
    }

    void on_connect(const std::shared_ptr<Connection>& conn, beast::error_code ec,
                    const tcp::endpoint&) {
        if (conn != conn_) return;
        if (ec) return fail(conn, ec, "connect");
        beast::get_lowest_layer(conn->ws).expires_never();
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = std::chrono::milliseconds(config_.connect_timeout_ms);
        timeouts.idle_timeout = kIdleTimeout;  // pings after half of it; a dead peer is noticed
        timeouts.keep_alive_pings = true;
        conn->ws.set_option(timeouts);
        conn->ws.set_option(websocket::stream_base::decorator(
            [token = config_.token](websocket::request_type& req) {
                req.set(http::field::user_agent, "behaviour-pipeline-emulator");
                if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
            }));
        conn->ws.text(true);
        conn->ws.auto_fragment(false);
        conn->ws.write_buffer_bytes(kWriteBufferBytes);
        // Host header: host:port as RFC 7230 wants it.
        conn->ws.async_handshake(
            conn->handshake_response, url_.host + ":" + url_.port, url_.target,
            beast::bind_front_handler(&Impl::on_handshake, shared_from_this(), conn));
    }

    void on_handshake(const std::shared_ptr<Connection>& conn, beast::error_code ec) {
        if (conn != conn_) return;
        if (ec == websocket::error::upgrade_declined) {
            // An HTTP answer instead of a WebSocket: not a transient network problem, so it
            // is logged on every attempt (the backoff cap bounds how often).
            const auto status = conn->handshake_response.result_int();
            spdlog::error("[{}] the gateway refused the WebSocket upgrade: HTTP {} {}{}", name_,
                          status, std::string(conn->handshake_response.reason()),
                          status == 401 || status == 403 ? " (check --token / GATEWAY_TOKEN)"
                                                         : "");
        }
        if (ec) return fail(conn, ec, "handshake");
        connected_ = true;
        written_ = 0;
        next_ack_ = 1;
        const bool reconnect = failures_in_row_ > 0 || ever_connected_;
        if (reconnect) {
            spdlog::info("[{}] reconnected to {}{}, sending {} unacknowledged messages first",
                         name_, config_.url,
                         failures_in_row_ > 0
                             ? fmt::format(" after {} failed attempts", failures_in_row_)
                             : std::string(),
                         pending_.size());
        } else {
            spdlog::info("[{}] connected to {}", name_, config_.url);
        }
        ever_connected_ = true;
        failures_in_row_ = 0;
        {
            std::lock_guard lock(stats_mutex_);
            ++stats_.connects;
            stats_.connected = true;
        }
        do_read(conn);
        do_write();
    }

    void do_write() {
        if (!conn_ || !connected_ || writing_ || written_ >= pending_.size()) return;
        Pending& p = pending_[written_++];
        p.sent_at = steady::now();
        {
            std::lock_guard lock(stats_mutex_);
            if (p.writes == 0) {
                ++stats_.messages_sent;
                stats_.events_sent += p.message.event_count();
            } else {
                ++stats_.messages_resent;
                stats_.events_resent += p.message.event_count();
            }
        }
        ++p.writes;
        writing_ = true;
        // The handler holds the payload: an ack (and pop) may come before the write completes.
        conn_->ws.async_write(net::buffer(*p.message.payload),
                              beast::bind_front_handler(&Impl::on_write, shared_from_this(),
                                                        conn_, p.message.payload));
    }

    void on_write(const std::shared_ptr<Connection>& conn,
                  const std::shared_ptr<const std::string>& /*payload*/, beast::error_code ec,
                  std::size_t) {
        if (conn != conn_) return;
        writing_ = false;
        if (ec) return fail(conn, ec, "write");
        do_write();
    }

    void do_read(const std::shared_ptr<Connection>& conn) {
        conn->ws.async_read(conn->buffer,
                            beast::bind_front_handler(&Impl::on_read, shared_from_this(), conn));
    }

    void on_read(const std::shared_ptr<Connection>& conn, beast::error_code ec, std::size_t) {
        if (conn != conn_) return;
        if (ec) return fail(conn, ec, "read");
        const std::string text = beast::buffers_to_string(conn->buffer.data());
        conn->buffer.consume(conn->buffer.size());

        std::string error;
        const auto ack = parse_ack(text, error);
        if (!ack) return protocol_error(conn, fmt::format("{}: {:.200}", error, text));
        if (written_ == 0 || ack->ack != next_ack_) {
            return protocol_error(
                conn, fmt::format("ack {} but expected {} ({} messages written)", ack->ack,
                                  next_ack_, written_));
        }
        on_ack(*ack);
        do_read(conn);
    }

    void on_ack(const Ack& ack) {
        Pending p = std::move(pending_.front());
        pending_.pop_front();
        --written_;
        ++next_ack_;
        const OutMessage& m = p.message;
        const std::size_t events = m.event_count();
        const auto micros =
            std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - p.sent_at);
        {
            std::lock_guard lock(stats_mutex_);
            ++stats_.messages_acked;
            latency_.record(micros.count());
            std::uint64_t rejected = 0;
            for (const auto& r : ack.rejected) {
                if (r.index < 0) {
                    rejected = events;  // the whole message
                    if (rejections_.size() < kMaxRejectionsKept) {
                        rejections_.push_back({"(whole message)", r.index, r.reason});
                    }
                    break;
                }
                ++rejected;
                if (rejections_.size() < kMaxRejectionsKept) {
                    const auto i = static_cast<std::size_t>(r.index);
                    rejections_.push_back(
                        {i < events ? m.event_id(i) : std::string("(index out of range)"), r.index,
                         r.reason});
                }
            }
            stats_.events_rejected += rejected;
            stats_.events_accepted += ack.accepted;
            if (ack.accepted + rejected != events) ++stats_.protocol_errors;
        }
        bool wake_producer = false;
        bool idle = false;
        {
            std::lock_guard lock(mutex_);
            --outstanding_messages_;
            outstanding_events_ -= events;
            // A producer waiting on a full window is woken when an eighth of the window is
            // free (the count passes that mark once on its way down), not on every ack: a
            // wake-up and two context switches per message were a sixth of the load client's
            // CPU. It then refills those slots in one go. The window's bound is unchanged.
            wake_producer =
                producers_waiting_ > 0 && outstanding_messages_ + refill_ == config_.window;
            idle = outstanding_messages_ == 0;  // for wait_idle
        }
        if (wake_producer) {
            std::lock_guard lock(stats_mutex_);
            ++stats_.room_wakeups;
        }
        if (wake_producer || idle) room_.notify_all();
        backoff_.reset();  // this connection works
    }

    void protocol_error(const std::shared_ptr<Connection>& conn, const std::string& what) {
        spdlog::error("[{}] protocol error, reconnecting: {}", name_, what);
        {
            std::lock_guard lock(stats_mutex_);
            ++stats_.protocol_errors;
        }
        fail(conn, beast::error_code{}, "ack");
    }

    // A lost connection (or a failed attempt): drop it, keep every unacked message, retry.
    void fail(const std::shared_ptr<Connection>& conn, beast::error_code ec, const char* where) {
        if (conn != conn_) return;
        const bool was_connected = connected_;
        if (conn) {
            beast::error_code ignored;
            beast::get_lowest_layer(conn->ws).socket().close(ignored);
        }
        conn_.reset();
        connected_ = false;
        writing_ = false;
        written_ = 0;
        if (was_connected) {
            std::lock_guard lock(stats_mutex_);
            stats_.connected = false;
            if (!stopping_) ++stats_.disconnects;
        }
        if (stopping_) return;
        // A closed socket is a normal event; repeated failures while the gateway is down
        // are logged once, then at debug level.
        const bool normal = ec == websocket::error::closed || ec == net::error::eof;
        const std::string why = !ec ? "protocol error" : normal ? "closed by the gateway" : ec.message();
        if (was_connected) {
            spdlog::warn("[{}] connection lost ({}: {}), {} unacknowledged messages kept", name_,
                         where, why, pending_.size());
        } else if (failures_in_row_ == 0) {
            spdlog::warn("[{}] cannot reach {} ({}: {}), retrying with backoff", name_,
                         config_.url, where, why);
        } else {
            spdlog::debug("[{}] attempt {} failed ({}: {})", name_, failures_in_row_ + 1, where,
                          ec.message());
        }
        if (!was_connected) ++failures_in_row_;
        schedule_reconnect();
    }

    void schedule_reconnect() {
        const auto delay = std::chrono::milliseconds(backoff_.next_delay_ms());
        timer_.expires_after(delay);
        timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (ec || self->stopping_) return;
            self->do_resolve();
        });
    }

    void do_stop() {
        stopping_ = true;
        timer_.cancel();
        resolver_.cancel();
        maybe_close();
    }

    // While stopping: a clean WebSocket close when nothing is in flight, else a hard close
    // (the caller has already waited for the acks it was willing to wait for).
    void maybe_close() {
        if (!conn_ || closing_) return;
        if (connected_ && !writing_ && pending_.empty()) {
            closing_ = true;
            conn_->ws.async_close(websocket::close_code::normal,
                                  [self = shared_from_this(), conn = conn_](beast::error_code) {
                                      self->fail(conn, {}, "close");
                                  });
        } else {
            fail(conn_, {}, "stop");
        }
    }

    const ClientConfig config_;
    const WsUrl url_;
    const std::string name_;
    net::strand<net::io_context::executor_type> strand_;
    tcp::resolver resolver_;
    net::steady_timer timer_;
    Backoff backoff_;

    // strand state
    std::shared_ptr<Connection> conn_;
    std::uint64_t connection_ids_ = 0;
    std::deque<Pending> pending_;  // every unacknowledged message, oldest first
    std::size_t written_ = 0;      // pending_[0, written_) were written on this connection
    std::uint64_t next_ack_ = 1;
    bool connected_ = false;
    bool writing_ = false;
    bool stopping_ = false;
    bool closing_ = false;
    bool ever_connected_ = false;
    int failures_in_row_ = 0;

    // back-pressure, shared with producer threads
    mutable std::mutex mutex_;
    std::condition_variable room_;
    const std::size_t refill_ = std::max<std::size_t>(1, config_.window / 8);
    std::size_t producers_waiting_ = 0;
    std::size_t outstanding_messages_ = 0;
    std::size_t outstanding_events_ = 0;
    bool stopped_ = false;

    mutable std::mutex stats_mutex_;
    ClientStats stats_;
    std::vector<RejectedEvent> rejections_;
    LatencyHistogram latency_;
};

WsClient::WsClient(net::io_context& ioc, const ClientConfig& config, std::string name)
    : impl_(std::make_shared<Impl>(ioc, config, std::move(name))) {}

WsClient::~WsClient() { impl_->stop(); }

void WsClient::start() { impl_->start(); }

bool WsClient::try_send(OutMessage& message, std::chrono::milliseconds timeout) {
    return impl_->try_send(message, timeout);
}

bool WsClient::wait_idle(std::chrono::milliseconds timeout) { return impl_->wait_idle(timeout); }

void WsClient::stop() { impl_->stop(); }

ClientStats WsClient::stats() const { return impl_->stats(); }

std::vector<RejectedEvent> WsClient::rejections() const { return impl_->rejections(); }

LatencyHistogram WsClient::latency() const { return impl_->latency(); }

}  // namespace pipeline::emulator
