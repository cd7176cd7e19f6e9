#ifndef CAPSIM_MODELS_REQUEST_H_
#define CAPSIM_MODELS_REQUEST_H_

#include <cstdint>
#include <vector>

namespace capsim::models {

// One LLM inference request as it enters the serving model: from a trace or drawn by an
// arrival process.
struct Request {
  uint64_t id = 0;
  double arrival_s = 0;          // seconds since the start of the run
  int64_t input_tokens = 0;      // prompt length (> 0)
  int64_t output_tokens = 0;     // tokens to generate (>= 1)
  // Hashes of the prompt's prefix blocks (Mooncake traces: 512-token blocks); requests that
  // share a leading run of hashes share that prefix's KV cache. Empty: no prefix information.
  std::vector<uint64_t> prefix_blocks;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_REQUEST_H_
