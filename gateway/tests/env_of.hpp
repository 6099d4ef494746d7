#pragma once
// A test's environment: an EnvLookup over fixed variables, leaving the process's own alone.

#include <map>
#include <optional>
#include <string>

#include "config.hpp"

namespace gateway::test {

inline EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

}  // namespace gateway::test
