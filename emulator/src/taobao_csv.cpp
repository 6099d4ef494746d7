#include "taobao_csv.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <istream>

namespace pipeline::emulator {

namespace {

constexpr std::size_t kMaxErrorsKept = 20;
constexpr std::size_t kMaxUserIdChars = 128;
constexpr std::size_t kMaxFieldChars = 256;

std::optional<std::string_view> map_behavior(std::string_view b) {
    if (b == "pv") return std::string_view("page_view");
    if (b == "cart") return std::string_view("add_to_cart");
    if (b == "fav") return std::string_view("favorite");
    if (b == "buy") return std::string_view("purchase");
    return std::nullopt;
}

}  // namespace

std::optional<TaobaoRow> parse_taobao_line(std::string_view line, std::uint64_t line_no,
                                           std::int64_t max_ts_ms, std::string& error) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::array<std::string_view, 5> f;
    std::size_t n = 0;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = line.find(',', start);
        const std::string_view field =
            line.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                               : comma - start);
        if (n == f.size()) {
            error = "more than 5 fields";
            return std::nullopt;
        }
        f[n++] = field;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    if (n != f.size()) {
        error = fmt::format("{} fields, expected 5", n);
        return std::nullopt;
    }
    for (std::size_t i = 0; i < 3; ++i) {
        if (f[i].empty()) {
            error = fmt::format("empty field {}", i + 1);
            return std::nullopt;
        }
    }
    if (f[0].size() > kMaxUserIdChars || f[1].size() > kMaxFieldChars ||
        f[2].size() > kMaxFieldChars) {
        error = "field too long";
        return std::nullopt;
    }
    const auto type = map_behavior(f[3]);
    if (!type) {
        error = fmt::format("unknown behavior '{}'", f[3].substr(0, 32));
        return std::nullopt;
    }
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(f[4].data(), f[4].data() + f[4].size(), seconds);
    if (ec != std::errc{} || end != f[4].data() + f[4].size() || f[4].empty()) {
        error = fmt::format("timestamp '{}' is not an integer", f[4].substr(0, 32));
        return std::nullopt;
    }
    if (seconds < kMinEventTsMs / 1000 || seconds > max_ts_ms / 1000) {
        error = fmt::format("timestamp {} out of range", seconds);
        return std::nullopt;
    }
    TaobaoRow row;
    row.user_id = f[0];
    row.item_id = f[1];
    row.category_id = f[2];
    row.type = *type;
    row.ts_ms = seconds * 1000;
    row.line = line_no;
    return row;
}

TaobaoFile read_taobao_csv(std::istream& in, std::int64_t max_ts_ms) {
    TaobaoFile file;
    std::string line;
    std::string error;
    while (std::getline(in, line)) {
        ++file.lines;
        if (line.empty() || line == "\r") continue;
        if (auto row = parse_taobao_line(line, file.lines, max_ts_ms, error)) {
            file.rows.push_back(std::move(*row));
        } else {
            ++file.bad_lines;
            if (file.first_errors.size() < kMaxErrorsKept) {
                file.first_errors.push_back({file.lines, error});
            }
        }
    }
    return file;
}

std::string file_base_name(std::string_view path) {
    const std::size_t slash = path.find_last_of('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

Event to_event(const TaobaoRow& row, std::string_view id_prefix) {
    Event e;
    e.event_id = fmt::format("{}:{}", id_prefix, row.line);
    e.user_id = row.user_id;
    e.type = row.type;
    e.ts_ms = row.ts_ms;
    e.page = fmt::format("/item/{}", row.item_id);
    e.props.emplace_back("category_id", row.category_id);
    return e;
}

}  // namespace pipeline::emulator
