#include "nodes/bench/memory_bench.h"

#include <malloc.h>

#include <string>

#include "actors/master/chunk_table.h"
#include "actors/master/namespace_tree.h"

namespace bucket::bench {
namespace {

std::uint64_t HeapInUse() { return mallinfo2().uordblks + mallinfo2().hblkhd; }

}  // namespace

StructureMemory MeasureMasterStructures(std::uint64_t files, std::uint64_t chunks) {
  StructureMemory result;
  result.files = files;
  result.chunks = chunks;
  {
    const std::uint64_t before = HeapInUse();
    master::NamespaceTree tree;
    master::FileDefaults defaults;
    constexpr std::uint64_t kDirectories = 8;  // as `meta` spreads them
    for (std::uint64_t d = 0; d < kDirectories; ++d) {
      (void)tree.Mkdir("/c" + std::to_string(d), false, 0);
    }
    for (std::uint64_t i = 0; i < files; ++i) {
      (void)tree.Create("/c" + std::to_string(i % kDirectories) + "/f" + std::to_string(i), 0, 0,
                        false, false, 0, defaults);
    }
    result.bytes_per_file =
        files ? static_cast<double>(HeapInUse() - before) / static_cast<double>(files) : 0;
  }
  {
    const std::uint64_t before = HeapInUse();
    master::ChunkTable table;
    for (std::uint64_t handle = 1; handle <= chunks; ++handle) {
      table.Add(handle, 2);
      for (master::NodeIndex node = 0; node < 3; ++node) {
        table.AddReplica(handle, static_cast<master::NodeIndex>((handle + node) % 50), 2);
      }
    }
    result.bytes_per_chunk =
        chunks ? static_cast<double>(HeapInUse() - before) / static_cast<double>(chunks) : 0;
  }
  return result;
}

}  // namespace bucket::bench
