#ifndef CAPSIM_SIM_EVENT_HEAP_H_
#define CAPSIM_SIM_EVENT_HEAP_H_

#include <cassert>
#include <cstdint>
#include <cstring>
#include <vector>

#include "sim/large_alloc.h"

namespace capsim::sim {

// One pending entry, packed in 16 bytes so that the four children of a heap node share one
// 64-byte cache line. `tail` holds the priority (offset to be unsigned) in its top 8 bits and the
// handler slot in its low 32 bits; the sequence number that breaks (time, priority) ties is kept
// with the slot and read only on ties.
struct HeapEntry {
  int64_t time;
  uint64_t tail;

  static HeapEntry Make(int64_t time, uint32_t priority_bits, uint32_t slot) {
    return {time, (static_cast<uint64_t>(priority_bits) << 56) | slot};
  }
  uint32_t slot() const { return static_cast<uint32_t>(tail); }
  uint32_t priority_bits() const { return static_cast<uint32_t>(tail >> 56); }
};

// A 4-ary min-heap of HeapEntry ordered by (time, priority, sequence), with cache-line-aligned
// sibling groups. Besides push and pop it offers ReplaceTop, which puts a new entry where the
// minimum was and sifts it down: one sift instead of two for the common case of an event handler
// that schedules exactly one follow-up.
//
//   std::vector<uint64_t> seq(8);  // sequence number by slot
//   EventHeap h([&](uint32_t slot) { return seq[slot]; });
//   h.Push(HeapEntry::Make(10, 128, /*slot=*/0));
//   h.ReplaceTop(HeapEntry::Make(25, 128, /*slot=*/1));
template <typename SequenceOf>
class EventHeap {
 public:
  // `sequence_of(slot)` returns the sequence number of the event in `slot`.
  explicit EventHeap(SequenceOf sequence_of) : seq_(sequence_of) {}
  EventHeap(const EventHeap&) = delete;
  EventHeap& operator=(const EventHeap&) = delete;
  ~EventHeap() { Free(); }

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  // The earliest entry; the heap must be non-empty.
  const HeapEntry& Top() const {
    assert(size_ > 0);
    return a_[0];
  }
  // Adds `e`.
  void Push(const HeapEntry& e) {
    if (size_ == capacity_) Grow();
    SiftUp(size_++, e);
  }
  // Removes the earliest entry; the heap must be non-empty.
  void Pop() {
    assert(size_ > 0);
    --size_;
    if (size_ > 0) SiftUp(HoleToLeaf(), a_[size_]);
  }
  // Removes the earliest entry and adds `e` in one pass; the heap must be non-empty.
  void ReplaceTop(const HeapEntry& e) {
    assert(size_ > 0);
    SiftUp(HoleToLeaf(), e);
  }
  // Keeps only the entries for which keep(entry) is true, then restores the heap order.
  template <typename Pred>
  void Filter(Pred keep) {
    size_t out = 0;
    for (size_t i = 0; i < size_; ++i) {
      if (keep(a_[i])) a_[out++] = a_[i];
    }
    size_ = out;
    for (size_t i = size_; i-- > 0;) SiftDown(i, a_[i]);
  }
  // The entry at heap position i < size() (0 is the top; 1..4 are its children).
  const HeapEntry& At(size_t i) const {
    assert(i < size_);
    return a_[i];
  }
  // True when a runs before b.
  [[gnu::always_inline]] bool Earlier(const HeapEntry& a, const HeapEntry& b) const {
    // Equal times are rare: keep that branch predictable and the common compare branch-free.
    if (__builtin_expect(a.time == b.time, 0)) return TieEarlier(a, b);
    return a.time < b.time;
  }

 private:
  // Four children of 16 bytes fill one cache line. (8 was measured too: fewer levels, but slower
  // at 1e6 pending events, where each level then spans two lines.)
  static constexpr size_t kArity = 4;

  bool TieEarlier(const HeapEntry& a, const HeapEntry& b) const {
    if (a.priority_bits() != b.priority_bits()) return a.priority_bits() < b.priority_bits();
    return seq_(a.slot()) < seq_(b.slot());
  }
  static constexpr size_t kPad = kArity - 1;
  // Levels below this position are past the cache-resident top of the heap: prefetch there only,
  // so that the prefetches do not crowd out the loads that matter.
  static constexpr size_t kPrefetchFrom = 1 << 13;  // children groups from 128 KiB in

