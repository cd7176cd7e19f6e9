#include "sim/simulator.h"

#include <cassert>
#include <new>

#include "sim/large_alloc.h"

namespace capsim::sim {

static_assert(sizeof(InlineHandler) + 12 <= 64, "a slot must fit one cache line");

Simulator::Simulator() = default;

void Simulator::FreeBlock::operator()(Slot* p) const {
  for (uint32_t i = 0; i < kBlockSize; ++i) p[i].~Slot();
  FreeLarge(p, kBlockSize * sizeof(Slot));
}

uint32_t Simulator::GrowSlots() {
  assert(slot_count_ < UINT32_MAX);
  if ((slot_count_ & (kBlockSize - 1)) == 0) {
    Slot* block = static_cast<Slot*>(AllocateLarge(kBlockSize * sizeof(Slot)));
    for (uint32_t i = 0; i < kBlockSize; ++i) new (block + i) Slot();
    blocks_.emplace_back(block);
  }
  return slot_count_++;
}

EventId Simulator::Enqueue(Time at, uint32_t slot, int priority) {
  assert(at >= now_ && "events cannot be scheduled in the past");
  assert(priority >= kMinPriority && priority <= kMaxPriority);
  Slot& s = SlotAt(slot);
  assert(s.handler);
  s.sequence = next_sequence_++;
  const uint32_t generation = ++s.generation;  // odd: pending
  const HeapEntry e =
      HeapEntry::Make(at.nanos(), static_cast<uint32_t>(priority - kMinPriority), slot);
  if (top_in_flight_) {
    // The running event's entry is still the heap's top: overwrite it instead of pop + push.
    heap_.ReplaceTop(e);
    top_in_flight_ = false;
  } else {
    heap_.Push(e);
  }
  ++live_;
  return EventId{slot, generation};
}

bool Simulator::IsPending(EventId id) const {
  return id.valid() && id.slot < slot_count_ && IsOdd(id.generation) &&
         SlotAt(id.slot).generation == id.generation;
}

bool Simulator::Cancel(EventId id) {
  if (!IsPending(id)) return false;
  Slot& s = SlotAt(id.slot);
  ++s.generation;  // even: no longer pending; the heap entry is dropped lazily
  s.handler.Reset();
  --live_;
  ++cancelled_in_heap_;
  MaybeCompact();
  return true;
}

void Simulator::MaybeCompact() {
  // Lazy deletion keeps Cancel O(1); compact when cancelled entries dominate the heap.
  if (top_in_flight_) return;  // the running event's entry must stay the top
  if (cancelled_in_heap_ < 4096 || cancelled_in_heap_ < heap_.size() / 2) return;
  heap_.Filter([this](const HeapEntry& e) {
    if (IsOdd(SlotAt(e.slot()).generation)) return true;
    free_slots_.push_back(e.slot());
    return false;
  });
  cancelled_in_heap_ = 0;
}

bool Simulator::SkipCancelled() {
  while (!heap_.empty()) {
    const uint32_t slot = heap_.Top().slot();
    if (IsOdd(SlotAt(slot).generation)) return true;
    heap_.Pop();
    --cancelled_in_heap_;
    free_slots_.push_back(slot);
  }
  return false;
}

Time Simulator::NextEventTime() {
  assert(!top_in_flight_);
  return SkipCancelled() ? Time::FromNanos(heap_.Top().time) : Time::Max();
}

void Simulator::HandleTop() {
  const HeapEntry top = heap_.Top();
  const uint32_t slot = top.slot();
  now_ = Time::FromNanos(top.time);
  Slot& s = SlotAt(slot);
  ++s.generation;  // even: no longer pending (Cancel on its own id is a no-op)
  --live_;
  top_in_flight_ = true;
  s.handler();  // in place: slot blocks never move
  if (top_in_flight_) {
    heap_.Pop();
    top_in_flight_ = false;
  }
  s.handler.Reset();
  if (heap_.size() > kPrefetchAbove) {
    // Start loading the slots of the next event (the new top) and of the one after it (the
    // earliest child of the top, unless the next handler schedules an earlier one): a large
    // table misses the cache, and one event's heap work is enough time to hide that.
    size_t b = 1;
    for (size_t i = 2; i < 5; ++i) b = heap_.At(i).time < heap_.At(b).time ? i : b;
    __builtin_prefetch(&SlotAt(heap_.At(0).slot()));
    __builtin_prefetch(&SlotAt(heap_.At(b).slot()));
  }
  // Freed after the handler, so a follow-up it scheduled took the previous event's (still
  // cache-hot) slot, and this one serves the next follow-up.
  free_slots_.push_back(slot);
  ++events_handled_;
}

uint64_t Simulator::RunLoop(int64_t end_ns, uint64_t max_events) {
  assert(!running_ && "the simulator is already running (called from an event handler?)");
  running_ = true;
  stop_requested_ = false;
  uint64_t handled = 0;
  while (handled < max_events && !heap_.empty()) {
    const HeapEntry& top = heap_.Top();
    if (__builtin_expect(!IsOdd(SlotAt(top.slot()).generation), 0)) {
      SkipCancelled();  // cancelled: drop it (and any others now on top)
      continue;
    }
    if (top.time > end_ns) break;
    HandleTop();
    ++handled;
    if (stop_requested_) break;
  }
  running_ = false;
  return handled;
}

bool Simulator::Step() { return RunLoop(INT64_MAX, 1) == 1; }

uint64_t Simulator::RunEvents(uint64_t max_events) { return RunLoop(INT64_MAX, max_events); }

void Simulator::RunUntil(Time end) {
  assert(end >= now_);
  RunLoop(end.nanos(), UINT64_MAX);
  if (!stop_requested_) now_ = end;
}

}  // namespace capsim::sim
