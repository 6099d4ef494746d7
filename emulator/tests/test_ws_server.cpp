#include "test_ws_server.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <array>
#include <mutex>
#include <optional>
#include <thread>

namespace pipeline::emulator::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class TestWsServer::Impl : public std::enable_shared_from_this<Impl> {
public:
    explicit Impl(TestServerOptions options)
        : options_(std::move(options)), acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {}

    void start() {
        do_accept();
        thread_ = std::thread([this] { ioc_.run(); });
    }

    void stop() {
        ioc_.stop();
        if (thread_.joinable()) thread_.join();
    }

    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    // Called by sessions (on the server thread).
    std::size_t record_message(std::size_t conn, std::vector<std::string> ids) {
        std::lock_guard lock(mutex_);
        received_[conn].push_back(std::move(ids));
        return received_[conn].size();
    }
    void record_ack(std::size_t conn, const std::vector<std::string>& accepted) {
        std::lock_guard lock(mutex_);
        ++acked_[conn];
        for (const auto& id : accepted) ++accepted_[id];
    }
    void record_auth(std::string auth) {
        std::lock_guard lock(mutex_);
        authorization_ = std::move(auth);
    }

    const TestServerOptions& options() const { return options_; }

    // Snapshots for the test thread.
    mutable std::mutex mutex_;
    std::vector<std::vector<std::vector<std::string>>> received_;
    std::vector<std::size_t> acked_;
    std::map<std::string, int> accepted_;
    std::string authorization_;

private:
    void do_accept();

    TestServerOptions options_;
    net::io_context ioc_;
    tcp::acceptor acceptor_;
    std::thread thread_;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, TestWsServer::Impl& server, std::size_t index)
        : ws_(std::move(socket)), server_(server), index_(index) {
        if (index_ < server_.options().drops.size()) drop_ = server_.options().drops[index_];
    }

    void run() {
        http::async_read(ws_.next_layer(), buffer_, request_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             self->on_request(ec);
                         });
    }

