// Replays every saved fuzz input (common/fuzz/regressions/ and the seed corpus) through the
// fuzz target's own checks, in the ordinary debug (ASan+UBSan) unit test run: a crash the
// fuzzer once found stays fixed without needing clang or a fuzzing budget.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

// The fuzz target itself (fuzz/fuzz_parse_message.cpp, compiled into this test): aborts on
// any broken invariant.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::filesystem::path> inputs(const char* dir) {
    std::vector<std::filesystem::path> out;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.is_regular_file() && entry.path().filename() != "README.md") out.push_back(entry.path());
    }
    return out;
}

void replay(const char* dir) {
    const auto files = inputs(dir);
    ASSERT_FALSE(files.empty()) << dir;
    for (const auto& path : files) {
        SCOPED_TRACE(path.string());
        std::ifstream in(path, std::ios::binary);
        const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), 0);
    }
}

TEST(FuzzRegressions, EveryInputPasses) { replay(FUZZ_REGRESSIONS_DIR); }

TEST(FuzzRegressions, EveryCorpusSeedPasses) { replay(FUZZ_CORPUS_DIR); }

}  // namespace
