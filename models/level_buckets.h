#ifndef CAPSIM_MODELS_LEVEL_BUCKETS_H_
#define CAPSIM_MODELS_LEVEL_BUCKETS_H_

#include <cassert>
#include <cstddef>
#include <vector>

namespace capsim::models {

// Items (dense int ids) grouped by an integer level in [0, max_level], for O(1) moves and
// lookups of the fullest or emptiest item with room: how replicas and GPUs are picked for new
// streams without scanning a large fleet. Picks are deterministic (the last item of a bucket).
//
//   LevelBuckets b(/*max_level=*/16);
//   b.Insert(/*item=*/3, /*level=*/0);
//   b.SetLevel(3, 1);
//   int fullest_with_room = b.HighestBelow(16);
class LevelBuckets {
 public:
  explicit LevelBuckets(int max_level) : buckets_(static_cast<size_t>(max_level) + 1) {
    assert(max_level >= 0);
  }

  int max_level() const { return static_cast<int>(buckets_.size()) - 1; }
  bool contains(int item) const {
    return item >= 0 && item < static_cast<int>(level_.size()) && level_[item] >= 0;
  }
  int level(int item) const { return level_[item]; }
  int CountAt(int level) const { return static_cast<int>(buckets_[level].size()); }

  // Adds `item` (not present) at `level`.
  void Insert(int item, int level) {
    assert(!contains(item) && level >= 0 && level <= max_level());
    if (item >= static_cast<int>(level_.size())) {
      level_.resize(item + 1, -1);
      pos_.resize(item + 1, -1);
    }
    level_[item] = level;
    pos_[item] = static_cast<int>(buckets_[level].size());
    buckets_[level].push_back(item);
  }
  // Removes `item` (present).
  void Remove(int item) {
    assert(contains(item));
    std::vector<int>& b = buckets_[level_[item]];
    const int last = b.back();
    b[pos_[item]] = last;
    pos_[last] = pos_[item];
    b.pop_back();
    level_[item] = -1;
    pos_[item] = -1;
  }
  void SetLevel(int item, int level) {
    Remove(item);
    Insert(item, level);
  }
  // An item of the highest level below `below`, or -1.
  int HighestBelow(int below) const {
    for (int l = below - 1; l >= 0; --l) {
      if (!buckets_[l].empty()) return buckets_[l].back();
    }
    return -1;
  }
  // An item of the lowest level below `below`, or -1.
  int LowestBelow(int below) const {
    for (int l = 0; l < below && l <= max_level(); ++l) {
      if (!buckets_[l].empty()) return buckets_[l].back();
    }
    return -1;
  }

 private:
  std::vector<std::vector<int>> buckets_;
  std::vector<int> level_;  // -1: absent
  std::vector<int> pos_;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_LEVEL_BUCKETS_H_
