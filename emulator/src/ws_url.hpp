#pragma once
// ws://host[:port][/path] split into what the client needs. Only plain ws:// is supported.

#include <string>
#include <string_view>

namespace pipeline::emulator {

struct WsUrl {
    std::string host;
    std::string port = "80";
    std::string target = "/";
};

// Throws std::invalid_argument (start-up only).
WsUrl parse_ws_url(std::string_view url);

}  // namespace pipeline::emulator
