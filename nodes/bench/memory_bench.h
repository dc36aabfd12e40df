// The master's memory per chunk (and per file), measured on its own data
// structures in this process: what the heap holds after filling them, divided
// by what they hold. A real master is measured by `meta` for files; chunks
// cannot be made by the million on one machine (each is a file on three
// chunkservers), so they are measured here.
#pragma once

#include <cstdint>

namespace bucket::bench {

struct StructureMemory {
  std::uint64_t files = 0;
  double bytes_per_file = 0;   // namespace tree: empty files in a few directories
  std::uint64_t chunks = 0;
  double bytes_per_chunk = 0;  // chunk table: each chunk with three replicas
};

StructureMemory MeasureMasterStructures(std::uint64_t files, std::uint64_t chunks);

}  // namespace bucket::bench
