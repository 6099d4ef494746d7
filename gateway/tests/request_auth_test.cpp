#include "request_auth.hpp"

#include <gtest/gtest.h>

namespace gateway {
namespace {

TEST(RequestAuth, TargetPath) {
    EXPECT_EQ(target_path("/ws/events"), "/ws/events");
    EXPECT_EQ(target_path("/ws/events?token=a"), "/ws/events");
    EXPECT_EQ(target_path("/"), "/");
}

TEST(RequestAuth, QueryParameter) {
    EXPECT_EQ(query_parameter("/x?token=abc", "token"), std::optional<std::string>("abc"));
    EXPECT_EQ(query_parameter("/x?a=1&token=a%2Fb%3D&c=2", "token"),
              std::optional<std::string>("a/b="));
    EXPECT_EQ(query_parameter("/x?tokens=1", "token"), std::nullopt);
    EXPECT_EQ(query_parameter("/x", "token"), std::nullopt);
    EXPECT_EQ(query_parameter("/x?token", "token"), std::optional<std::string>(""));
    EXPECT_EQ(query_parameter("/x?token=%zz%4", "token"), std::optional<std::string>("%zz%4"));
}

TEST(RequestAuth, NoTokenConfiguredLetsEveryoneIn) {
    EXPECT_TRUE(token_matches("", "", "/ws/events"));
}

TEST(RequestAuth, BearerHeader) {
    EXPECT_TRUE(token_matches("s3cret", "Bearer s3cret", "/ws/events"));
    EXPECT_TRUE(token_matches("s3cret", "bearer  s3cret ", "/ws/events"));
    EXPECT_FALSE(token_matches("s3cret", "Bearer s3cre", "/ws/events"));
    EXPECT_FALSE(token_matches("s3cret", "Bearer s3cret2", "/ws/events"));
    EXPECT_FALSE(token_matches("s3cret", "Basic s3cret", "/ws/events"));
    EXPECT_FALSE(token_matches("s3cret", "", "/ws/events"));
}

TEST(RequestAuth, QueryToken) {
    EXPECT_TRUE(token_matches("s3cret", "", "/ws/events?token=s3cret"));
    EXPECT_FALSE(token_matches("s3cret", "", "/ws/events?token=wrong"));
    EXPECT_FALSE(token_matches("s3cret", "Bearer wrong", "/ws/events?token=wrong"));
    EXPECT_TRUE(token_matches("s3cret", "Bearer wrong", "/ws/events?token=s3cret"));
}

}  // namespace
}  // namespace gateway
