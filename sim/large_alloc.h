#ifndef CAPSIM_SIM_LARGE_ALLOC_H_
#define CAPSIM_SIM_LARGE_ALLOC_H_

#include <cstddef>

namespace capsim::sim {

// Allocates `bytes` aligned to a cache line; blocks of 2 MiB or more are aligned to 2 MiB and
// offered to the kernel for transparent huge pages, which spares the TLB misses of randomly
// accessed event tables. Throws std::bad_alloc when memory is exhausted.
void* AllocateLarge(size_t bytes);
// Frees a block from AllocateLarge(bytes) with the same `bytes`.
void FreeLarge(void* p, size_t bytes);

}  // namespace capsim::sim

#endif  // CAPSIM_SIM_LARGE_ALLOC_H_
