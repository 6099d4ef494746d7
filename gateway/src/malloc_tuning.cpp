#include "malloc_tuning.hpp"

#include <malloc.h>

namespace gateway {

bool tune_malloc() {
    // mallopt returns 1 on success. Setting either also stops glibc's own moving of the
    // thresholds (which raised the mmap threshold only after a large block had been freed,
    // and the trim threshold only to twice that).
    const bool mmap_ok = mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMallocMmapThreshold)) == 1;
    const bool trim_ok = mallopt(M_TRIM_THRESHOLD, static_cast<int>(kMallocTrimThreshold)) == 1;
    return mmap_ok && trim_ok;
}

}  // namespace gateway
