#ifndef CAPSIM_CONFIG_TRACE_READER_H_
#define CAPSIM_CONFIG_TRACE_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/request.h"
#include "sim/status.h"

namespace capsim::config {

// Bounds that keep a hostile or corrupt trace from exhausting memory. Real traces stay far
// below them (the largest public request is 126,195 input tokens; lines are < 1 KB).
inline constexpr int64_t kMaxTraceTokens = 10'000'000;             // per request, input or output
inline constexpr size_t kMaxTraceLineBytes = 1 << 20;              // 1 MiB
inline constexpr uint64_t kMaxTraceFileBytes = uint64_t{1} << 30;  // 1 GiB
// Parsing stops after this many problems (one more line says so).
inline constexpr size_t kMaxTraceProblems = 20;

// Both readers return the requests in file order with ids 0, 1, 2, ... and reject (rather than
// sort) a file whose timestamps go backwards, naming the line: the public traces are sorted,
// so an unsorted file is a sign of a wrong or damaged file. Token counts must be integers in
// [1, kMaxTraceTokens]. A trailing newline is optional and CRLF line ends are accepted; any
// other empty line, an empty file and a file with no requests are errors. Problems read
// "PATH:LINE: ..." or "PATH:LINE:COLUMN: ..." (columns count bytes from 1).

// The Azure LLM inference trace 2023 CSV at `path` (header `TIMESTAMP,ContextTokens,
// GeneratedTokens`; timestamps `YYYY-MM-DD HH:MM:SS[.f...]` with up to 9 fraction digits, read
// exactly to the nanosecond); arrival_s counts from the first row's timestamp.
Result<std::vector<models::Request>> ReadAzureTrace(const std::string& path);
// The Azure trace in `text`, with `name` standing for the file in problem lines.
Result<std::vector<models::Request>> ParseAzureTrace(std::string_view text,
                                                     const std::string& name);

// The Mooncake (FAST '25) JSONL trace at `path`: one object a line with `timestamp` (ms, >= 0;
// arrival_s = timestamp / 1000 as given), `input_length`, `output_length` and `hash_ids`
// (non-negative integers, the 512-token prefix blocks: stored as prefix_blocks). Other fields
// are ignored.
Result<std::vector<models::Request>> ReadMooncakeTrace(const std::string& path);
// The Mooncake trace in `text`, with `name` standing for the file in problem lines.
Result<std::vector<models::Request>> ParseMooncakeTrace(std::string_view text,
                                                        const std::string& name);

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_TRACE_READER_H_
