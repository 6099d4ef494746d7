#include "ws_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "ack_json.hpp"
#include "backpressure_gate.hpp"
#include "common/message_parser.hpp"
#include "gateway_context.hpp"
#include "message_slots.hpp"
#include "event_sink.hpp"
#include "metrics.hpp"
#include "pending_message.hpp"
#include "rate_limited_log.hpp"
#include "session_registry.hpp"
#ifdef GATEWAY_BENCH_MODES
#include "bench_modes.hpp"
#endif

namespace gateway {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
// A buffer grown by one large message is given back when it is above this.
constexpr std::size_t kKeepBufferCapacity = 256 * 1024;
// produce() said QUEUE_FULL: try again after this long (the socket is not read meanwhile).
constexpr auto kProduceRetryDelay = std::chrono::milliseconds(20);

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A peer that goes away is a normal event, not an error.
bool is_disconnect(const beast::error_code& ec) {
    return ec == websocket::error::closed || ec == net::error::eof ||
           ec == net::error::operation_aborted || ec == net::error::connection_reset ||
           ec == net::error::broken_pipe || ec == beast::error::timeout ||
           ec == net::error::not_connected;
}

RateLimitedLog& error_log() {
    static RateLimitedLog log{std::chrono::seconds(10)};
    return log;
}

// One WebSocket connection: reads messages one at a time, validates them, produces their
// records, and writes one ack per message in message order once every valid event of that
// message has a successful delivery report. All state is touched only on the socket's
// strand; delivery reports and backpressure wake-ups are posted to it.
//
// Bounded by construction: one message buffer (<= max_message_bytes + padding), at most
// max_inflight_messages unacknowledged messages (acks_ + write_queue_), one write in flight.
// A message's buffers grow past its first MessageSlots::kSlotlessReadBytes only while the
// connection holds a message slot, which bounds them across all connections.
class WsSession : public ShutdownTarget, public std::enable_shared_from_this<WsSession> {
public:
    WsSession(tcp::socket&& socket, GatewayContext& ctx)
        : ws_(std::move(socket)),
          ctx_(ctx),
          retry_timer_(ws_.get_executor()),
          write_timer_(ws_.get_executor()) {}

    ~WsSession() override {
        if (has_slot_) release_slot();
        if (registry_id_ != 0) ctx_.sessions.remove(registry_id_);
        ctx_.metrics.connections_open.fetch_sub(1, std::memory_order_relaxed);
    }

    void run(http::request<http::string_body> request) {
        // Beast's server timeouts, configurable: the upgrade response and the close handshake
        // get GATEWAY_HANDSHAKE_TIMEOUT_MS; a connection silent for half of
        // GATEWAY_IDLE_TIMEOUT_MS is pinged, and closed when nothing at all (not even the
        // pong) arrives for the whole of it. A live client's WebSocket library answers pings.
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = std::chrono::milliseconds(ctx_.config.handshake_timeout_ms);
        if (ctx_.config.idle_timeout_ms == 0) {
            timeouts.idle_timeout = websocket::stream_base::none();
        } else {
            timeouts.idle_timeout = std::chrono::milliseconds(ctx_.config.idle_timeout_ms);
        }
        timeouts.keep_alive_pings = true;
        ws_.set_option(timeouts);
        ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
            res.set(http::field::server, "behaviour-pipeline-gateway");
        }));
        // A message over GATEWAY_MAX_MESSAGE_BYTES is read and discarded by do_read/on_read, so
        // the client gets a message_too_large ack and the connection lives. Beyond
        // GATEWAY_MAX_DISCARD_BYTES Beast fails the read as soon as a frame header announces
        // that size (before its payload arrives) and closes with 1009: a header claiming
        // terabytes costs nothing and does not hold the connection for ever.
        ws_.read_message_max(ctx_.config.max_discard_bytes);
        ws_.auto_fragment(false);
        ws_.async_accept(request, beast::bind_front_handler(&WsSession::on_accept,
                                                            shared_from_this()));
    }

    void stop_reading() override {
        net::post(ws_.get_executor(), [self = shared_from_this()] {
            self->stop_reading_ = true;
            self->shutting_down_ = true;
        });
    }

    void close_going_away() override {
        net::post(ws_.get_executor(), [self = shared_from_this()] {
            self->stop_reading_ = true;
            self->shutting_down_ = true;
            self->abandon_message();
            self->request_close(websocket::close_code::going_away);
        });
    }

