#include "actors/master/placement.h"

#include <catch2/catch.hpp>
#include <map>
#include <set>

namespace bucket::master {
namespace {

TEST_CASE("placement: spreads replicas over racks before reusing one", "[unit][master]") {
  std::vector<PlacementCandidate> nodes = {
      {0, "r1", 0.10, 0}, {1, "r1", 0.11, 0}, {2, "r1", 0.12, 0},
      {3, "r2", 0.50, 0}, {4, "r2", 0.60, 0}, {5, "r3", 0.90, 0},
  };
  auto chosen = ChooseReplicaNodes(nodes, 3);
  REQUIRE(chosen.size() == 3);
  CHECK(chosen == std::vector<std::uint32_t>{0, 3, 5});  // one per rack, emptiest first
  auto five = ChooseReplicaNodes(nodes, 5);
  CHECK(five == std::vector<std::uint32_t>{0, 3, 5, 1, 2});
}

TEST_CASE("placement: prefers lower disk use and fewer recent creations", "[unit][master]") {
  std::vector<PlacementCandidate> nodes = {
      {0, "r", 0.40, 0}, {1, "r", 0.10, 0}, {2, "r", 0.20, 0}, {3, "r", 0.05, 20},
  };
  // Node 3 is emptiest but took 20 chunks lately: it ranks after 1 and 2.
  CHECK(ChooseReplicaNodes(nodes, 2) == std::vector<std::uint32_t>{1, 2});
  nodes[3].recent_creations = 0;
  CHECK(ChooseReplicaNodes(nodes, 2) == std::vector<std::uint32_t>{3, 1});
}

TEST_CASE("placement: distinct nodes, fewer only when there are fewer", "[unit][master]") {
  std::vector<PlacementCandidate> nodes = {{7, "a", 0, 0}, {8, "a", 0, 0}};
  auto chosen = ChooseReplicaNodes(nodes, 3);
  CHECK(chosen.size() == 2);
  CHECK(std::set<std::uint32_t>(chosen.begin(), chosen.end()).size() == 2);
  CHECK(ChooseReplicaNodes({}, 3).empty());
}

TEST_CASE("placement: avoids racks the chunk already uses (repairs)", "[unit][master]") {
  std::vector<PlacementCandidate> nodes = {{0, "r1", 0.0, 0}, {1, "r2", 0.3, 0}};
  CHECK(ChooseReplicaNodes(nodes, 1, {"r1"}) == std::vector<std::uint32_t>{1});
}

TEST_CASE("placement: creations rotate over equal nodes", "[unit][master]") {
  std::vector<PlacementCandidate> nodes = {{0, "r", 0.1, 0}, {1, "r", 0.1, 0}, {2, "r", 0.1, 0},
                                           {3, "r", 0.1, 0}};
  std::map<std::uint32_t, int> placed;
  for (int i = 0; i < 40; ++i) {
    for (auto node : ChooseReplicaNodes(nodes, 1)) {
      ++placed[node];
      ++nodes[node].recent_creations;
    }
  }
  for (const auto& [node, count] : placed) CHECK(count == 10);
}

}  // namespace
}  // namespace bucket::master
