#pragma once
// The Taobao UserBehavior CSV (Alibaba Tianchi data set 649):
//   user_id,item_id,category_id,behavior,ts_seconds      (no header)
// and its mapping to Events (contract section 7):
//   event_id = <prefix, by default the file's base name> ":" <1-based line number>
//   pv -> page_view, cart -> add_to_cart, fav -> favorite, buy -> purchase
//   page = "/item/<item_id>", props.category_id = category_id (string), ts = ts_seconds x 1000

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/event.hpp"

namespace pipeline::emulator {

struct TaobaoRow {
    std::string user_id;
    std::string item_id;
    std::string category_id;
    std::string_view type;  // the mapped event type (static storage)
    std::int64_t ts_ms = 0;
    std::uint64_t line = 0;  // 1-based
};

struct TaobaoError {
    std::uint64_t line = 0;
    std::string reason;
};

struct TaobaoFile {
    std::vector<TaobaoRow> rows;            // in file order
    std::uint64_t lines = 0;                // lines read (blank ones included)
    std::uint64_t bad_lines = 0;
    std::vector<TaobaoError> first_errors;  // the first few, for the report
};

// Events the gateway would accept: ts within [year 2000, max_ts_ms].
inline constexpr std::int64_t kMinEventTsMs = 946'684'800'000;

// One line (without its newline; a trailing '\r' is ignored). nullopt and `error` set when
// the line does not parse or would make an invalid event.
std::optional<TaobaoRow> parse_taobao_line(std::string_view line, std::uint64_t line_no,
                                           std::int64_t max_ts_ms, std::string& error);

// Reads a whole file; blank lines are skipped silently, bad lines counted.
TaobaoFile read_taobao_csv(std::istream& in, std::int64_t max_ts_ms);

// The file's base name ("/a/b/x.csv" -> "x.csv").
std::string file_base_name(std::string_view path);

Event to_event(const TaobaoRow& row, std::string_view id_prefix);

}  // namespace pipeline::emulator