private:
    struct AckSlot {
        std::uint64_t n = 0;
        std::size_t accepted = 0;
        std::vector<AckRejection> rejected;
        enum class State { pending, delivered, failed } state = State::pending;
    };

    void fail(beast::error_code ec, const char* where) {
        if (is_disconnect(ec)) {
            spdlog::debug("ws closed where={} error={}", where, ec.message());
        } else {
            error_log().warn("ws error where={} error={}", where, ec.message());
        }
    }

    void on_accept(beast::error_code ec) {
        if (ec) return fail(ec, "accept");
        ctx_.metrics.connections_total.fetch_add(1, std::memory_order_relaxed);
        registry_id_ = ctx_.sessions.add(weak_from_this());
        ws_.text(true);
        do_read();
    }

    bool at_message_start() const { return message_bytes_ == 0 && !discarding_; }

    void do_read() {
        if (reading_ || peer_gone_ || close_requested_ || pending_.producing() ||
            waiting_for_gate_ || waiting_for_slot_) {
            return;
        }
        if (at_message_start()) {
            if (stop_reading_) return;
            if (acks_.size() + write_queue_.size() >= ctx_.config.max_inflight_messages) {
                return;  // flush_acks / on_write call do_read again
            }
        } else if (!discarding_ && !has_slot_ && !acquire_slot()) {
            return;  // on_slot calls do_read again
        }
        // The waiter holds the session: a paused session may have nothing else pending.
        // (Shutdown calls every waiter via BackpressureGate::open_for_good before the
        // io_context stops, so none outlives it.)
        const bool pass = ctx_.gate.try_pass([self = shared_from_this()] {
            net::post(self->ws_.get_executor(), [self] {
                self->waiting_for_gate_ = false;
                self->do_read();
            });
        });
        if (!pass) {
            waiting_for_gate_ = true;
            return;
        }
        std::size_t limit = kReadChunk;
        if (!discarding_) {
            // Read at most one byte past the limit: enough to know the message is too large.
            limit = std::min(limit, ctx_.config.max_message_bytes + 1 - buffer_.size());
            // Without a slot, only the start of a message (at message start: buffer_ is empty).
            if (!has_slot_) limit = std::min(limit, MessageSlots::kSlotlessReadBytes);
        }
        reading_ = true;
        ws_.async_read_some(buffer_, limit,
                            beast::bind_front_handler(&WsSession::on_read, shared_from_this()));
    }

    // The message goes on past its first read: its buffers may grow to the largest message,
    // so it needs a message slot. False: none free; on_slot runs when one is handed over.
    bool acquire_slot() {
        const bool got = ctx_.message_slots.try_acquire([self = shared_from_this()] {
            net::post(self->ws_.get_executor(), [self] { self->on_slot(); });
        });
        if (!got) {
            waiting_for_slot_ = true;
            ctx_.metrics.message_slot_waits.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
        has_slot_ = true;
        ctx_.metrics.message_slots_in_use.fetch_add(1, std::memory_order_relaxed);
        return true;
    }

    void on_slot() {
        waiting_for_slot_ = false;
        has_slot_ = true;
        ctx_.metrics.message_slots_in_use.fetch_add(1, std::memory_order_relaxed);
        if (peer_gone_) return release_slot();
        do_read();
    }

    // Gives the slot back with the memory its message grew (the buffers are empty by now).
    void release_slot() {
        buffer_.shrink_to_fit();
        if (!pending_.producing()) pending_ = {};
        has_slot_ = false;
        ctx_.metrics.message_slots_in_use.fetch_sub(1, std::memory_order_relaxed);
        ctx_.message_slots.release();
    }

    void on_read(beast::error_code ec, std::size_t bytes) {
        reading_ = false;
        if (ec) {
            peer_gone_ = true;
            abandon_message();
            if (has_slot_) release_slot();
            if (ec == websocket::error::message_too_big) {
                // Beast has sent the 1009 close frame; this is the client's doing, not ours.
                ctx_.metrics.message_too_big_closes.fetch_add(1, std::memory_order_relaxed);
                spdlog::debug("ws closed with 1009: message over max_discard_bytes={}",
                              ctx_.config.max_discard_bytes);
                return;
            }
            return fail(ec, "read");
        }
        ctx_.metrics.bytes_received.fetch_add(bytes, std::memory_order_relaxed);
        if (message_bytes_ == 0 && !discarding_ && ws_.got_binary()) {
            // Text only (contract section 3): a binary message is rejected whole and never buffered.
            discard_reason_ = pipeline::RejectReason::binary_message;
            discarding_ = true;
        }
        message_bytes_ += bytes;
        if (discarding_) {
            buffer_.consume(buffer_.size());
        } else if (buffer_.size() > ctx_.config.max_message_bytes) {
            // Keep the start for the dead letter, drop the rest as it arrives.
            const auto data = buffer_.data();
            too_large_prefix_ = pipeline::truncate_raw(
                std::string_view(static_cast<const char*>(data.data()), data.size()));
            buffer_.consume(buffer_.size());
            discard_reason_ = pipeline::RejectReason::message_too_large;
            discarding_ = true;
        }
        if (!ws_.is_message_done()) return do_read();
        on_message();
    }

    void on_message() {
        const std::uint64_t n = ++messages_;
        const std::int64_t received_at = now_ms();
        ctx_.metrics.messages_received.fetch_add(1, std::memory_order_relaxed);
        // The records are written into the session's own buffers (reused from message to
        // message), so nothing is allocated per event and a QUEUE_FULL retry still has them
        // after this thread's parser has moved on to other connections' messages.
        auto& records = pending_.records();
        records.clear();
#ifdef GATEWAY_BENCH_MODES
        // gateway-bench's GATEWAY_PARSE=off: the message counts as one accepted event, unread.
        const std::size_t unparsed_accepted = !discarding_ && !bench::modes().parse ? 1 : 0;
#else
        constexpr std::size_t unparsed_accepted = 0;
#endif
        if (discarding_) {
            // A binary message keeps no payload (it need not be text the dead letter can hold).
            records.rejected.push_back(pipeline::RejectedEntry{
                -1, discard_reason_, std::move(too_large_prefix_)});
            too_large_prefix_.clear();
        } else if (unparsed_accepted == 0) {
            // simdjson reads up to 64 bytes past the end: give it zeroed, owned bytes there
            // instead of copying the message.
            const std::size_t size = buffer_.size();
            const auto pad = buffer_.prepare(pipeline::kParsePaddingBytes);
            std::memset(pad.data(), 0, pad.size());
            const auto data = buffer_.data();
            pipeline::parse_records_padded(
                std::string_view(static_cast<const char*>(data.data()), size), ctx_.limits,
                received_at, records);
        }
        buffer_.clear();
        if (buffer_.capacity() > kKeepBufferCapacity) buffer_.shrink_to_fit();
        message_bytes_ = 0;
        discarding_ = false;

        AckSlot slot;
        slot.n = n;
        slot.accepted = records.accepted.size() + unparsed_accepted;
        slot.rejected = pending_.rejections();
        if (unparsed_accepted != 0) {
            ctx_.metrics.events_accepted.fetch_add(unparsed_accepted, std::memory_order_relaxed);
        }
        acks_.push_back(std::move(slot));

        pending_.start(received_at, ctx_.metrics, [self = shared_from_this(), n](bool ok) {
            net::post(self->ws_.get_executor(), [self, n, ok] { self->on_delivered(n, ok); });
        });
        do_produce();
    }

    // Produces the pending message's records; on QUEUE_FULL waits and retries (never drops).
    void do_produce() {
        if (!pending_.produce(ctx_.sink, ctx_.dead_letter_ids)) return retry_produce_later();
        if (has_slot_) release_slot();
        do_read();
    }

    void retry_produce_later() {
        retry_timer_.expires_after(kProduceRetryDelay);
        retry_timer_.async_wait(
            beast::bind_front_handler(&WsSession::on_retry, shared_from_this()));
    }

    void on_retry(beast::error_code ec) {
        if (ec || !pending_.producing()) return;  // cancelled: abandon_message already ran
        do_produce();
    }

    // Not ok: the rest of the message is never produced.
    void abandon_message() {
        if (!pending_.producing()) return;
        retry_timer_.cancel();
        pending_.abandon();
        if (has_slot_) release_slot();
    }

    void on_delivered(std::uint64_t n, bool ok) {
        if (acks_.empty() || n < acks_.front().n) return;  // dropped by a failure close
        const std::size_t i = n - acks_.front().n;
        if (i >= acks_.size()) return;
        acks_[i].state = ok ? AckSlot::State::delivered : AckSlot::State::failed;
        flush_acks();
    }

    // Moves the acks that are ready, in message order, to the write queue.
    void flush_acks() {
        while (!acks_.empty() && acks_.front().state != AckSlot::State::pending) {
            if (acks_.front().state == AckSlot::State::failed) {
                // Never claim an event that is not in Kafka: no ack for this message or any
                // later one; close so the client resends everything unacknowledged.
                // During shutdown (purged records) the close is the ordinary 1001.
                if (!shutting_down_) {
                    error_log().warn("kafka delivery failed: closing connection ack={} unacked={}",
                                     acks_.front().n, acks_.size());
                }
                acks_.clear();
                stop_reading_ = true;
                abandon_message();
                request_close(shutting_down_ ? websocket::close_code::going_away
                                             : websocket::close_code::internal_error);
                break;
            }
            const AckSlot& slot = acks_.front();
            std::string text;
            append_ack_json(text, slot.n, slot.accepted, slot.rejected);
            write_queue_.push_back(std::move(text));
            acks_.pop_front();
        }
        do_write();
        do_read();
    }

    void do_write() {
        if (writing_ || write_queue_.empty() || peer_gone_ || close_started_) return;
        writing_ = true;
        arm_write_timer();
        ws_.async_write(net::buffer(write_queue_.front()),
                        beast::bind_front_handler(&WsSession::on_write, shared_from_this()));
    }

    // A client that does not read its acks fills the socket buffers, and then a write never
    // completes. Reading has stopped by then (max_inflight_messages), so the session holds a
    // bounded amount; this watchdog closes the socket when one write (an ack or the close
    // frame) has waited GATEWAY_WRITE_TIMEOUT_MS, so such a client does not keep its slot for
    // ever. A timer of our own: Beast's websocket stream manages the tcp_stream's deadline
    // itself (its idle timeout), so expires_after on the lowest layer would not hold.
    void arm_write_timer() {
        const std::uint64_t write = ++writes_started_;
        write_timer_.expires_after(std::chrono::milliseconds(ctx_.config.write_timeout_ms));
        write_timer_.async_wait([self = shared_from_this(), write](beast::error_code ec) {
            if (ec || write != self->writes_started_ || !(self->writing_ || self->closing_)) return;
            self->ctx_.metrics.write_timeouts.fetch_add(1, std::memory_order_relaxed);
            error_log().warn("ws write timed out after {} ms: closing a client that does not read",
                             self->ctx_.config.write_timeout_ms);
            beast::get_lowest_layer(self->ws_).close();  // the pending write fails
        });
    }

    void on_write(beast::error_code ec, std::size_t) {
        writing_ = false;
        write_timer_.cancel();
        if (ec) {
            peer_gone_ = true;
            write_queue_.clear();
            abandon_message();
            return fail(ec, "write");
        }
        ctx_.metrics.acks_sent.fetch_add(1, std::memory_order_relaxed);
        write_queue_.pop_front();
        do_write();
        maybe_close();
        do_read();
    }

    void request_close(websocket::close_code code) {
        if (close_requested_) return;
        close_requested_ = true;
        close_code_ = code;
        maybe_close();
    }

    // Closes once every queued ack is written (one write at a time, close after it).
    void maybe_close() {
        if (!close_requested_ || close_started_ || writing_ || !write_queue_.empty() || peer_gone_) {
            return;
        }
        close_started_ = true;
        closing_ = true;
        arm_write_timer();
        ws_.async_close(close_code_,
                        beast::bind_front_handler(&WsSession::on_close, shared_from_this()));
    }

    void on_close(beast::error_code ec) {
        closing_ = false;
        write_timer_.cancel();
        peer_gone_ = true;
        if (ec) return fail(ec, "close");
    }

    websocket::stream<beast::tcp_stream> ws_;
    GatewayContext& ctx_;
    net::steady_timer retry_timer_;
    net::steady_timer write_timer_;        // the write watchdog (arm_write_timer)
    std::uint64_t writes_started_ = 0;     // which write the watchdog is watching
    std::uint64_t registry_id_ = 0;

    // Reading.
    beast::flat_buffer buffer_;
    std::size_t message_bytes_ = 0;  // bytes of the current message so far
    bool discarding_ = false;        // the current message is over the limit, or binary
    pipeline::RejectReason discard_reason_ = pipeline::RejectReason::message_too_large;
    std::string too_large_prefix_;
    bool reading_ = false;
    bool waiting_for_gate_ = false;
    bool has_slot_ = false;          // the current message holds a message slot
    bool waiting_for_slot_ = false;
    bool stop_reading_ = false;
    bool shutting_down_ = false;  // SIGTERM: failures close with 1001, not 1011
    bool peer_gone_ = false;
    std::uint64_t messages_ = 0;

    // Producing the current message.
    PendingMessage pending_;

    // Acknowledging.
    std::deque<AckSlot> acks_;
    std::deque<std::string> write_queue_;
    bool writing_ = false;

    // Closing.
    bool close_requested_ = false;
    bool close_started_ = false;
    bool closing_ = false;  // async_close in progress
    websocket::close_code close_code_ = websocket::close_code::normal;
};

}  // namespace

void start_ws_session(tcp::socket socket, http::request<http::string_body> request,
                      GatewayContext& ctx) {
    std::make_shared<WsSession>(std::move(socket), ctx)->run(std::move(request));
}

}  // namespace gateway
