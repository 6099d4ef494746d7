#pragma once
// Routing and authentication helpers for the upgrade request (no Beast types, unit tested).

#include <optional>
#include <string>
#include <string_view>

namespace gateway {

// "/ws/events?token=x" -> "/ws/events".
std::string_view target_path(std::string_view target);

// The percent-decoded value of `name` in the query string of `target`, if present.
std::optional<std::string> query_parameter(std::string_view target, std::string_view name);

// True when `expected` is empty (no authentication), or the Authorization header is
// "Bearer <expected>", or the target has ?token=<expected>. Constant-time comparison.
bool token_matches(std::string_view expected, std::string_view authorization,
                   std::string_view target);

}  // namespace gateway
