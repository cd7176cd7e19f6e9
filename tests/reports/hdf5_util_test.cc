#include "reports/hdf5_util.h"

#include <string>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/reports/temp_dir.h"

namespace capsim::reports::hdf5 {
namespace {

using ::testing::HasSubstr;

// An in-memory HDF5 file (core driver, nothing written to disk).
Handle MemoryFile() {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_fapl_core(fapl.get(), 4096, false);
  return Handle(H5Fcreate("memory.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), H5Fclose);
}

TEST(HandleTest, ClosesOnDestructionAndMovesOwnership) {
  hid_t id = -1;
  {
    Handle outer;
    EXPECT_FALSE(outer.valid());
    {
      Handle space(H5Screate(H5S_SCALAR), H5Sclose);
      id = space.get();
      EXPECT_GT(H5Iis_valid(id), 0);
      outer = std::move(space);
      EXPECT_FALSE(space.valid());  // NOLINT(bugprone-use-after-move): moved-from is empty
    }
    EXPECT_GT(H5Iis_valid(id), 0);
    EXPECT_EQ(outer.get(), id);
  }
  EXPECT_LE(H5Iis_valid(id), 0);
}

TEST(HandleTest, CloseReportsSuccessAndIsIdempotent) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  EXPECT_TRUE(space.Close());
  EXPECT_FALSE(space.valid());
  EXPECT_TRUE(space.Close());
  Handle invalid(-1, H5Sclose);
  EXPECT_TRUE(invalid.Close());
}

TEST(ScopedAccessTest, SilencesAndRestoresAutomaticErrorPrinting) {
  H5E_auto2_t before = nullptr;
  void* before_data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &before, &before_data);
  ASSERT_NE(before, nullptr);  // HDF5 prints errors by default
  {
    ScopedAccess access;
    H5E_auto2_t inside = before;
    void* inside_data = nullptr;
    H5Eget_auto2(H5E_DEFAULT, &inside, &inside_data);
    EXPECT_EQ(inside, nullptr);
  }
  H5E_auto2_t after = nullptr;
  void* after_data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &after, &after_data);
  EXPECT_EQ(after, before);
  EXPECT_EQ(after_data, before_data);
}

TEST(ErrorDetailTest, ReturnsTheInnermostMessageAndClears) {
  ScopedAccess access;
  testing::TempDir dir;
  const std::string path = dir.File("missing.h5");
  EXPECT_LT(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), 0);
  EXPECT_EQ(ErrorDetail(), "unable to open file: No such file or directory");
  EXPECT_EQ(ErrorDetail(), "");
}

TEST(AttributeTest, RoundTripsStringsAndIntegers) {
  ScopedAccess access;
  Handle file = MemoryFile();
  ASSERT_TRUE(file.valid());
  EXPECT_TRUE(WriteStringAttribute(file.get(), "text", "ünïcode"));
  EXPECT_TRUE(WriteStringAttribute(file.get(), "empty", ""));
  EXPECT_TRUE(WriteInt32Attribute(file.get(), "small", -7));
  EXPECT_TRUE(WriteUint64Attribute(file.get(), "big", UINT64_MAX));
  EXPECT_TRUE(HasAttribute(file.get(), "text"));
  EXPECT_FALSE(HasAttribute(file.get(), "absent"));
  EXPECT_EQ(ReadStringAttribute(file.get(), "text"), "ünïcode");
  EXPECT_EQ(ReadStringAttribute(file.get(), "empty"), "");
  EXPECT_EQ(ReadInt64Attribute(file.get(), "small"), -7);
  EXPECT_EQ(ReadUint64Attribute(file.get(), "small"), std::nullopt);  // negative
  EXPECT_EQ(ReadUint64Attribute(file.get(), "big"), UINT64_MAX);
  EXPECT_EQ(ReadInt64Attribute(file.get(), "big"), std::nullopt);     // out of range
  EXPECT_EQ(ReadStringAttribute(file.get(), "small"), std::nullopt);  // wrong type
  EXPECT_EQ(ReadInt64Attribute(file.get(), "text"), std::nullopt);    // wrong type
  EXPECT_EQ(ReadStringAttribute(file.get(), "absent"), std::nullopt);
  EXPECT_FALSE(WriteStringAttribute(file.get(), "text", "again"));  // already exists
  EXPECT_THAT(ErrorDetail(), HasSubstr("already exists"));
}

TEST(AttributeTest, ReadsFixedLengthStrings) {
  ScopedAccess access;
  Handle file = MemoryFile();
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), 8);
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attribute(
      H5Acreate2(file.get(), "fixed", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  const char value[8] = {'c', 'a', 'p', 's', 'i', 'm', 0, 0};
  ASSERT_GE(H5Awrite(attribute.get(), type.get(), value), 0);
  EXPECT_EQ(ReadStringAttribute(file.get(), "fixed"), "capsim");
}

TEST(AttributeTest, RejectsNonScalarAttributes) {
  ScopedAccess access;
  Handle file = MemoryFile();
  const hsize_t dims[1] = {2};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  Handle attribute(
      H5Acreate2(file.get(), "pair", H5T_STD_I32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose);
  const int values[2] = {1, 2};
  ASSERT_GE(H5Awrite(attribute.get(), H5T_NATIVE_INT, values), 0);
  EXPECT_EQ(ReadInt64Attribute(file.get(), "pair"), std::nullopt);
}

}  // namespace
}  // namespace capsim::reports::hdf5
