#include "server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>
#include <vector>

#include "ack_json.hpp"
#include "backpressure_gate.hpp"
#include "cors.hpp"
#include "gateway_context.hpp"
#include "kafka_producer.hpp"
#include "listener.hpp"
#include "message_slots.hpp"
#include "metrics.hpp"
#include "session_registry.hpp"
#include "static_files.hpp"
#ifdef GATEWAY_BENCH_MODES
#include "bench_modes.hpp"
#include "noop_sink.hpp"
#endif

namespace gateway {

namespace net = boost::asio;

namespace {

template <typename Predicate>
bool wait_until(Predicate done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

std::unique_ptr<EventSink> make_sink(const Config& config, Metrics& metrics,
                                     BackpressureGate& gate,
                                     KafkaProducer::FatalHandler on_fatal) {
#ifdef GATEWAY_BENCH_MODES
    if (bench::modes().noop_sink) return std::make_unique<NoopSink>(metrics, gate);
#endif
    return std::make_unique<KafkaProducer>(config, metrics, gate, std::move(on_fatal));
}

}  // namespace

// Declaration order is destruction order reversed: the io_context goes first (its pending
// handlers hold sessions, whose destructors touch the metrics and the registry).
struct Server::Impl {
    Config config;
    Metrics metrics;
    BackpressureGate gate;
    std::unique_ptr<EventSink> sink;
    SessionRegistry sessions;
    DeadLetterIds dead_letter_ids;
    MessageSlots message_slots;
    CorsPolicy cors;
    StaticFiles files;
    GatewayContext ctx;
    // One io_context shared by all threads, every connection on its own strand (Beast's
    // multi-threaded examples): the OS balances load across threads, a slow message on one
    // thread does not hold up the sockets queued behind it, and strands keep each
    // connection's handlers sequential without locks.
    net::io_context ioc;
    std::shared_ptr<Listener> listener;
    net::signal_set signals;
    net::steady_timer stats_timer;
    // Its own strand: shutdown() cancels it from another thread.
    net::strand<net::io_context::executor_type> heartbeat_strand;
    net::steady_timer heartbeat_timer;
    std::atomic<bool> heartbeats_stopped{false};
    std::vector<std::thread> threads;

    std::mutex mutex;
    std::condition_variable cv;
    int signal_number = 0;
    std::string fatal_error;  // set by the sink: the gateway can deliver nothing more

    // Summary line state.
    std::uint64_t last_accepted = 0;
    std::uint64_t last_messages = 0;
    std::uint64_t last_rejected = 0;

    // Heartbeat state (io threads, one timer: no lock needed).
    const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_event_at = started;
    std::uint64_t heartbeat_accepted = 0;

    explicit Impl(Config c)
        : config(std::move(c)),
          gate(config.queue_high_water, config.queue_low_water, metrics),
          sink(make_sink(config, metrics, gate,
                         [this](const std::string& reason) {
                             {
                                 std::lock_guard lock(mutex);
                                 fatal_error = reason;
                             }
                             cv.notify_all();
                         })),
          message_slots(config.message_slots()),
          cors(config.cors_origins),
          files(config.tracker_dir, config.shop_dir),
          ctx{config,
              pipeline::Limits{config.max_message_bytes, config.max_events_per_message},
              metrics, gate, *sink, sessions, dead_letter_ids, message_slots, cors, files},
          ioc(static_cast<int>(config.threads)),
          signals(ioc, SIGINT, SIGTERM),
          stats_timer(ioc),
          heartbeat_strand(net::make_strand(ioc)),
          heartbeat_timer(heartbeat_strand) {
        const auto address = net::ip::make_address(config.host);
        listener = std::make_shared<Listener>(ioc, net::ip::tcp::endpoint(address, config.port),
                                              ctx);
    }

    void schedule_stats() {
        stats_timer.expires_after(std::chrono::seconds(config.log_interval_s));
        stats_timer.async_wait([this](boost::system::error_code ec) {
            if (ec) return;
            log_summary();
            schedule_stats();
        });
    }

    // On the io_context, like the sessions: when they cannot run (a frozen or overloaded
    // process), no heartbeat says that all is quiet either.
    void schedule_heartbeat() {
        if (config.heartbeat_interval_ms == 0 || heartbeats_stopped.load()) return;
        heartbeat_timer.expires_after(std::chrono::milliseconds(config.heartbeat_interval_ms));
        heartbeat_timer.async_wait([this](boost::system::error_code ec) {
            if (ec || heartbeats_stopped.load()) return;
            heartbeat();
            schedule_heartbeat();
        });
    }

