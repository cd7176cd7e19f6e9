#include "sim/event_heap.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <tuple>
#include <vector>

namespace capsim::sim {
namespace {

struct SeqTable {
  const std::vector<uint64_t>* seq;
  uint64_t operator()(uint32_t slot) const { return (*seq)[slot]; }
};

using Key = std::tuple<int64_t, uint32_t, uint64_t>;  // (time, priority bits, sequence)

// Pops everything and returns the keys in pop order.
std::vector<Key> Drain(EventHeap<SeqTable>& h, const std::vector<uint64_t>& seq) {
  std::vector<Key> out;
  while (!h.empty()) {
    const HeapEntry& e = h.Top();
    out.emplace_back(e.time, e.priority_bits(), seq[e.slot()]);
    h.Pop();
  }
  return out;
}

TEST(HeapEntryTest, PacksFields) {
  HeapEntry e = HeapEntry::Make(-5, 200, 123456);
  EXPECT_EQ(e.time, -5);
  EXPECT_EQ(e.priority_bits(), 200u);
  EXPECT_EQ(e.slot(), 123456u);
  EXPECT_EQ(sizeof(HeapEntry), 16u);
}

TEST(EventHeapTest, EmptyAndSingle) {
  std::vector<uint64_t> seq{0};
  EventHeap<SeqTable> h(SeqTable{&seq});
  EXPECT_TRUE(h.empty());
  h.Push(HeapEntry::Make(3, 0, 0));
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(h.Top().time, 3);
  h.Pop();
  EXPECT_TRUE(h.empty());
}

// Many equal times and priorities in a large heap: the order must match a full sort by
// (time, priority, sequence), whatever path (fast compare or tie-break) each comparison takes.
TEST(EventHeapTest, TiesMatchSortedReference) {
  std::mt19937_64 rng(7);
  const uint32_t n = 20000;
  std::vector<uint64_t> seq(n);
  std::vector<uint32_t> slots(n);
  for (uint32_t i = 0; i < n; ++i) slots[i] = i;
  std::shuffle(slots.begin(), slots.end(), rng);  // sequence order differs from slot order
  for (uint32_t i = 0; i < n; ++i) seq[slots[i]] = i;
  EventHeap<SeqTable> h(SeqTable{&seq});
  std::vector<Key> ref;
  for (uint32_t i = 0; i < n; ++i) {
    int64_t t = static_cast<int64_t>(rng() % 8);  // thousands of equal times
    uint32_t prio = static_cast<uint32_t>(rng() % 3) + 127;
    h.Push(HeapEntry::Make(t, prio, slots[i]));
    ref.emplace_back(t, prio, i);
  }
  std::sort(ref.begin(), ref.end());
  EXPECT_EQ(Drain(h, seq), ref);
}

TEST(EventHeapTest, ReplaceTopMatchesPopPush) {
  std::mt19937_64 rng(11);
  const uint32_t n = 5000;
  std::vector<uint64_t> seq(2 * n);
  for (uint32_t i = 0; i < 2 * n; ++i) seq[i] = i;
  EventHeap<SeqTable> a(SeqTable{&seq});
  EventHeap<SeqTable> b(SeqTable{&seq});
  for (uint32_t i = 0; i < n; ++i) {
    HeapEntry e = HeapEntry::Make(static_cast<int64_t>(rng() % 1000), 128, i);
    a.Push(e);
    b.Push(e);
  }
  for (uint32_t i = 0; i < n; ++i) {
    ASSERT_EQ(a.Top().slot(), b.Top().slot());
    HeapEntry e = HeapEntry::Make(a.Top().time + static_cast<int64_t>(rng() % 1000), 128, n + i);
    a.ReplaceTop(e);
    b.Pop();
    b.Push(e);
  }
  EXPECT_EQ(Drain(a, seq), Drain(b, seq));
}

TEST(EventHeapTest, FilterKeepsOrder) {
  std::mt19937_64 rng(3);
  const uint32_t n = 10000;
  std::vector<uint64_t> seq(n);
  for (uint32_t i = 0; i < n; ++i) seq[i] = i;
  EventHeap<SeqTable> h(SeqTable{&seq});
  std::vector<Key> ref;
  for (uint32_t i = 0; i < n; ++i) {
    int64_t t = static_cast<int64_t>(rng() % 500);
    h.Push(HeapEntry::Make(t, 128, i));
    if (i % 3 != 0) ref.emplace_back(t, 128, i);
  }
  h.Filter([](const HeapEntry& e) { return e.slot() % 3 != 0; });
  EXPECT_EQ(h.size(), ref.size());
  std::sort(ref.begin(), ref.end());
  EXPECT_EQ(Drain(h, seq), ref);
}

TEST(EventHeapTest, RandomOperationsAgainstSortedReference) {
  std::mt19937_64 rng(5);
  std::vector<uint64_t> seq;
  EventHeap<SeqTable> h(SeqTable{&seq});
  std::vector<Key> ref;  // kept as a min-heap via sorting on demand
  for (int op = 0; op < 30000; ++op) {
    if (ref.empty() || rng() % 3 != 0) {
      uint32_t slot = static_cast<uint32_t>(seq.size());
      seq.push_back(slot);
      int64_t t = static_cast<int64_t>(rng() % 100);
      uint32_t p = static_cast<uint32_t>(rng() % 2);
      h.Push(HeapEntry::Make(t, p, slot));
      ref.emplace_back(t, p, slot);
      std::push_heap(ref.begin(), ref.end(), std::greater<>());
    } else {
      std::pop_heap(ref.begin(), ref.end(), std::greater<>());
      Key want = ref.back();
      ref.pop_back();
      const HeapEntry& e = h.Top();
      ASSERT_EQ(Key(e.time, e.priority_bits(), seq[e.slot()]), want) << "op " << op;
      h.Pop();
    }
  }
  EXPECT_EQ(h.size(), ref.size());
}

}  // namespace
}  // namespace capsim::sim
