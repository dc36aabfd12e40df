// Placement: which chunkservers get the replicas of a new chunk (or a repair
// copy). A pure function, tested table-driven.
//
// Rules: distinct nodes; spread over as many racks as possible (no second
// replica in a rack while another rack has a candidate); among equals, the
// least full disk first, then the fewest recent creations (so a fresh, empty
// node is not flooded with every new chunk), then the lower index.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bucket::master {

struct PlacementCandidate {
  std::uint32_t node = 0;
  std::string rack;
  double utilization = 0;  // used / capacity, 0..1
  std::uint32_t recent_creations = 0;
};

// Up to `count` nodes, best first; fewer only if there are fewer candidates.
std::vector<std::uint32_t> ChooseReplicaNodes(std::vector<PlacementCandidate> candidates,
                                              std::size_t count,
                                              const std::vector<std::string>& racks_in_use = {});

}  // namespace bucket::master
