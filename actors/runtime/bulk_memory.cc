#include "actors/runtime/bulk_memory.h"

#include <malloc.h>

#include <algorithm>
#include <climits>

namespace bucket::runtime {

void KeepFreedMemoryForReuse(std::size_t retain_bytes) {
  // Fixed values also turn off glibc's sliding thresholds.
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
  ::mallopt(M_TRIM_THRESHOLD, static_cast<int>(std::min<std::size_t>(retain_bytes, INT_MAX)));
}

}  // namespace bucket::runtime
