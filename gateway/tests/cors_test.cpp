#include "cors.hpp"

#include <gtest/gtest.h>

namespace gateway {
namespace {

TEST(CorsPolicy, ListedOriginsOnlyExactly) {
    const CorsPolicy cors(" http://shop.example:8000/ , https://b.example");
    EXPECT_TRUE(cors.allows("http://shop.example:8000", "gw:8080"));
    EXPECT_TRUE(cors.allows("https://b.example", "gw:8080"));
    EXPECT_FALSE(cors.allows("http://shop.example", "gw:8080"));        // other port
    EXPECT_FALSE(cors.allows("https://shop.example:8000", "gw:8080"));  // other scheme
    EXPECT_FALSE(cors.allows("http://evil.example", "gw:8080"));
    EXPECT_FALSE(cors.allows("null", "gw:8080"));
    EXPECT_FALSE(cors.allows("", "gw:8080"));
}

TEST(CorsPolicy, TheGatewaysOwnOriginIsAllowed) {
    const CorsPolicy none("");
    EXPECT_TRUE(none.allows("http://127.0.0.1:8080", "127.0.0.1:8080"));
    EXPECT_FALSE(none.allows("http://localhost:8080", "127.0.0.1:8080"));
    EXPECT_FALSE(none.allows("http://127.0.0.1:8080", ""));
    EXPECT_FALSE(none.allows("http://127.0.0.1:80801", "127.0.0.1:8080"));
}

TEST(CorsPolicy, StarAllowsAnyOrigin) {
    const CorsPolicy any("*");
    EXPECT_TRUE(any.allows("http://anything.example", "gw"));
    EXPECT_FALSE(any.allows("", "gw"));
}

}  // namespace
}  // namespace gateway
