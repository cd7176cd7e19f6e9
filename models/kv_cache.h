#ifndef CAPSIM_MODELS_KV_CACHE_H_
#define CAPSIM_MODELS_KV_CACHE_H_

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "models/catalog.h"
#include "models/parallelism.h"

namespace capsim::models {

// How the KV cache of one replica is carved up.
struct KvCacheConfig {
  int64_t block_tokens = 16;          // tokens per KV block (vLLM's default page)
  int64_t prefix_block_tokens = 512;  // tokens covered by one prefix hash (Mooncake traces)
  // Fraction of HBM the serving engine may use (vLLM's gpu_memory_utilization).
  double memory_utilization = 0.9;
  // Bytes per GPU held back for activations and workspace, beyond the weights.
  double activation_reserve_bytes = 0;
};

// KV-cache bytes one token occupies on one GPU: 2 (K and V) x layers / pp x max(1, kv_heads /
// tp) x head_dim x bytes per element; requires model.HasArchitecture().
double KvBytesPerTokenPerGpu(const ModelSpec& model, const Parallelism& par);

// Blocks of the replica's KV cache: floor((HBM x memory_utilization - weights per GPU -
// activation reserve) / (KvBytesPerTokenPerGpu x block_tokens)), weights per GPU = ParamsPerGpu
// x bytes per element; 0 when the weights do not fit. Every GPU of a tp x pp replica holds the
// same share of every token, so this per-GPU figure is the replica's capacity.
int64_t KvCapacityBlocks(const ModelSpec& model, const Parallelism& par, const GpuSpec& gpu,
                         const KvCacheConfig& config);

// What one sequence holds in a KvCache: blocks of its own plus references to the first
// `prefix_refs` prefix entries of its request's prefix hashes. Owned by the caller.
struct KvSequence {
  int64_t private_blocks = 0;
  int64_t prefix_refs = 0;
};

// A paged KV cache with prefix caching: sequences hold whole blocks of `block_tokens` tokens;
// a full prompt prefix block of `prefix_block_tokens` tokens can be published under its hash,
// after which later sequences whose prompts start with the same hashes reference its blocks
// instead of computing them. Published entries are ref-counted; unreferenced ones stay cached
// and are evicted least recently released first when blocks run out.
//
//   KvCache kv(KvCapacityBlocks(model, par, gpu, {}), {});
//   KvSequence s;
//   int64_t hit = kv.AcquirePrefix(&s, hashes, max_entries);  // entries reused
//   if (!kv.Reserve(&s, prompt_tokens)) { /* wait */ }
//   kv.Publish(&s, hashes, full_entries);                      // after the prefill
//   kv.Free(&s, hashes);
class KvCache {
 public:
  // A cache of `total_blocks` blocks; config.prefix_block_tokens must be a multiple of
  // config.block_tokens.
  KvCache(int64_t total_blocks, const KvCacheConfig& config);

  // Blocks in the cache.
  int64_t total_blocks() const { return total_blocks_; }
  // Blocks held by no sequence and no cached prefix entry.
  int64_t free_blocks() const { return free_blocks_; }
  // Blocks of cached prefix entries that no sequence references (evictable).
  int64_t evictable_blocks() const { return evictable_entries_ * blocks_per_prefix_; }
  // Blocks referenced by sequences (private blocks and referenced prefix entries).
  int64_t used_blocks() const { return total_blocks_ - free_blocks_ - evictable_blocks(); }
  // used_blocks / total_blocks (0 for an empty cache).
  double Utilization() const;
  // Blocks of one prefix entry: prefix_block_tokens / block_tokens.
  int64_t blocks_per_prefix() const { return blocks_per_prefix_; }
  // Tokens of one prefix entry.
  int64_t prefix_block_tokens() const { return config_.prefix_block_tokens; }
  // Blocks needed for `tokens` tokens: ceil(tokens / block_tokens).
  int64_t BlocksForTokens(int64_t tokens) const;
  // Prefix entries cached (referenced or not).
  int64_t cached_entries() const { return static_cast<int64_t>(index_.size()); }
  // Prefix entries evicted so far.
  int64_t evictions() const { return evictions_; }

  // The number of leading hashes of `hashes` (at most `max_entries`) that are cached.
  int64_t CachedPrefixLength(const std::vector<uint64_t>& hashes, int64_t max_entries) const;
  // Makes `seq` (holding nothing) reference the leading cached entries of `hashes`, at most
  // `max_entries`, and returns how many it references.
  int64_t AcquirePrefix(KvSequence* seq, const std::vector<uint64_t>& hashes, int64_t max_entries);
  // Grows `seq` to hold `tokens` tokens (private blocks beyond its prefix entries), evicting
  // unreferenced prefix entries least recently released first; false (and nothing changed)
  // when the blocks cannot be found.
  bool Reserve(KvSequence* seq, int64_t tokens);
  // Turns the private blocks of `seq` covering `hashes[seq->prefix_refs, entries)` into
  // prefix entries it references (a hash cached meanwhile is referenced and the duplicate
  // blocks freed); requires the sequence to hold at least entries x prefix_block_tokens tokens.
  void Publish(KvSequence* seq, const std::vector<uint64_t>& hashes, int64_t entries);
  // Releases everything `seq` holds (`hashes` are its request's prefix hashes); entries left
  // unreferenced become evictable, most recently released last.
  void Free(KvSequence* seq, const std::vector<uint64_t>& hashes);

 private:
  static constexpr int32_t kNone = -1;
  struct Entry {
    uint64_t hash = 0;
    int64_t refs = 0;
    int32_t prev = kNone;  // LRU links while refs == 0
    int32_t next = kNone;
  };
  void LruPushBack(int32_t e);
  void LruRemove(int32_t e);
  void EvictOne();
  int32_t NewEntry(uint64_t hash);

  KvCacheConfig config_;
  int64_t total_blocks_;
  int64_t blocks_per_prefix_;
  int64_t free_blocks_;
  int64_t evictable_entries_ = 0;
  int64_t evictions_ = 0;
  std::vector<Entry> entries_;
  std::vector<int32_t> free_entries_;
  std::unordered_map<uint64_t, int32_t> index_;
  int32_t lru_head_ = kNone;  // least recently released
  int32_t lru_tail_ = kNone;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_KV_CACHE_H_
