#include "models/kv_cache.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "models/transformer_ops.h"

namespace capsim::models {

double KvBytesPerTokenPerGpu(const ModelSpec& model, const Parallelism& par) {
  assert(model.HasArchitecture());
  const int64_t head_dim = model.head_dim > 0 ? model.head_dim : model.hidden / model.heads;
  const int64_t kv_heads = std::max<int64_t>(1, model.kv_heads / par.tp);
  const double layers = static_cast<double>(model.layers) / par.pp;
  return 2 * layers * static_cast<double>(kv_heads * head_dim) * BytesPerElement(model.dtype);
}

int64_t KvCapacityBlocks(const ModelSpec& model, const Parallelism& par, const GpuSpec& gpu,
                         const KvCacheConfig& config) {
  const double weights = ParamsPerGpu(model, par) * BytesPerElement(model.dtype);
  const double free_bytes =
      gpu.memory_bytes * config.memory_utilization - weights - config.activation_reserve_bytes;
  if (free_bytes <= 0) return 0;
  const double block_bytes =
      KvBytesPerTokenPerGpu(model, par) * static_cast<double>(config.block_tokens);
  return static_cast<int64_t>(std::floor(free_bytes / block_bytes));
}

KvCache::KvCache(int64_t total_blocks, const KvCacheConfig& config)
    : config_(config),
      total_blocks_(total_blocks),
      blocks_per_prefix_(config.prefix_block_tokens / config.block_tokens),
      free_blocks_(total_blocks) {
  assert(total_blocks >= 0 && config.block_tokens > 0);
  assert(config.prefix_block_tokens % config.block_tokens == 0 && blocks_per_prefix_ > 0);
}

double KvCache::Utilization() const {
  return total_blocks_ > 0 ? static_cast<double>(used_blocks()) / total_blocks_ : 0.0;
}

int64_t KvCache::BlocksForTokens(int64_t tokens) const {
  return (tokens + config_.block_tokens - 1) / config_.block_tokens;
}

int64_t KvCache::CachedPrefixLength(const std::vector<uint64_t>& hashes,
                                    int64_t max_entries) const {
  const int64_t n = std::min<int64_t>(max_entries, static_cast<int64_t>(hashes.size()));
  int64_t i = 0;
  while (i < n && index_.count(hashes[i]) != 0) ++i;
  return i;
}

int64_t KvCache::AcquirePrefix(KvSequence* seq, const std::vector<uint64_t>& hashes,
                               int64_t max_entries) {
  assert(seq->prefix_refs == 0 && seq->private_blocks == 0);
  const int64_t n = CachedPrefixLength(hashes, max_entries);
  for (int64_t i = 0; i < n; ++i) {
    const int32_t e = index_.find(hashes[i])->second;
    if (entries_[e].refs++ == 0) LruRemove(e);
  }
  seq->prefix_refs = n;
  return n;
}

bool KvCache::Reserve(KvSequence* seq, int64_t tokens) {
  const int64_t need =
      BlocksForTokens(tokens) - seq->prefix_refs * blocks_per_prefix_ - seq->private_blocks;
  if (need <= 0) return true;
  if (need > free_blocks_ + evictable_blocks()) return false;
  while (free_blocks_ < need) EvictOne();
  free_blocks_ -= need;
  seq->private_blocks += need;
  return true;
}

void KvCache::Publish(KvSequence* seq, const std::vector<uint64_t>& hashes, int64_t entries) {
  entries = std::min<int64_t>(entries, static_cast<int64_t>(hashes.size()));
  for (int64_t i = seq->prefix_refs; i < entries; ++i) {
    assert(seq->private_blocks >= blocks_per_prefix_);
    seq->private_blocks -= blocks_per_prefix_;
    auto it = index_.find(hashes[i]);
    if (it != index_.end()) {  // computed by another sequence meanwhile: share it
      if (entries_[it->second].refs++ == 0) LruRemove(it->second);
      free_blocks_ += blocks_per_prefix_;
    } else {
      const int32_t e = NewEntry(hashes[i]);
      entries_[e].refs = 1;
      index_.emplace(hashes[i], e);
    }
    seq->prefix_refs = i + 1;
  }
}

void KvCache::Free(KvSequence* seq, const std::vector<uint64_t>& hashes) {
  free_blocks_ += seq->private_blocks;
  seq->private_blocks = 0;
  // Release the deepest entries first so that the shallow ones (shared more widely) are
  // evicted last.
  for (int64_t i = seq->prefix_refs - 1; i >= 0; --i) {
    const int32_t e = index_.find(hashes[i])->second;
    if (--entries_[e].refs == 0) LruPushBack(e);
  }
  seq->prefix_refs = 0;
}

int32_t KvCache::NewEntry(uint64_t hash) {
  int32_t e;
  if (!free_entries_.empty()) {
    e = free_entries_.back();
    free_entries_.pop_back();
  } else {
    e = static_cast<int32_t>(entries_.size());
    entries_.emplace_back();
  }
  entries_[e] = Entry{hash, 0, kNone, kNone};
  return e;
}

void KvCache::LruPushBack(int32_t e) {
  entries_[e].prev = lru_tail_;
  entries_[e].next = kNone;
  if (lru_tail_ != kNone) {
    entries_[lru_tail_].next = e;
  } else {
    lru_head_ = e;
  }
  lru_tail_ = e;
  ++evictable_entries_;
}

void KvCache::LruRemove(int32_t e) {
  Entry& x = entries_[e];
  if (x.prev != kNone) {
    entries_[x.prev].next = x.next;
  } else {
    lru_head_ = x.next;
  }
  if (x.next != kNone) {
    entries_[x.next].prev = x.prev;
  } else {
    lru_tail_ = x.prev;
  }
  x.prev = x.next = kNone;
  --evictable_entries_;
}

void KvCache::EvictOne() {
  assert(lru_head_ != kNone);
  const int32_t e = lru_head_;
  LruRemove(e);
  index_.erase(entries_[e].hash);
  free_entries_.push_back(e);
  free_blocks_ += blocks_per_prefix_;
  ++evictions_;
}

}  // namespace capsim::models
