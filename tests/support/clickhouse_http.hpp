#pragma once
// A minimal synchronous ClickHouse HTTP client (Boost.Beast stays in the .cpp).

#include <string>

#include "http_result.hpp"

namespace test_support {

class ClickHouseHttp {
  public:
    // url: http://host[:port][/]; user / password go in a Basic authorization header.
    ClickHouseHttp(const std::string& url, std::string user, std::string password);

    // POSTs sql as the request body; url_params (e.g. "max_execution_time=60") go in the URL. Never
    // throws for server or network errors: they come back in the result, so the caller can report
    // them per query.
    HttpResult post(const std::string& sql, const std::string& url_params = "") const;

    const std::string& url() const { return url_; }

  private:
    std::string url_;
    std::string host_;
    std::string port_;
    std::string target_;
    std::string user_;
    std::string password_;
};

// The server URL the tests use: CLICKHOUSE_URL, else http://CLICKHOUSE_HOST:CLICKHOUSE_HTTP_PORT
// (defaults 127.0.0.1:8123); credentials CLICKHOUSE_USER / CLICKHOUSE_PASSWORD (admin / admin123).
ClickHouseHttp clickhouse_from_env();

}  // namespace test_support
