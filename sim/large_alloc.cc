#include "sim/large_alloc.h"

#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace capsim::sim {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kCacheLine = 128;  // a pair of lines, as the adjacent-line prefetcher fetches

size_t AlignmentFor(size_t bytes) { return bytes >= kHugePage ? kHugePage : kCacheLine; }

}  // namespace

void* AllocateLarge(size_t bytes) {
  void* p = ::operator new(bytes, std::align_val_t(AlignmentFor(bytes)));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes >= kHugePage) madvise(p, bytes - bytes % kHugePage, MADV_HUGEPAGE);  // a hint only
#endif
  return p;
}

void FreeLarge(void* p, size_t bytes) {
  ::operator delete(p, std::align_val_t(AlignmentFor(bytes)));
}

}  // namespace capsim::sim
