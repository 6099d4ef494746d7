#pragma once
// Which browser origins may send events (contract section 3, CORS). A browser names the page's
// origin in the Origin header of every POST and WebSocket upgrade; the gateway answers an
// allowed origin with Access-Control-Allow-Origin for itself and refuses the others with 403
// (CORS alone would still let a text/plain POST or a WebSocket through: the browser only
// hides the answer). A request without Origin is not from a browser page and is not checked.

#include <string>
#include <string_view>
#include <vector>

namespace gateway {

class CorsPolicy {
public:
    // `origins`: GATEWAY_CORS_ORIGINS, comma-separated ("http://shop.example:8000,https://x"),
    // "*" for any origin. Spaces and trailing slashes are ignored.
    explicit CorsPolicy(std::string_view origins);

    // True for a listed origin (exactly, scheme and port included), for any origin under
    // "*", and for the gateway's own origin (`host` is the request's Host header: a page the
    // gateway serves itself, such as the demo shop, is same-origin).
    bool allows(std::string_view origin, std::string_view host) const;

private:
    std::vector<std::string> origins_;
    bool any_ = false;
};

}  // namespace gateway
