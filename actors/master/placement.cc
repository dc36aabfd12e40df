#include "actors/master/placement.h"

#include <algorithm>
#include <set>

namespace bucket::master {
namespace {

// Each recent creation weighs like 2% of disk use: enough to rotate among
// nodes with similar use, never enough to prefer a nearly full disk.
constexpr double kRecentCreationWeight = 0.02;

double Score(const PlacementCandidate& c) {
  return c.utilization + kRecentCreationWeight * c.recent_creations;
}

}  // namespace

std::vector<std::uint32_t> ChooseReplicaNodes(std::vector<PlacementCandidate> candidates,
                                              std::size_t count,
                                              const std::vector<std::string>& racks_in_use) {
  std::sort(candidates.begin(), candidates.end(),
            [](const PlacementCandidate& a, const PlacementCandidate& b) {
              if (Score(a) != Score(b)) return Score(a) < Score(b);
              return a.node < b.node;
            });
  std::vector<std::uint32_t> chosen;
  std::set<std::string> used_racks(racks_in_use.begin(), racks_in_use.end());
  std::vector<bool> taken(candidates.size(), false);
  while (chosen.size() < count) {
    // The best candidate in a rack not used yet; failing that, the best at all.
    std::size_t pick = candidates.size();
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (taken[i]) continue;
      if (used_racks.count(candidates[i].rack) == 0) {
        pick = i;
        break;
      }
      if (pick == candidates.size()) pick = i;
    }
    if (pick == candidates.size()) break;
    taken[pick] = true;
    used_racks.insert(candidates[pick].rack);
    chosen.push_back(candidates[pick].node);
  }
  return chosen;
}

}  // namespace bucket::master
