#pragma once
// The answer of a test's HTTP request, shared by the ClickHouse and gateway test clients.

#include <string>

namespace test_support {

struct HttpResult {
    int status = 0;    // HTTP status; 0 when the server could not be reached
    std::string body;  // the response body, or the connection error
};

}  // namespace test_support
