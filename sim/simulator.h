#ifndef CAPSIM_SIM_SIMULATOR_H_
#define CAPSIM_SIM_SIMULATOR_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/event_heap.h"
#include "sim/inline_handler.h"
#include "sim/time.h"

namespace capsim::sim {

// Identifies a scheduled event so that it can be cancelled. Stale ids (the event ran or was
// cancelled) are detected through a generation count and are harmless.
struct EventId {
  uint32_t slot = UINT32_MAX;
  uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

// The discrete-event engine: a clock and a set of pending events ordered by
// (time, priority, sequence). No global state: each Simulator is independent, so replications
// can run in parallel threads. Handlers are stored inline (no heap allocation per event once the
// tables have grown to the working-set size).
//
//   Simulator sim;
//   sim.ScheduleAfter(Duration::Seconds(1), [&] { ++count; });
//   sim.RunUntil(Time::FromSeconds(10));
class Simulator {
 public:
  // Same-time events run in increasing priority value; kDefaultPriority sits in the middle.
  static constexpr int kDefaultPriority = 0;
  static constexpr int kMinPriority = -128;
  static constexpr int kMaxPriority = 127;

  Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // The current simulated time: the time of the event being handled, or where the run stopped.
  Time Now() const { return now_; }

  // Schedules the callable `handler` (a `void()` lambda capturing at most
  // InlineHandler::kCapacity bytes) at `at` (>= Now()) and returns its id.
  template <typename F>
  EventId Schedule(Time at, F&& handler, int priority = kDefaultPriority) {
    uint32_t slot;
    if (__builtin_expect(!free_slots_.empty(), 1)) {
      slot = free_slots_.back();  // usually the slot the previous event ran in: cache-hot
      free_slots_.pop_back();
    } else {
      slot = GrowSlots();
    }
    SlotAt(slot).handler.EmplaceIntoEmpty(std::forward<F>(handler));  // constructed in place
    return Enqueue(at, slot, priority);
  }
  // Schedules `handler` after `delay` (>= 0) from Now().
  template <typename F>
  EventId ScheduleAfter(Duration delay, F&& handler, int priority = kDefaultPriority) {
    return Schedule(now_ + delay, std::forward<F>(handler), priority);
  }
  // Cancels a pending event; returns false when it already ran, was cancelled, or is running.
  bool Cancel(EventId id);
  // True when `id` names an event that has not yet run or been cancelled.
  bool IsPending(EventId id) const;

  // Handles events in order while the next one is at or before `end`, then sets Now() to `end`
  // (unless Stop() was called, which leaves Now() at the stopping event).
  void RunUntil(Time end);
  // Handles the next pending event; returns false when there is none.
  bool Step();
  // Handles up to `max_events` events in order (fewer when the pending set runs empty or Stop()
  // is called) and returns how many ran; Now() stays at the last handled event.
  uint64_t RunEvents(uint64_t max_events);
  // Makes the current RunUntil return after the handler that called it.
  void Stop() { stop_requested_ = true; }

  // Number of events handled so far (cancelled ones are not counted).
  uint64_t events_handled() const { return events_handled_; }
  // Number of events scheduled and not yet handled or cancelled.
  size_t pending() const { return live_; }
  // Time of the earliest pending event, or Time::Max() when none.
  Time NextEventTime();

 private:
  // Adds a fresh slot (allocating a new block when needed) and returns its index.
  uint32_t GrowSlots();
  // Puts the event whose handler is in `slot` into the pending set.
  EventId Enqueue(Time at, uint32_t slot, int priority);
  // Drops cancelled entries from the top of the heap; returns false when the heap is empty.
  bool SkipCancelled();
  void HandleTop();
  void MaybeCompact();
  // Handles events while the next is at or before `end_ns`, at most `max_events` of them.
  uint64_t RunLoop(int64_t end_ns, uint64_t max_events);
  static bool IsOdd(uint32_t g) { return (g & 1u) != 0; }

  Time now_;
  uint64_t next_sequence_ = 0;
  uint64_t events_handled_ = 0;
  size_t live_ = 0;
  size_t cancelled_in_heap_ = 0;
  bool top_in_flight_ = false;  // the running event's heap entry has not been removed yet
  bool running_ = false;
  bool stop_requested_ = false;
  // A pending event's handler, its sequence number (the heap's tie-break) and a generation
  // that is odd while the slot holds a pending event and even otherwise: one cache line.
  struct alignas(64) Slot {
    InlineHandler handler;
    uint64_t sequence = 0;
    uint32_t generation = 0;
  };
  struct SequenceOfSlot {
    const Simulator* sim;
    uint64_t operator()(uint32_t slot) const { return sim->SlotAt(slot).sequence; }
  };
  static constexpr size_t kPrefetchAbove = 1 << 14;  // pending events: beyond cache-resident
  static constexpr uint32_t kBlockBits = 15;         // 32768 slots x 64 B: one 2 MiB huge page
  static constexpr uint32_t kBlockSize = 1u << kBlockBits;
  Slot& SlotAt(uint32_t i) { return blocks_[i >> kBlockBits].get()[i & (kBlockSize - 1)]; }
  const Slot& SlotAt(uint32_t i) const {
    return blocks_[i >> kBlockBits].get()[i & (kBlockSize - 1)];
  }

  struct FreeBlock {
    void operator()(Slot* p) const;
  };
  std::vector<std::unique_ptr<Slot, FreeBlock>> blocks_;
  uint32_t slot_count_ = 0;
  std::vector<uint32_t> free_slots_;
  EventHeap<SequenceOfSlot> heap_{SequenceOfSlot{this}};
};

}  // namespace capsim::sim

#endif  // CAPSIM_SIM_SIMULATOR_H_
