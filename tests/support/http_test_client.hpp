#pragma once
// A plain HTTP/1.1 client for the gateway's tests and benchmarks: keeps its connection open
// from request to request (keep-alive), counts the TCP connections it opened, and returns
// status, headers and body of each answer.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace test_support {

struct HttpResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;

    // The header's value, "" when absent.
    std::string header(const std::string& lower_case_name) const;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

class HttpTestClient {
public:
    explicit HttpTestClient(std::uint16_t port, std::string host = "127.0.0.1");
    ~HttpTestClient();
    HttpTestClient(const HttpTestClient&) = delete;
    HttpTestClient& operator=(const HttpTestClient&) = delete;

    // One request on the open connection (opening one first when there is none, or when the
    // server closed the last). nullopt when it could not be sent or answered in time.
    // `chunked` sends the body with chunked transfer encoding instead of a Content-Length.
    std::optional<HttpResponse> request(std::string_view method, std::string_view target,
                                        std::string body = {}, const HttpHeaders& headers = {},
                                        std::chrono::milliseconds timeout = std::chrono::seconds(60),
                                        bool chunked = false);

    // A POST /v1/events with the given content type.
    std::optional<HttpResponse> post(std::string body, std::string_view content_type = "application/json",
                                     const HttpHeaders& headers = {},
                                     std::string_view target = "/v1/events");

    int connections_opened() const;
    // True while the server has not closed the connection (as far as the client knows).
    bool open() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace test_support
