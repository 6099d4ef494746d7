#pragma once
// The files the gateway serves besides its API: the browser tracker (GET /tracker.js and
// /tracker.mjs, read once at start-up from GATEWAY_TRACKER_DIR, with their .gz siblings when
// the build made them) and, when GATEWAY_SHOP_DIR is set, a folder of static pages under
// /shop/ (the demo shop), read per request. No Beast types: unit tested.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gateway {

struct StaticFile {
    std::string content_type;
    std::string body;
    std::string gzip_body;  // "" when there is no pre-compressed copy
    std::string etag;       // "\"<hash>\"" of body
};

class StaticFiles {
public:
    // Reads the tracker builds from `tracker_dir` ("" = none); throws std::runtime_error at
    // start-up when the folder is set but a build is missing.
    StaticFiles(const std::string& tracker_dir, std::string shop_dir);

    // The tracker served at `path` (/tracker.js or /tracker.mjs), if any.
    const StaticFile* tracker(std::string_view path) const;

    // The file of the shop folder at `path` (starting with /shop/; a path ending in / means its
    // index.html). nullopt for anything else: no shop folder, a path that leaves the folder or
    // is not plain ([A-Za-z0-9._-] segments, none starting with a dot), a missing file, or a
    // file over 1 MiB.
    std::optional<StaticFile> shop_file(std::string_view path) const;

    static constexpr std::string_view kShopPrefix = "/shop/";

private:
    std::optional<StaticFile> tracker_js_;
    std::optional<StaticFile> tracker_mjs_;
    std::string shop_dir_;
};

// "text/html; charset=utf-8" for "x.html" and so on; application/octet-stream otherwise.
std::string content_type_for(std::string_view file_name);

}  // namespace gateway
