// How a node's process allocator treats the big buffers bulk data lives in.
//
// ZeroMQ allocates a fresh buffer for every message it receives, and with
// glibc's defaults a megabyte freed goes back to the kernel at once (it is
// unmapped, or trimmed off the top of a heap), so the next piece faults in
// fresh pages, which the kernel must zero first: on this project's machines
// that zeroing was a fifth of a chunkserver's CPU while writing. Keeping
// freed memory for reuse, up to about what the node buffers anyway, removes it.
#pragma once

#include <cstddef>

namespace bucket::runtime {

// Serves allocations up to 32 MiB from the heap (not one mmap each), and keeps
// up to `retain_bytes` of freed memory for reuse instead of returning it.
// Process-wide: call once, early in main.
void KeepFreedMemoryForReuse(std::size_t retain_bytes);

}  // namespace bucket::runtime
