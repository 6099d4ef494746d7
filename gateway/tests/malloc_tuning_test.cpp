// malloc_tuning.hpp: after tune_malloc, a librdkafka-sized buffer (1 MB) comes from the heap
// and is reused, instead of an mmap per buffer. CMake builds this test without sanitizers (even
// in the debug preset); the skip below only guards a build that adds them anyway.

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstring>

#include "malloc_tuning.hpp"

namespace gateway {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitizedAllocator = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitizedAllocator = true;
#else
constexpr bool kSanitizedAllocator = false;
#endif
#else
constexpr bool kSanitizedAllocator = false;
#endif

TEST(MallocTuning, AMegabyteBufferComesFromTheHeap) {
    if (kSanitizedAllocator) {
        GTEST_SKIP() << "AddressSanitizer's allocator ignores mallopt";
    }
    ASSERT_TRUE(tune_malloc());
    const std::size_t mapped_before = mallinfo2().hblks;
    void* buffer = std::malloc(1u << 20);
    ASSERT_NE(buffer, nullptr);
    std::memset(buffer, 1, 1u << 20);
    EXPECT_EQ(mallinfo2().hblks, mapped_before) << "an mmap of its own";
    std::free(buffer);
    void* again = std::malloc(1u << 20);
    EXPECT_EQ(mallinfo2().hblks, mapped_before);
    std::free(again);
}

}  // namespace
}  // namespace gateway
