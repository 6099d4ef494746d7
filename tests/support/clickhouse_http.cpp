#include "clickhouse_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <stdexcept>
#include <utility>

#include "env.hpp"

namespace test_support {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

std::string base64(const std::string& in) {
    static constexpr char kChars[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned val = 0;
    int bits = -6;
    for (const unsigned char c : in) {
        val = (val << 8) + c;
        bits += 8;
        while (bits >= 0) {
            out.push_back(kChars[(val >> bits) & 0x3F]);
            bits -= 6;
        }
    }
    if (bits > -6) out.push_back(kChars[((val << 8) >> (bits + 8)) & 0x3F]);
    while (out.size() % 4) out.push_back('=');
    return out;
}

}  // namespace

ClickHouseHttp::ClickHouseHttp(const std::string& url, std::string user, std::string password)
    : url_(url), user_(std::move(user)), password_(std::move(password)) {
    const std::string scheme = "http://";
    if (url.compare(0, scheme.size(), scheme) != 0) {
        throw std::invalid_argument("CLICKHOUSE_URL must start with http:// (got \"" + url + "\")");
    }
    const std::string rest = url.substr(scheme.size());
    const auto slash = rest.find('/');
    const std::string host_port = rest.substr(0, slash);
    target_ = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto colon = host_port.rfind(':');
    host_ = host_port.substr(0, colon);
    port_ = colon == std::string::npos ? "80" : host_port.substr(colon + 1);
}

HttpResult ClickHouseHttp::post(const std::string& sql, const std::string& url_params) const {
    HttpResult result;
    try {
        net::io_context ioc;
        beast::tcp_stream stream(ioc);
        stream.expires_after(std::chrono::seconds(120));
        stream.connect(tcp::resolver(ioc).resolve(host_, port_));
        const std::string target =
            url_params.empty()
                ? target_
                : target_ + (target_.find('?') == std::string::npos ? "?" : "&") + url_params;
        http::request<http::string_body> req{http::verb::post, target, 11};
        req.set(http::field::host, host_);
        req.set(http::field::authorization, "Basic " + base64(user_ + ":" + password_));
        req.body() = sql;
        req.prepare_payload();
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(256 * 1024 * 1024);
        http::read(stream, buffer, parser);
        beast::error_code ec;
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        result.status = parser.get().result_int();
        result.body = parser.get().body();
    } catch (const std::exception& e) {
        result.status = 0;
        result.body = std::string("cannot reach ClickHouse at ") + url_ + ": " + e.what();
    }
    return result;
}

ClickHouseHttp clickhouse_from_env() {
    std::string url = env_or("CLICKHOUSE_URL", "");
    if (url.empty()) {
        url = "http://" + env_or("CLICKHOUSE_HOST", "127.0.0.1") + ":" +
              env_or("CLICKHOUSE_HTTP_PORT", "8123") + "/";
    }
    return ClickHouseHttp(url, env_or("CLICKHOUSE_USER", "admin"),
                          env_or("CLICKHOUSE_PASSWORD", "admin123"));
}

}  // namespace test_support
