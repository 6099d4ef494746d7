#include "static_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace gateway {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("static-files-" + std::to_string(::getpid()));
        fs::create_directories(root_ / "tracker");
        fs::create_directories(root_ / "shop" / "css");
        write(root_ / "tracker" / "tracker.js", "var t=1;");
        write(root_ / "tracker" / "tracker.js.gz", "GZ");
        write(root_ / "tracker" / "tracker.mjs", "export const t=1;");
        write(root_ / "shop" / "index.html", "<h1>shop</h1>");
        write(root_ / "shop" / "css" / "shop.css", "h1{}");
        write(root_ / "shop" / ".hidden", "secret");
        write(root_ / "secret.txt", "outside");
    }
    void TearDown() override { fs::remove_all(root_); }
    static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
    fs::path root_;
};

TEST_F(StaticFilesTest, ServesTheTrackerBuildsWithTheirGzipCopies) {
    const StaticFiles files((root_ / "tracker").string(), "");
    const StaticFile* js = files.tracker("/tracker.js");
    ASSERT_NE(js, nullptr);
    EXPECT_EQ(js->body, "var t=1;");
    EXPECT_EQ(js->gzip_body, "GZ");
    EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
    EXPECT_EQ(js->etag.front(), '"');
    const StaticFile* mjs = files.tracker("/tracker.mjs");
    ASSERT_NE(mjs, nullptr);
    EXPECT_EQ(mjs->gzip_body, "");
    EXPECT_NE(mjs->etag, js->etag);
    EXPECT_EQ(files.tracker("/other.js"), nullptr);
    EXPECT_FALSE(files.shop_file("/shop/index.html"));  // no shop folder configured
}

TEST_F(StaticFilesTest, NoTrackerFolderServesNothingAndAMissingBuildFailsAtStartUp) {
    EXPECT_EQ(StaticFiles("", "").tracker("/tracker.js"), nullptr);
    EXPECT_THROW(StaticFiles((root_ / "shop").string(), ""), std::runtime_error);
    EXPECT_THROW(StaticFiles("", (root_ / "tracker").string()), std::runtime_error);
}

TEST_F(StaticFilesTest, ShopFilesStayInsideTheirFolder) {
    const StaticFiles files("", (root_ / "shop").string());
    EXPECT_EQ(files.shop_file("/shop/")->body, "<h1>shop</h1>");
    EXPECT_EQ(files.shop_file("/shop/index.html")->content_type, "text/html; charset=utf-8");
    const auto css = files.shop_file("/shop/css/shop.css");
    ASSERT_TRUE(css);
    EXPECT_EQ(css->body, "h1{}");
    EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
    EXPECT_FALSE(files.shop_file("/shop/../secret.txt"));
    EXPECT_FALSE(files.shop_file("/shop/css/../../secret.txt"));
    EXPECT_FALSE(files.shop_file("/shop/%2e%2e/secret.txt"));
    EXPECT_FALSE(files.shop_file("/shop/.hidden"));
    EXPECT_FALSE(files.shop_file("/shop//index.html"));
    EXPECT_FALSE(files.shop_file("/shop/css"));  // a folder is not a file
    EXPECT_FALSE(files.shop_file("/shop/missing.html"));
    EXPECT_FALSE(files.shop_file("/secret.txt"));
}

TEST(ContentType, ByExtension) {
    EXPECT_EQ(content_type_for("a.mjs"), "text/javascript; charset=utf-8");
    EXPECT_EQ(content_type_for("a.svg"), "image/svg+xml");
    EXPECT_EQ(content_type_for("noext"), "application/octet-stream");
}

}  // namespace
}  // namespace gateway
