#pragma once
// Every WebSocket is a file descriptor, and the usual soft limit (1024) is far below
// GATEWAY_MAX_CONNECTIONS (20000): the gateway raises its soft RLIMIT_NOFILE to the hard
// limit at start-up, as servers do, instead of failing accept() with EMFILE.

#include <cstdint>

namespace gateway {

struct FdLimit {
    std::uint64_t before = 0;  // soft limit found
    std::uint64_t soft = 0;    // soft limit now
    std::uint64_t hard = 0;
};

// Raises the soft limit to the hard one (best effort: on failure it stays as it was).
FdLimit raise_fd_limit();

}  // namespace gateway
