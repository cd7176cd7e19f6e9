#include "config/file_io.h"

#include <gtest/gtest.h>

#include "tests/config/test_files.h"

namespace capsim::config {
namespace {

TEST(FileIo, ReadsTheWholeFile) {
  testing::TempDir dir;
  const std::string path = dir.Write("a.txt", std::string("line 1\nline 2\0binary", 20));
  Result<std::string> r = ReadTextFile(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value().size(), 20u);
  EXPECT_EQ(r.value().substr(0, 7), "line 1\n");
}

TEST(FileIo, MissingFileAndDirectory) {
  testing::TempDir dir;
  EXPECT_EQ(ReadTextFile(dir.path() + "/none").status().ToString(),
            dir.path() + "/none: cannot open: No such file or directory");
  EXPECT_EQ(ReadTextFile(dir.path()).status().ToString(),
            dir.path() + ": cannot open: Is a directory");
}

}  // namespace
}  // namespace capsim::config
