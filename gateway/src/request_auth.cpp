#include "request_auth.hpp"

#include <cctype>

namespace gateway {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            const int hi = hex_value(s[i + 1]);
            const int lo = hex_value(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
    return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const std::size_t n = b.size();
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char ca = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        diff |= static_cast<unsigned char>(ca ^ static_cast<unsigned char>(b[i]));
    }
    return diff == 0;
}

}  // namespace

std::string_view target_path(std::string_view target) {
    const auto q = target.find('?');
    return q == std::string_view::npos ? target : target.substr(0, q);
}

std::optional<std::string> query_parameter(std::string_view target, std::string_view name) {
    const auto q = target.find('?');
    if (q == std::string_view::npos) return std::nullopt;
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == name) {
            return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
        }
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

bool token_matches(std::string_view expected, std::string_view authorization,
                   std::string_view target) {
    if (expected.empty()) return true;
    constexpr std::string_view kBearer = "bearer ";
    if (authorization.size() > kBearer.size()) {
        bool is_bearer = true;
        for (std::size_t i = 0; i < kBearer.size(); ++i) {
            if (std::tolower(static_cast<unsigned char>(authorization[i])) != kBearer[i]) {
                is_bearer = false;
                break;
            }
        }
        if (is_bearer) {
            std::string_view given = authorization.substr(kBearer.size());
            while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
            while (!given.empty() && given.back() == ' ') given.remove_suffix(1);
            if (constant_time_equal(given, expected)) return true;
        }
    }
    if (const auto token = query_parameter(target, "token")) {
        return constant_time_equal(*token, expected);
    }
    return false;
}

}  // namespace gateway