private:
    void on_request(beast::error_code ec) {
        if (ec) return;
        server_.record_auth(std::string(request_[http::field::authorization]));
        const std::string& token = server_.options().require_token;
        if (!token.empty() && request_[http::field::authorization] != "Bearer " + token) {
            auto res = std::make_shared<http::response<http::string_body>>(
                http::status::unauthorized, request_.version());
            res->set(http::field::content_type, "text/plain");
            res->body() = "missing or wrong token\n";
            res->prepare_payload();
            res->keep_alive(false);
            http::async_write(ws_.next_layer(), *res,
                              [self = shared_from_this(), res](beast::error_code, std::size_t) {
                                  beast::error_code ignored;
                                  self->ws_.next_layer().shutdown(tcp::socket::shutdown_send, ignored);
                              });
            return;
        }
        ws_.async_accept(request_, [self = shared_from_this()](beast::error_code ec) {
            self->on_accept(ec);
        });
    }

    void on_accept(beast::error_code ec) {
        if (ec) return;
        if (drop_ && drop_->acks == 0) dropping_ = true;
        do_read();
    }

    void do_read() {
        ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            self->on_read(ec);
        });
    }

    void on_read(beast::error_code ec) {
        if (ec) return;  // the client went away
        const std::string text = beast::buffers_to_string(buffer_.data());
        buffer_.consume(buffer_.size());
        std::vector<std::string> ids = event_ids(text);
        const std::size_t number = server_.record_message(index_, ids);
        if (dropping_) {
            if (++unacked_reads_ >= drop_->unacked_reads) return close();
            return do_read();
        }
        std::vector<std::string> accepted;
        std::string rejected;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (server_.options().reject_ids.count(ids[i])) {
                if (!rejected.empty()) rejected += ',';
                rejected += fmt::format(R"({{"index":{},"reason":"test: rejected {}"}})", i, ids[i]);
            } else {
                accepted.push_back(ids[i]);
            }
        }
        std::size_t ack_number = number;
        if (index_ == 0 && server_.options().wrong_ack_at == number) ack_number = 999;
        ack_ = fmt::format(R"({{"ack":{},"accepted":{},"rejected":[{}]}})", ack_number,
                           accepted.size(), rejected);
        server_.record_ack(index_, accepted);
        ++acks_;
        ws_.text(true);
        ws_.async_write(net::buffer(ack_), [self = shared_from_this()](beast::error_code ec,
                                                                       std::size_t) {
            self->on_write(ec);
        });
    }

    void on_write(beast::error_code ec) {
        if (ec) return;
        if (drop_ && acks_ == drop_->acks) {
            if (drop_->unacked_reads == 0) return close();
            dropping_ = true;
        }
        do_read();
    }

    void close() {
        if (drop_->graceful) {
            ws_.async_close(websocket::close_code::going_away,
                            [self = shared_from_this()](beast::error_code) {});
            // Keep reading so the close handshake completes.
            return do_read_after_close();
        }
        // Half-close, then discard whatever the client still sends until it closes too: a
        // close() with unread data would send a RST, which can destroy the acks in flight.
        beast::error_code ignored;
        ws_.next_layer().shutdown(tcp::socket::shutdown_send, ignored);
        do_discard();
    }

    void do_discard() {
        ws_.next_layer().async_read_some(
            net::buffer(discard_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
                if (ec) {
                    beast::error_code ignored;
                    self->ws_.next_layer().close(ignored);
                    return;
                }
                self->do_discard();
            });
    }

    void do_read_after_close() {
        ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (!ec) {
                self->buffer_.consume(self->buffer_.size());
                self->do_read_after_close();
            }
        });
    }

    static std::vector<std::string> event_ids(const std::string& text) {
        std::vector<std::string> ids;
        simdjson::dom::parser parser;
        simdjson::dom::element doc;
        if (parser.parse(text).get(doc)) return ids;
        auto add = [&](simdjson::dom::element e) {
            std::string_view id;
            if (!e["event_id"].get_string().get(id)) ids.emplace_back(id);
        };
        simdjson::dom::array array;
        if (!doc.get_array().get(array)) {
            for (auto e : array) add(e);
        } else {
            add(doc);
        }
        return ids;
    }

    websocket::stream<tcp::socket> ws_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> request_;
    TestWsServer::Impl& server_;
    std::size_t index_;
    std::optional<TestServerOptions::Drop> drop_;
    bool dropping_ = false;
    std::size_t unacked_reads_ = 0;
    std::size_t acks_ = 0;
    std::string ack_;
    std::array<char, 4096> discard_{};
};

}  // namespace

void TestWsServer::Impl::do_accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
        if (ec) return;
        std::size_t index = 0;
        {
            std::lock_guard lock(mutex_);
            index = received_.size();
            received_.emplace_back();
            acked_.push_back(0);
        }
        std::make_shared<Session>(std::move(socket), *this, index)->run();
        do_accept();
    });
}

TestWsServer::TestWsServer(TestServerOptions options)
    : impl_(std::make_shared<Impl>(std::move(options))) {
    impl_->start();
}

TestWsServer::~TestWsServer() { impl_->stop(); }

std::string TestWsServer::url() const {
    return fmt::format("ws://127.0.0.1:{}/ws/events", impl_->port());
}

std::vector<std::vector<std::vector<std::string>>> TestWsServer::received() const {
    std::lock_guard lock(impl_->mutex_);
    return impl_->received_;
}

std::vector<std::size_t> TestWsServer::acked_messages() const {
    std::lock_guard lock(impl_->mutex_);
    return impl_->acked_;
}

std::map<std::string, int> TestWsServer::accepted_events() const {
    std::lock_guard lock(impl_->mutex_);
    return impl_->accepted_;
}

std::string TestWsServer::authorization() const {
    std::lock_guard lock(impl_->mutex_);
    return impl_->authorization_;
}

}  // namespace pipeline::emulator::testing
