#include "static_files.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

namespace gateway {

namespace {

constexpr std::size_t kMaxShopFileBytes = 1024 * 1024;

std::optional<std::string> read_file(const std::string& path, std::size_t max_bytes) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    std::string text = std::move(out).str();
    if (text.size() > max_bytes) return std::nullopt;
    return text;
}

std::string etag_of(std::string_view body) {
    return fmt::format("\"{:016x}\"", std::hash<std::string_view>{}(body));
}

StaticFile load_tracker(const std::string& dir, const std::string& name) {
    const auto path = dir + "/" + name;
    auto body = read_file(path, 16 * kMaxShopFileBytes);
    if (!body) {
        throw std::runtime_error(fmt::format(
            "GATEWAY_TRACKER_DIR: cannot read {} (build it: scripts/build.sh tracker)", path));
    }
    StaticFile f;
    f.content_type = "text/javascript; charset=utf-8";
    f.etag = etag_of(*body);
    f.body = std::move(*body);
    f.gzip_body = read_file(path + ".gz", 16 * kMaxShopFileBytes).value_or("");
    return f;
}

bool plain_segment(std::string_view s) {
    if (s.empty() || s.front() == '.') return false;
    for (const char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

std::string content_type_for(std::string_view name) {
    const auto dot = name.rfind('.');
    const auto ext = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
    if (ext == "html") return "text/html; charset=utf-8";
    if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
    if (ext == "css") return "text/css; charset=utf-8";
    if (ext == "json") return "application/json";
    if (ext == "svg") return "image/svg+xml";
    if (ext == "png") return "image/png";
    if (ext == "ico") return "image/x-icon";
    return "application/octet-stream";
}

StaticFiles::StaticFiles(const std::string& tracker_dir, std::string shop_dir)
    : shop_dir_(std::move(shop_dir)) {
    if (!tracker_dir.empty()) {
        tracker_js_ = load_tracker(tracker_dir, "tracker.js");
        tracker_mjs_ = load_tracker(tracker_dir, "tracker.mjs");
    }
    if (!shop_dir_.empty() && !std::ifstream(shop_dir_ + "/index.html")) {
        throw std::runtime_error(
            fmt::format("GATEWAY_SHOP_DIR: {}/index.html cannot be read", shop_dir_));
    }
}

const StaticFile* StaticFiles::tracker(std::string_view path) const {
    if (path == "/tracker.js" && tracker_js_) return &*tracker_js_;
    if (path == "/tracker.mjs" && tracker_mjs_) return &*tracker_mjs_;
    return nullptr;
}

std::optional<StaticFile> StaticFiles::shop_file(std::string_view path) const {
    if (shop_dir_.empty() || path.substr(0, kShopPrefix.size()) != kShopPrefix) {
        return std::nullopt;
    }
    std::string relative(path.substr(kShopPrefix.size()));
    if (relative.empty() || relative.back() == '/') relative += "index.html";
    // Every segment plain: no "..", no hidden files, no encoded bytes, so the path cannot leave
    // the folder.
    std::string_view rest = relative;
    while (true) {
        const auto slash = rest.find('/');
        if (!plain_segment(rest.substr(0, slash))) return std::nullopt;
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }
    auto body = read_file(shop_dir_ + "/" + relative, kMaxShopFileBytes);
    if (!body) return std::nullopt;
    StaticFile f;
    f.content_type = content_type_for(relative);
    f.etag = etag_of(*body);
    f.body = std::move(*body);
    return f;
}

}  // namespace gateway
