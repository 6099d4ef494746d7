#pragma once
// glibc's malloc, left to itself, gives memory back to the kernel and takes it again many
// times a second under load: librdkafka allocates a buffer per batch of records (up to
// KAFKA_BATCH_BYTES, 1 MB), above glibc's starting mmap threshold (128 KiB), and every
// record's copy on the io threads, freed on the poll thread; heaps shrink past the trim
// threshold and grow again, and each page that comes back is zeroed by the kernel on first
// touch. Profiled at ~10 000 messages/s of 50 events: ~9 % of the gateway's CPU was the kernel
// clearing such pages. So the gateway fixes both thresholds at start-up, as long-running
// servers do (its memory is bounded by its queue limits anyway, so keeping freed memory for
// reuse costs at most what the last peak took).

#include <cstddef>

namespace gateway {

// Allocations below this come from the heap (reused), above it from mmap (returned at free).
inline constexpr std::size_t kMallocMmapThreshold = 8u << 20;  // 8 MiB, 8x KAFKA_BATCH_BYTES
// Free memory at the top of a heap is given back only above this.
inline constexpr std::size_t kMallocTrimThreshold = 64u << 20;  // 64 MiB

// Applies both; false if the allocator did not take them (e.g. under AddressSanitizer, whose
// allocator ignores mallopt).
bool tune_malloc();

}  // namespace gateway
