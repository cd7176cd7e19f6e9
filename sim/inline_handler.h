#ifndef CAPSIM_SIM_INLINE_HANDLER_H_
#define CAPSIM_SIM_INLINE_HANDLER_H_

#include <cassert>
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace capsim::sim {

// A move-only `void()` callable stored inline in a fixed buffer: constructing one never touches
// the heap. A callable larger than kCapacity bytes is a compile-time error, so event handlers
// capture a pointer or a few ids rather than big objects.
//
//   InlineHandler h([this, id] { OnDone(id); });
//   h();
class InlineHandler {
 public:
  static constexpr size_t kCapacity = 32;

  InlineHandler() = default;
  template <typename F,
            typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, InlineHandler>>>
  InlineHandler(F&& f) {  // NOLINT: implicit by design, like std::function
    Emplace(std::forward<F>(f));
  }
  InlineHandler(InlineHandler&& o) noexcept { MoveFrom(o); }
  InlineHandler& operator=(InlineHandler&& o) noexcept {
    if (this != &o) {
      Reset();
      MoveFrom(o);
    }
    return *this;
  }
  InlineHandler(const InlineHandler&) = delete;
  InlineHandler& operator=(const InlineHandler&) = delete;
  ~InlineHandler() { Reset(); }

  // Replaces the stored callable with `f`, constructed in place.
  template <typename F>
  void Emplace(F&& f) {
    Reset();
    EmplaceIntoEmpty(std::forward<F>(f));
  }
  // Like Emplace, for a handler known to be empty (skips destroying the previous callable).
  template <typename F>
  void EmplaceIntoEmpty(F&& f) {
    using Fn = std::decay_t<F>;
    static_assert(sizeof(Fn) <= kCapacity, "event handler captures too much; capture a pointer");
    static_assert(alignof(Fn) <= alignof(void*), "over-aligned event handler");
    static_assert(std::is_nothrow_move_constructible_v<Fn>, "handler must be nothrow-movable");
    assert(invoke_ == nullptr && manage_ == nullptr);
    new (storage_) Fn(std::forward<F>(f));
    invoke_ = [](void* p) { (*static_cast<Fn*>(p))(); };
    if constexpr (!std::is_trivially_destructible_v<Fn> || !std::is_trivially_copyable_v<Fn>) {
      manage_ = [](void* dst, void* src) {
        if (dst != nullptr) new (dst) Fn(std::move(*static_cast<Fn*>(src)));
        static_cast<Fn*>(src)->~Fn();
      };
    }
  }
  // Calls the stored callable; it must be non-empty.
  void operator()() { invoke_(storage_); }
  explicit operator bool() const { return invoke_ != nullptr; }
  // Destroys the stored callable, leaving this empty.
  void Reset() {
    if (manage_ != nullptr) manage_(nullptr, storage_);
    invoke_ = nullptr;
    manage_ = nullptr;
  }

 private:
  void MoveFrom(InlineHandler& o) {
    invoke_ = o.invoke_;
    manage_ = o.manage_;
    if (manage_ != nullptr) {
      manage_(storage_, o.storage_);
    } else if (invoke_ != nullptr) {
      __builtin_memcpy(storage_, o.storage_, kCapacity);
    }
    o.invoke_ = nullptr;
    o.manage_ = nullptr;
  }

  alignas(void*) unsigned char storage_[kCapacity];
  void (*invoke_)(void*) = nullptr;
  // Moves *src into dst (when dst is non-null) and destroys *src; null for trivial callables.
  void (*manage_)(void* dst, void* src) = nullptr;
};

}  // namespace capsim::sim

#endif  // CAPSIM_SIM_INLINE_HANDLER_H_
