#include "cors.hpp"

namespace gateway {

namespace {
std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '/')) s.remove_suffix(1);
    return s;
}
}  // namespace

CorsPolicy::CorsPolicy(std::string_view origins) {
    while (!origins.empty()) {
        const auto comma = origins.find(',');
        const auto origin = trim(origins.substr(0, comma));
        if (origin == "*") {
            any_ = true;
        } else if (!origin.empty()) {
            origins_.emplace_back(origin);
        }
        if (comma == std::string_view::npos) break;
        origins.remove_prefix(comma + 1);
    }
}

bool CorsPolicy::allows(std::string_view origin, std::string_view host) const {
    if (origin.empty()) return false;
    if (any_) return true;
    for (const auto& o : origins_) {
        if (o == origin) return true;
    }
    // Same origin: the gateway speaks plain HTTP, so its own origin is http://<Host>.
    constexpr std::string_view kHttp = "http://";
    return !host.empty() && origin.size() == kHttp.size() + host.size() &&
           origin.substr(0, kHttp.size()) == kHttp && origin.substr(kHttp.size()) == host;
}

}  // namespace gateway
