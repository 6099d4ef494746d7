#include "fd_limit.hpp"

#include <sys/resource.h>

namespace gateway {

FdLimit raise_fd_limit() {
    FdLimit out;
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return out;
    out.before = out.soft = lim.rlim_cur;
    out.hard = lim.rlim_max;
    if (lim.rlim_cur < lim.rlim_max) {
        rlimit raised = lim;
        raised.rlim_cur = lim.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) out.soft = raised.rlim_cur;
    }
    return out;
}

}  // namespace gateway
