// HTTP counterpart of `emulator load` for the "gateway ingest" benchmark: --connections
// keep-alive connections, each posting one batch of --batch events to POST /v1/events and
// waiting for its answer (which comes once Kafka has the events), for --duration seconds.
// Events are shaped like the baseline producer's (~--event-bytes bytes, random ids, users and
// pages). One thread, asynchronous, so the client costs little of the shared cores.
// Prints one JSON line on stdout:
//   {"mode":"http_load","connections":..,"batch":..,"requests":..,"events_acked":..,
//    "events_rejected":..,"failed_requests":..,"events_per_s":..,"latency_ms":{"p50":..,"p99":..}}
// events_per_s = acknowledged events / time from the start to the last answer, as the others.
//
//   http_load --port 8080 [--connections 4] [--batch 50] [--duration 10] [--event-bytes 200]
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;

struct Options {
    std::uint16_t port = 8080;
    std::size_t connections = 4;
    std::size_t batch = 50;
    double duration_s = 10;
    std::size_t event_bytes = 200;
    std::uint64_t seed = 1;
};

struct Totals {
    std::uint64_t requests = 0, acked = 0, rejected = 0, failed = 0;
    std::vector<double> latencies_ms;
    steady::time_point last_answer;
};

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(net::io_context& ioc, const Options& o, Totals& totals, steady::time_point end,
               std::uint64_t seed)
        : stream_(ioc), o_(o), totals_(totals), end_(end), rng_(seed) {}

    void start() {
        stream_.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), o_.port),
                              [self = shared_from_this()](beast::error_code ec) {
                                  if (ec) return self->fail("connect", ec);
                                  self->post();
                              });
    }

private:
    void append_event(std::string& out) {
        static const char* kTypes[] = {"page_view", "page_view", "page_view", "click",
                                       "page_view", "add_to_cart", "search", "purchase"};
        char id[40], user[32], page[32];
        std::snprintf(id, sizeof id, "%016" PRIx64 "%016" PRIx64, rng_(), rng_());
        std::snprintf(user, sizeof user, "http-%" PRIu64 "-%05" PRIu64, rng_() % 4, rng_() % 20000);
        std::snprintf(page, sizeof page, "/item/%" PRIu64, rng_() % 100000);
        const char* type = kTypes[rng_() % 8];
        const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
        const std::size_t start = out.size();
        out += "{\"event_id\":\""; out += id;
        out += "\",\"user_id\":\""; out += user;
        out += "\",\"type\":\""; out += type;
        out += "\",\"ts\":"; out += std::to_string(now_ms);
        out += ",\"page\":\""; out += page;
        out += "\",\"props\":{\"category_id\":\""; out += std::to_string(rng_() % 500);
        out += "\",\"pad\":\"";
        const std::size_t so_far = out.size() - start + 3;
        out.append(o_.event_bytes > so_far ? o_.event_bytes - so_far : 0, 'x');
        out += "\"}}";
    }

    void post() {
        if (steady::now() >= end_) return;
        request_ = {http::verb::post, "/v1/events", 11};
        request_.set(http::field::host, "127.0.0.1");
        request_.set(http::field::content_type, "application/json");
        auto& body = request_.body();
        body.push_back('[');
        for (std::size_t i = 0; i < o_.batch; ++i) {
            if (i) body.push_back(',');
            append_event(body);
        }
        body.push_back(']');
        request_.prepare_payload();
        sent_at_ = steady::now();
        http::async_write(stream_, request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->fail("write", ec);
            self->response_ = {};
            http::async_read(self->stream_, self->buffer_, self->response_,
                             [self](beast::error_code rec, std::size_t) { self->on_answer(rec); });
        });
    }

    void on_answer(beast::error_code ec) {
        if (ec) return fail("read", ec);
        const auto now = steady::now();
        ++totals_.requests;
        totals_.last_answer = std::max(totals_.last_answer, now);
        totals_.latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - sent_at_).count());
        const auto& body = response_.body();
        const auto at = body.find("\"accepted\":");
        if (response_.result_int() != 200 || at == std::string::npos) {
            ++totals_.failed;
        } else {
            const auto accepted = std::stoull(body.substr(at + 11));
            totals_.acked += accepted;
            totals_.rejected += o_.batch - accepted;
        }
        post();
    }

    void fail(const char* where, beast::error_code ec) {
        ++totals_.failed;
        std::fprintf(stderr, "http_load: %s: %s\n", where, ec.message().c_str());
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> request_;
    http::response<http::string_body> response_;
    const Options& o_;
    Totals& totals_;
    steady::time_point end_;
    steady::time_point sent_at_;
    std::mt19937_64 rng_;
};

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    CLI::App app{"POST /v1/events load for the gateway ingest benchmark"};
    app.add_option("--port", o.port, "gateway port on 127.0.0.1");
    app.add_option("--connections", o.connections, "keep-alive connections");
    app.add_option("--batch", o.batch, "events per request");
    app.add_option("--duration", o.duration_s, "seconds");
    app.add_option("--event-bytes", o.event_bytes, "approximate size of one event");
    app.add_option("--seed", o.seed, "random seed");
    CLI11_PARSE(app, argc, argv);

    net::io_context ioc;
    Totals totals;
    const auto start = steady::now();
    totals.last_answer = start;
    const auto end = start + std::chrono::duration_cast<steady::duration>(
                                 std::chrono::duration<double>(o.duration_s));
    for (std::size_t c = 0; c < o.connections; ++c) {
        std::make_shared<Connection>(ioc, o, totals, end, o.seed * 1000 + c)->start();
    }
    ioc.run();  // each connection stops posting at `end` and finishes its last request
    const double elapsed = std::chrono::duration<double>(totals.last_answer - start).count();
    const double rate = elapsed > 0 ? static_cast<double>(totals.acked) / elapsed : 0;
    std::printf("{\"mode\":\"http_load\",\"connections\":%zu,\"batch\":%zu,\"event_bytes\":%zu,"
                "\"requests\":%" PRIu64 ",\"events_acked\":%" PRIu64 ",\"events_rejected\":%" PRIu64
                ",\"failed_requests\":%" PRIu64 ",\"duration_s\":%.3f,\"events_per_s\":%.1f,"
                "\"latency_ms\":{\"p50\":%.2f,\"p99\":%.2f}}\n",
                o.connections, o.batch, o.event_bytes, totals.requests, totals.acked, totals.rejected,
                totals.failed, elapsed, rate, percentile(totals.latencies_ms, 0.5),
                percentile(totals.latencies_ms, 0.99));
    return totals.failed == 0 ? 0 : 1;
}
