#include "sim/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace capsim {
namespace {

TEST(StatusTest, Ok) {
  Status s = Status::Ok();
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(s.problems().empty());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, SingleError) {
  Status s = Status::Error("x.yaml:1:2: fleet: bad");
  EXPECT_FALSE(s.ok());
  ASSERT_EQ(s.problems().size(), 1u);
  EXPECT_EQ(s.ToString(), "x.yaml:1:2: fleet: bad");
}

TEST(StatusTest, SeveralErrorsJoinedInOrder) {
  Status s = Status::Errors({"first", "second", "third"});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.problems(), (std::vector<std::string>{"first", "second", "third"}));
  EXPECT_EQ(s.ToString(), "first\nsecond\nthird");
}

TEST(ResultTest, Value) {
  Result<int> r = 42;
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.status().ok());
  EXPECT_EQ(r.value(), 42);
  r.value() = 7;
  EXPECT_EQ(r.value(), 7);
}

TEST(ResultTest, Error) {
  Result<std::string> r = Status::Error("nope");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "nope");
}

TEST(ResultTest, MoveOnlyValue) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(3);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 3);
}

}  // namespace
}  // namespace capsim