    // Quiet = up for longer than the reconnect grace (clients of a gateway that was down have
    // reconnected and resent) and reading sockets (a closed gate leaves messages in them).
    void heartbeat() {
        const auto now = std::chrono::steady_clock::now();
        if (const auto accepted = metrics.events_accepted.load(std::memory_order_relaxed);
            accepted != heartbeat_accepted) {
            heartbeat_accepted = accepted;
            last_event_at = now;
        }
        if (config.heartbeat_linger_ms != 0 &&
            now - last_event_at > std::chrono::milliseconds(config.heartbeat_linger_ms)) {
            return;  // long without events: nothing to make final, and nothing to write
        }
        const bool quiet =
            now - started >= std::chrono::milliseconds(config.reconnect_grace_ms) && !gate.closed();
        metrics.upstream_quiet.store(quiet ? 1 : 0, std::memory_order_relaxed);
        sink->send_heartbeats(quiet);
    }

    void log_summary() {
        const auto accepted = metrics.events_accepted.load();
        const auto messages = metrics.messages_received.load();
        const auto rejected = metrics.rejected_total();
        const double seconds = config.log_interval_s;
        spdlog::info(
            "summary connections={} messages_per_s={:.1f} events_per_s={:.1f} rejected={} "
            "delivered_total={} delivery_failures_total={} inflight={} kafka_queue={} "
            "kafka_up={} backpressure={}",
            metrics.connections_open.load(), (messages - last_messages) / seconds,
            (accepted - last_accepted) / seconds, rejected - last_rejected,
            metrics.events_delivered.load(), metrics.delivery_failures.load(), gate.in_flight(),
            metrics.kafka_queue_depth.load(), metrics.kafka_up.load(), gate.closed() ? 1 : 0);
        last_accepted = accepted;
        last_messages = messages;
        last_rejected = rejected;
    }

    void shutdown() {
        const auto timeout = std::chrono::milliseconds(config.shutdown_timeout_ms);
        spdlog::info("shutdown begin connections={} inflight={}", metrics.connections_open.load(),
                     gate.in_flight());
        ctx.stopping.store(true, std::memory_order_relaxed);
        // From here on nothing is quiet: no more heartbeats.
        heartbeats_stopped.store(true);
        net::dispatch(heartbeat_strand, [this] { heartbeat_timer.cancel(); });
        listener->stop();
        sessions.for_each([](ShutdownTarget& s) { s.stop_reading(); });
        const bool drained = sink->flush(timeout);
        if (!drained) {
            spdlog::warn("shutdown flush timed out after {} ms: in_flight={} undelivered "
                         "messages get no ack", timeout.count(), gate.in_flight());
            sink->purge();
        }
        // Every delivery report's completion is posted before the count drops to zero.
        wait_until([&] { return gate.in_flight() == 0; }, std::chrono::milliseconds(2000));
        gate.open_for_good();
        message_slots.open_for_good();
        sessions.for_each([](ShutdownTarget& s) { s.close_going_away(); });
        if (!wait_until([&] { return metrics.connections_open.load() == 0; },
                        std::chrono::milliseconds(5000))) {
            spdlog::warn("shutdown: {} connections did not close in time",
                         metrics.connections_open.load());
        }
        stats_timer.cancel();
        ioc.stop();
        for (auto& t : threads) t.join();
        threads.clear();
        sink->stop();
        log_summary();
        spdlog::info("shutdown done delivered_total={} delivery_failures_total={}",
                     metrics.events_delivered.load(), metrics.delivery_failures.load());
    }
};

Server::Server(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Server::~Server() = default;

int Server::run() {
    auto& s = *impl_;
    s.signals.async_wait([&s](boost::system::error_code ec, int signal_number) {
        if (ec) return;
        {
            std::lock_guard lock(s.mutex);
            s.signal_number = signal_number;
        }
        s.cv.notify_all();
    });
    s.sink->start();
    s.listener->run();
    s.schedule_stats();
    s.schedule_heartbeat();
    for (unsigned i = 0; i < s.config.threads; ++i) {
        s.threads.emplace_back([&s] { s.ioc.run(); });
    }
    spdlog::info("listening address={} port={} path=/ws/events threads={}", s.config.host,
                 s.listener->port(), s.config.threads);
    std::string fatal;
    {
        std::unique_lock lock(s.mutex);
        s.cv.wait(lock, [&s] { return s.signal_number != 0 || !s.fatal_error.empty(); });
        fatal = s.fatal_error;
    }
    if (!fatal.empty()) {
        // Unacknowledged messages get no ack (their clients resend them to the next gateway);
        // a supervisor (systemd, compose's restart policy, ./pipeline) starts a new process
        // with a new producer.
        spdlog::critical("exiting with code {}: kafka producer fatal error: {}", kExitKafkaFatal,
                         fatal);
        s.shutdown();
        return kExitKafkaFatal;
    }
    spdlog::info("signal={} received", s.signal_number);
    s.shutdown();
    return 0;
}

}  // namespace gateway
