#include "ws_url.hpp"

#include <charconv>
#include <stdexcept>

namespace pipeline::emulator {

WsUrl parse_ws_url(std::string_view url) {
    constexpr std::string_view kScheme = "ws://";
    if (url.substr(0, kScheme.size()) != kScheme) {
        throw std::invalid_argument("the gateway URL must start with ws:// (wss is not supported): " +
                                    std::string(url));
    }
    std::string_view rest = url.substr(kScheme.size());
    WsUrl out;
    const std::size_t slash = rest.find('/');
    if (slash != std::string_view::npos) {
        out.target = std::string(rest.substr(slash));
        rest = rest.substr(0, slash);
    }
    std::string_view host = rest;
    if (!rest.empty() && rest.front() == '[') {  // [::1]:8080
        const std::size_t close = rest.find(']');
        if (close == std::string_view::npos) throw std::invalid_argument("bad IPv6 host in URL");
        host = rest.substr(1, close - 1);
        rest = rest.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') throw std::invalid_argument("bad URL: " + std::string(url));
        if (!rest.empty()) out.port = std::string(rest.substr(1));
    } else if (const std::size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
        host = rest.substr(0, colon);
        out.port = std::string(rest.substr(colon + 1));
    }
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(out.port.data(), out.port.data() + out.port.size(), port);
    if (host.empty() || ec != std::errc{} || end != out.port.data() + out.port.size() || port == 0 ||
        port > 65535) {
        throw std::invalid_argument("bad gateway URL: " + std::string(url));
    }
    out.host = std::string(host);
    return out;
}

}  // namespace pipeline::emulator
