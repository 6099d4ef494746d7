#pragma once
// The system tests' settings come from the environment (./pipeline test sets them).

#include <cstdlib>
#include <string>

namespace test_support {

// The variable's value, or fallback when it is unset or empty.
inline std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

}  // namespace test_support