  void SiftUp(size_t i, const HeapEntry e) {
    while (i > 0) {
      size_t parent = (i - 1) / kArity;
      if (!Earlier(e, a_[parent])) break;
      a_[i] = a_[parent];
      i = parent;
    }
    a_[i] = e;
  }

  // The position of the earliest of the full sibling group a_[first .. first + kArity - 1]. The
  // common case compares the times held in registers with a tree of conditional moves (which
  // child wins is unpredictable, so branches would mispredict); only equal times met on the way
  // take the exact tie-breaking path.
  [[gnu::always_inline]] size_t EarliestOfGroup(size_t first) const {
    const HeapEntry* a = a_ + first;
    int64_t t[kArity];
    size_t idx[kArity];
    bool tie = false;
    for (size_t k = 0; k < kArity; ++k) {
      t[k] = a[k].time;
      idx[k] = k;
    }
    for (size_t width = kArity; width > 1; width /= 2) {
      for (size_t k = 0; k < width / 2; ++k) {
        const int64_t x = t[2 * k], y = t[2 * k + 1];
        const bool c = y < x;
        tie |= x == y;
        t[k] = c ? y : x;
        idx[k] = c ? idx[2 * k + 1] : idx[2 * k];
      }
    }
    if (__builtin_expect(tie, 0)) return EarliestOfGroupSlow(first);
    return first + idx[0];
  }
  // The exact (time, priority, sequence) minimum of a full group, for groups with equal times.
  [[gnu::noinline]] size_t EarliestOfGroupSlow(size_t first) const {
    size_t best = first;
    for (size_t c = first + 1; c < first + kArity; ++c) {
      if (Earlier(a_[c], a_[best])) best = c;
    }
    return best;
  }

  // Moves the hole at the top down to a leaf, always promoting the earliest child (Floyd): no
  // comparison against the entry to insert, which usually belongs near the bottom anyway.
  size_t HoleToLeaf() {
    const size_t n = size_;
    HeapEntry* a = a_;
    size_t i = 0;
    for (;;) {
      size_t first = i * kArity + 1;
      if (first + kArity > n) break;
      if (first >= kPrefetchFrom) {
        // Start loading all four grandchild groups: which one the descent needs next is known
        // only after the compares, and a large heap would otherwise wait on each level in turn.
        for (size_t k = 0; k < kArity; ++k) __builtin_prefetch(a + (first + k) * kArity + 1);
      }
      size_t best = EarliestOfGroup(first);
      a[i] = a[best];
      i = best;
    }
    size_t first = i * kArity + 1;
    if (first < n) {
      size_t best = first;
      for (size_t c = first + 1; c < n; ++c) {
        if (Earlier(a[c], a[best])) best = c;
      }
      a[i] = a[best];
      i = best;
    }
    return i;
  }

  // Places `e` at hole `i` and moves it down to its place.
  void SiftDown(size_t i, const HeapEntry e) {  // by value: `e` may alias a moved entry
    const size_t n = size_;
    HeapEntry* a = a_;
    for (;;) {
      size_t first = i * kArity + 1;
      if (first >= n) break;
      size_t best = first;
      if (first + kArity <= n) {
        best = EarliestOfGroup(first);
      } else {
        for (size_t c = first + 1; c < n; ++c) {
          if (Earlier(a[c], a[best])) best = c;
        }
      }
      if (!Earlier(a[best], e)) break;
      a[i] = a[best];
      i = best;
    }
    a[i] = e;
  }

  void Grow() {
    size_t cap = capacity_ ? capacity_ * 2 : 256 - kPad;  // (cap + kPad) entries: whole groups
    HeapEntry* base = static_cast<HeapEntry*>(AllocateLarge((cap + kPad) * sizeof(HeapEntry)));
    if (size_) std::memcpy(base + kPad, a_, size_ * sizeof(HeapEntry));
    Free();
    base_ = base;
    a_ = base + kPad;
    capacity_ = cap;
  }
  void Free() {
    if (base_) FreeLarge(base_, (capacity_ + kPad) * sizeof(HeapEntry));
    base_ = nullptr;
  }

  SequenceOf seq_;
  HeapEntry* base_ = nullptr;  // aligned allocation
  HeapEntry* a_ = nullptr;     // base_ + kPad: the root
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace capsim::sim

#endif  // CAPSIM_SIM_EVENT_HEAP_H_
