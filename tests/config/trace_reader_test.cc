#include "config/trace_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "tests/config/test_files.h"

namespace capsim::config {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

const std::string kFixtures = std::string(CAPSIM_SOURCE_DIR) + "/tests/config/testdata/traces/";

// The public trace directory: $CAPSIM_TRACE_DIR, else ../shared/data/traces beside the source
// tree (absent on a clean CI checkout: those tests skip).
std::string TraceDir() {
  if (const char* dir = std::getenv("CAPSIM_TRACE_DIR"); dir && *dir) return dir;
  return std::string(CAPSIM_SOURCE_DIR) + "/../shared/data/traces";
}

// The path of public trace `name`, or "" when it is absent.
std::string PublicTrace(const std::string& name) {
  const std::string path = TraceDir() + "/" + name;
  return std::filesystem::exists(path) ? path : "";
}

#define SKIP_IF_ABSENT(path, name)                                                      \
  if ((path).empty()) {                                                                 \
    GTEST_SKIP() << "public trace " << (name) << " not found in " << TraceDir()         \
                 << " (set CAPSIM_TRACE_DIR to the folder holding shared/data/traces)"; \
  }

std::vector<models::Request> Load(Result<std::vector<models::Request>> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : std::vector<models::Request>{};
}

// The error text (all problem lines) of a trace that must fail to load.
std::string ErrorOf(Result<std::vector<models::Request>> r) {
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().ToString();
}

// ---- Public traces (skipped when absent) ----

TEST(PublicTraceTest, AzureConversationTrace) {
  const std::string path = PublicTrace("AzureLLMInferenceTrace_conv_2023.csv");
  SKIP_IF_ABSENT(path, "AzureLLMInferenceTrace_conv_2023.csv");
  const std::vector<models::Request> rs = Load(ReadAzureTrace(path));
  ASSERT_EQ(rs.size(), 19366u);
  // First row 2023-11-16 18:15:46.6805900, last 19:14:08.4025270.
  EXPECT_EQ(rs.front().arrival_s, 0.0);
  EXPECT_NEAR(rs.back().arrival_s, 3501.721937, 1e-6);
  // awk -F, 'NR>1{si+=$2; so+=$3} END{print si, so}' AzureLLMInferenceTrace_conv_2023.csv
  // gives 22361870 4088665 (means 1,154.7 and 211.1, workloads.md §6).
  int64_t in = 0, out = 0;
  for (size_t i = 0; i < rs.size(); ++i) {
    EXPECT_EQ(rs[i].id, i);
    in += rs[i].input_tokens;
    out += rs[i].output_tokens;
  }
  EXPECT_EQ(in, 22361870);
  EXPECT_EQ(out, 4088665);
  EXPECT_EQ(rs[0].input_tokens, 374);
  EXPECT_EQ(rs[0].output_tokens, 44);
  EXPECT_NEAR(rs[1].arrival_s, 4.3145790, 1e-9);  // 50.9951690 - 46.6805900
}

TEST(PublicTraceTest, AzureCodeTrace) {
  const std::string path = PublicTrace("AzureLLMInferenceTrace_code_2023.csv");
  SKIP_IF_ABSENT(path, "AzureLLMInferenceTrace_code_2023.csv");
  const std::vector<models::Request> rs = Load(ReadAzureTrace(path));
  ASSERT_EQ(rs.size(), 8819u);
  // 18:17:03.9799600 to 19:14:19.9280160.
  EXPECT_NEAR(rs.back().arrival_s, 3435.948056, 1e-6);
  // awk -F, 'NR>1{si+=$2; so+=$3} END{print si, so}' AzureLLMInferenceTrace_code_2023.csv
  // gives 18059974 245896.
  int64_t in = 0, out = 0;
  for (const models::Request& r : rs) {
    in += r.input_tokens;
    out += r.output_tokens;
  }
  EXPECT_EQ(in, 18059974);
  EXPECT_EQ(out, 245896);
}

TEST(PublicTraceTest, MooncakeConversationTrace) {
  const std::string path = PublicTrace("mooncake_conversation_trace.jsonl");
  SKIP_IF_ABSENT(path, "mooncake_conversation_trace.jsonl");
  const std::vector<models::Request> rs = Load(ReadMooncakeTrace(path));
  ASSERT_EQ(rs.size(), 12031u);
  double in = 0, out = 0;
  std::set<uint64_t> seen;
  int64_t blocks = 0, repeats = 0;
  for (const models::Request& r : rs) {
    in += static_cast<double>(r.input_tokens);
    out += static_cast<double>(r.output_tokens);
    for (uint64_t h : r.prefix_blocks) {
      ++blocks;
      if (!seen.insert(h).second) ++repeats;
    }
  }
  const double n = static_cast<double>(rs.size());
  EXPECT_NEAR(in / n, 12035, 1);  // source README: average input 12,035
  EXPECT_NEAR(out / n, 343, 1);   // average output 343
  // PROVENANCE.md: 36.6% of the 512-token blocks repeat an earlier block (105,710 of 288,500).
  EXPECT_EQ(blocks, 288500);
  EXPECT_NEAR(static_cast<double>(repeats) / static_cast<double>(blocks), 0.366, 0.0005);
  EXPECT_NEAR(rs.back().arrival_s, 3536.999, 1e-9);  // last timestamp 3536999 ms
}

// ---- Azure fixtures ----

TEST(AzureTraceTest, ReadsRowsInFileOrderRelativeToFirst) {
  const std::vector<models::Request> rs = Load(ReadAzureTrace(kFixtures + "azure_ok.csv"));
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_EQ(rs[0].arrival_s, 0.0);
  EXPECT_DOUBLE_EQ(rs[1].arrival_s, 4.314579);
  EXPECT_DOUBLE_EQ(rs[2].arrival_s, 4.314579);  // equal timestamps are fine
  EXPECT_DOUBLE_EQ(rs[3].arrival_s, 14.31941);
  EXPECT_EQ(rs[2].id, 2u);
  EXPECT_EQ(rs[2].input_tokens, 879);
  EXPECT_EQ(rs[2].output_tokens, 6);
  EXPECT_EQ(rs[3].input_tokens, 1);  // last line without a newline
  EXPECT_TRUE(rs[0].prefix_blocks.empty());
}

TEST(AzureTraceTest, CrlfAndShortFractionAcrossYearBoundary) {
  const std::vector<models::Request> rs =
      Load(ReadAzureTrace(kFixtures + "azure_crlf_year_boundary.csv"));
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_NEAR(rs[1].arrival_s, 0.2, 1e-12);
}

TEST(AzureTraceTest, BadHeader) {
  const std::string e = ErrorOf(ReadAzureTrace(kFixtures + "azure_bad_header.csv"));
  EXPECT_THAT(e, HasSubstr("azure_bad_header.csv:1: bad header "
                           "'TIMESTAMP,ContextTokens,OutputTokens'; expected "
                           "TIMESTAMP,ContextTokens,GeneratedTokens"));
}

TEST(AzureTraceTest, WrongColumnCount) {
  const std::string e = ErrorOf(ReadAzureTrace(kFixtures + "azure_wrong_columns.csv"));
  EXPECT_THAT(e, HasSubstr("azure_wrong_columns.csv:3: expected 3 columns"));
  EXPECT_THAT(e, HasSubstr("found 2"));
}

TEST(AzureTraceTest, NonNumericTokens) {
  const std::string e = ErrorOf(ReadAzureTrace(kFixtures + "azure_non_numeric.csv"));
  EXPECT_THAT(e, HasSubstr("azure_non_numeric.csv:3:29: ContextTokens: '39x6' is not an integer"));
}

TEST(AzureTraceTest, NegativeTokens) {
  const std::string e = ErrorOf(ReadAzureTrace(kFixtures + "azure_negative.csv"));
  EXPECT_THAT(e, HasSubstr("azure_negative.csv:2:33: GeneratedTokens: -44 is negative"));
}

TEST(AzureTraceTest, AbsurdTokenCount) {
  const std::string e = ErrorOf(ReadAzureTrace(kFixtures + "azure_too_many_tokens.csv"));
  EXPECT_THAT(e, HasSubstr(":2:29: ContextTokens: 10000001 exceeds the limit of 10000000"));
}

TEST(AzureTraceTest, UnparsableTimestamp) {
  const std::string e = ErrorOf(ReadAzureTrace(kFixtures + "azure_bad_timestamp.csv"));
  EXPECT_THAT(e, HasSubstr("azure_bad_timestamp.csv:3:1: TIMESTAMP: cannot parse "
                           "'2023-11-16 25:15:50.9951690'"));
}

TEST(AzureTraceTest, RejectsTimestampsGoingBackwards) {
  const std::string e = ErrorOf(ReadAzureTrace(kFixtures + "azure_backwards.csv"));
  EXPECT_THAT(e, HasSubstr("azure_backwards.csv:4:1: TIMESTAMP 2023-11-16 18:15:49.0000000 is "
                           "earlier than line 3's; the trace must be sorted by time"));
}

TEST(AzureTraceTest, EmptyLineEmptyFileAndHeaderOnly) {
  EXPECT_THAT(ErrorOf(ReadAzureTrace(kFixtures + "azure_empty_line.csv")),
              HasSubstr("azure_empty_line.csv:3: empty line"));
  EXPECT_THAT(ErrorOf(ReadAzureTrace(kFixtures + "azure_empty.csv")),
              HasSubstr("azure_empty.csv: empty file"));
  EXPECT_THAT(ErrorOf(ReadAzureTrace(kFixtures + "azure_header_only.csv")),
              HasSubstr("azure_header_only.csv: no requests"));
}

TEST(AzureTraceTest, MissingFile) {
  EXPECT_THAT(ErrorOf(ReadAzureTrace(kFixtures + "no_such_file.csv")),
              HasSubstr("no_such_file.csv: cannot open"));
}

TEST(AzureTraceTest, RejectsOverlongLine) {
  TempDir dir;
  const std::string path = dir.Write(
      "long.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374," +
                      std::string(kMaxTraceLineBytes, '1') + "\n");
  EXPECT_THAT(ErrorOf(ReadAzureTrace(path)),
              HasSubstr("long.csv:2: line is 1048608 bytes long; the limit is 1048576"));
}

TEST(AzureTraceTest, StopsAfterTooManyProblems) {
  std::string text = "TIMESTAMP,ContextTokens,GeneratedTokens\n";
  for (int i = 0; i < 100; ++i) text += "x,1,1\n";
  const Result<std::vector<models::Request>> r = ParseAzureTrace(text, "t.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().problems().size(), kMaxTraceProblems + 1);
  EXPECT_EQ(r.status().problems().back(), "t.csv: too many problems; stopped reading");
}

// ---- Mooncake fixtures ----

TEST(MooncakeTraceTest, ReadsRequestsAndPrefixBlocks) {
  const std::vector<models::Request> rs = Load(ReadMooncakeTrace(kFixtures + "mooncake_ok.jsonl"));
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[1].id, 1u);
  EXPECT_EQ(rs[1].arrival_s, 0.0);
  EXPECT_EQ(rs[1].input_tokens, 1500);
  EXPECT_EQ(rs[1].output_tokens, 3);
  EXPECT_EQ(rs[1].prefix_blocks, (std::vector<uint64_t>{0, 1, 2}));
  EXPECT_DOUBLE_EQ(rs[2].arrival_s, 2.5);
}

TEST(MooncakeTraceTest, MalformedJsonNamesLineAndOffset) {
  const std::string e = ErrorOf(ReadMooncakeTrace(kFixtures + "mooncake_malformed.jsonl"));
  EXPECT_THAT(e, HasSubstr("mooncake_malformed.jsonl:2:53: malformed JSON: "));
  EXPECT_THAT(e, HasSubstr("parse error"));  // nlohmann reports the byte after the bad token
}

TEST(MooncakeTraceTest, MissingField) {
  EXPECT_THAT(ErrorOf(ReadMooncakeTrace(kFixtures + "mooncake_missing_field.jsonl")),
              HasSubstr("mooncake_missing_field.jsonl:1: missing field 'output_length'"));
}

TEST(MooncakeTraceTest, NegativeLength) {
  EXPECT_THAT(ErrorOf(ReadMooncakeTrace(kFixtures + "mooncake_negative.jsonl")),
              HasSubstr("mooncake_negative.jsonl:1: input_length: -5 is negative"));
}

TEST(MooncakeTraceTest, WrongTypesAreEachReported) {
  const Result<std::vector<models::Request>> r =
      ReadMooncakeTrace(kFixtures + "mooncake_wrong_type.jsonl");
  ASSERT_FALSE(r.ok());
  const std::string e = r.status().ToString();
  EXPECT_THAT(e, HasSubstr(":1: timestamp: expected a number, found string"));
  EXPECT_THAT(e, HasSubstr(":1: input_length: expected an integer, found 12.5"));
  EXPECT_THAT(e, HasSubstr(":1: hash_ids: expected an array, found object"));
  EXPECT_EQ(r.status().problems().size(), 3u);
}

TEST(MooncakeTraceTest, BadHashIdAndNonObjectLine) {
  EXPECT_THAT(ErrorOf(ReadMooncakeTrace(kFixtures + "mooncake_bad_hash.jsonl")),
              HasSubstr(":1: hash_ids[1]: expected a non-negative integer, found -1"));
  EXPECT_THAT(ErrorOf(ReadMooncakeTrace(kFixtures + "mooncake_not_object.jsonl")),
              HasSubstr("mooncake_not_object.jsonl:1: expected a JSON object, found array"));
}

TEST(MooncakeTraceTest, RejectsTimestampsGoingBackwards) {
  EXPECT_THAT(ErrorOf(ReadMooncakeTrace(kFixtures + "mooncake_backwards.jsonl")),
              HasSubstr("mooncake_backwards.jsonl:3: timestamp 4000 is earlier than line 2's"));
}

TEST(MooncakeTraceTest, AbsurdTokenCount) {
  EXPECT_THAT(ErrorOf(ReadMooncakeTrace(kFixtures + "mooncake_too_many_tokens.jsonl")),
              HasSubstr(":1: input_length: 99999999999 exceeds the limit of 10000000 tokens"));
}

TEST(MooncakeTraceTest, EmptyFile) {
  EXPECT_THAT(ErrorOf(ReadMooncakeTrace(kFixtures + "mooncake_empty.jsonl")),
              HasSubstr("mooncake_empty.jsonl: empty file"));
}

TEST(MooncakeTraceTest, RejectsOverlongLine) {
  const std::string line = "{\"timestamp\": 0, \"pad\": \"" + std::string(kMaxTraceLineBytes, 'a') +
                           "\", \"input_length\": 1, \"output_length\": 1, \"hash_ids\": []}";
  EXPECT_THAT(ErrorOf(ParseMooncakeTrace(line, "m.jsonl")), HasSubstr("m.jsonl:1: line is "));
}

}  // namespace
}  // namespace capsim::config
