#include "http_test_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cctype>

#include "run_until.hpp"

namespace test_support {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::string HttpResponse::header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

struct HttpTestClient::Impl {
    net::io_context ioc;
    beast::tcp_stream stream{ioc};
    beast::flat_buffer buffer;
    std::uint16_t port;
    std::string host;
    bool connected = false;
    int connections = 0;

    bool connect(std::chrono::milliseconds timeout) {
        beast::error_code ignored;
        stream.socket().close(ignored);
        buffer.clear();
        bool done = false;
        beast::error_code result;
        stream.expires_after(timeout);
        stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                             [&](beast::error_code ec) {
                                 result = ec;
                                 done = true;
                             });
        if (!run_until(ioc, [&] { return done; }, timeout) || result) return false;
        connected = true;
        ++connections;
        return true;
    }
};

HttpTestClient::HttpTestClient(std::uint16_t port, std::string host)
    : impl_(std::make_unique<Impl>()) {
    impl_->port = port;
    impl_->host = std::move(host);
}

HttpTestClient::~HttpTestClient() = default;

int HttpTestClient::connections_opened() const { return impl_->connections; }
bool HttpTestClient::open() const { return impl_->connected; }

std::optional<HttpResponse> HttpTestClient::request(std::string_view method, std::string_view target,
                                                    std::string body, const HttpHeaders& headers,
                                                    std::chrono::milliseconds timeout, bool chunked) {
    auto& s = *impl_;
    if (!s.connected && !s.connect(timeout)) return std::nullopt;
    http::request<http::string_body> req{http::string_to_verb(method), std::string(target), 11};
    req.set(http::field::host, s.host);
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = std::move(body);
    if (chunked) {
        req.chunked(true);
    } else {
        req.prepare_payload();
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (method == "HEAD") parser.skip(true);
    bool done = false;
    beast::error_code result;
    s.stream.expires_after(timeout);
    http::async_write(s.stream, req, [&](beast::error_code ec, std::size_t) {
        // The server may answer (and close) before it read the body: read the answer anyway.
        (void)ec;
        http::async_read(s.stream, s.buffer, parser, [&](beast::error_code rec, std::size_t) {
            result = rec;
            done = true;
        });
    });
    if (!run_until(s.ioc, [&] { return done; }, timeout + std::chrono::seconds(1)) || result) {
        s.connected = false;
        return std::nullopt;
    }
    const auto& res = parser.get();
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[name] = std::string(field.value());
    }
    out.body = res.body();
    if (!res.keep_alive()) s.connected = false;
    return out;
}

std::optional<HttpResponse> HttpTestClient::post(std::string body, std::string_view content_type,
                                                 const HttpHeaders& headers, std::string_view target) {
    HttpHeaders all = headers;
    all.emplace_back("Content-Type", std::string(content_type));
    return request("POST", target, std::move(body), all);
}

}  // namespace test_support
