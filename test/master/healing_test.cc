// The self-healing rules on the simulated cluster: re-replication after a
// loss (after the delay, most endangered first), surplus and stale replicas,
// corruption found by reads and the scrubber, garbage collection, disk
// failures, full disks, rebalancing, draining and fsck.
#include <catch2/catch.hpp>
#include <random>

#include "test/sim/sim_cluster.h"

namespace bucket::testing {
namespace {

using actors::Millis;
namespace msg = messages;

std::string Random(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}

std::unique_ptr<SimCluster> Ready(std::uint64_t seed, SimClusterOptions options) {
  auto cluster = std::make_unique<SimCluster>(seed, options);
  REQUIRE(cluster->WaitReady());
  return cluster;
}

// Every chunk of `path` has `wanted` live current replicas.
bool FullyReplicated(SimCluster& cluster, const std::string& path, std::size_t wanted) {
  auto stat = cluster.Stat(path);
  if (!stat.ok()) return false;
  for (const auto& chunk : stat->chunks) {
    if (cluster.LiveReplicaIds(chunk.handle).size() != wanted) return false;
  }
  return true;
}

std::set<std::string> NodesHolding(SimCluster& cluster, std::uint64_t handle) {
  std::set<std::string> nodes;
  for (int i = 1; i <= cluster.chunkserver_count(); ++i) {
    const std::string id = SimCluster::ChunkserverId(i);
    if (cluster.net().IsUp(id) && cluster.chunkserver(i).store().Find(handle) != nullptr) {
      nodes.insert(id);
    }
  }
  return nodes;
}

TEST_CASE("healing: a dead chunkserver's chunks are copied back to full strength after the delay",
          "[sim][healing]") {
  SimClusterOptions options;
  options.chunkservers = 5;
  options.repair_delay_ms = 3000;
  auto owner = Ready(1, options);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/f", 0, 0, false, false}).ok());
  const std::string data = Random(6 * (1 << 20), 1);
  REQUIRE(cluster.Write("/f", 0, data).ok());
  REQUIRE(FullyReplicated(cluster, "/f", 3));
  cluster.CrashChunkserver(2);
  const Millis crashed = cluster.net().now();
  // Dead after 1s; nothing copied during the 3s delay after that.
  cluster.net().RunFor(Millis(2500));
  CHECK(cluster.master().Health().being_repaired == 0);
  REQUIRE(cluster.net().RunUntil([&] { return FullyReplicated(cluster, "/f", 3); },
                                 Millis(30000)));
  CHECK(cluster.net().now() - crashed >= Millis(3000));
  CHECK(*cluster.Read("/f", 0, data.size()) == data);
  auto stat = cluster.Stat("/f");
  for (const auto& chunk : stat->chunks) {
    for (const auto& r : chunk.replicas) CHECK(r.node_id != "cs2");
  }
  // It comes back: its now-surplus replicas go, never below three.
  cluster.RestartChunkserver(2);
  REQUIRE(cluster.net().RunUntil(
      [&] {
        const auto listed = cluster.Stat("/f");
        for (const auto& chunk : listed->chunks) {
          if (NodesHolding(cluster, chunk.handle).size() != 3) return false;
        }
        return true;
      },
      Millis(30000)));
  CHECK(FullyReplicated(cluster, "/f", 3));
  CHECK(*cluster.Read("/f", 0, data.size()) == data);
}

TEST_CASE("healing: the most endangered chunks are repaired first", "[sim][healing]") {
  SimClusterOptions options;
  options.chunkservers = 5;
  options.repair_delay_ms = 0;
  options.repairs_max = 1;  // one copy at a time, so the order shows
  auto owner = Ready(2, options);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/f", 0, 0, false, false}).ok());
  REQUIRE(cluster.Write("/f", 0, Random(10 * (1 << 20), 2)).ok());
  cluster.net().RunFor(Millis(6000));  // the leases lapse: nothing but priority orders copies
  // Two nodes die at once: chunks that had replicas on both are down to one.
  auto stat = cluster.Stat("/f");
  std::set<std::uint64_t> one_left, two_left;
  for (const auto& chunk : stat->chunks) {
    int lost = 0;
    for (const auto& r : chunk.replicas) lost += (r.node_id == "cs1" || r.node_id == "cs2");
    if (lost == 2) one_left.insert(chunk.handle);
    if (lost == 1) two_left.insert(chunk.handle);
  }
  REQUIRE_FALSE(one_left.empty());
  REQUIRE_FALSE(two_left.empty());
  cluster.CrashChunkserver(1);
  cluster.CrashChunkserver(2);
  REQUIRE(cluster.net().RunUntil(
      [&] {
        return cluster.master().chunkservers().Find("cs1")->state == msg::NodeState::kDead &&
               cluster.master().chunkservers().Find("cs2")->state == msg::NodeState::kDead;
      },
      Millis(5000)));
  // The first copies are of the chunks down to one replica (each of them then
  // has two, like the rest, and waits its turn again).
  std::vector<std::uint64_t> order;
  REQUIRE(cluster.net().RunUntil(
      [&] {
        for (auto h : cluster.master().RepairsInFlight()) {
          if (order.empty() || order.back() != h) order.push_back(h);
        }
        return FullyReplicated(cluster, "/f", 3);
      },
      Millis(120000)));
  std::size_t first_two = order.size();
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (two_left.count(order[i]) != 0) {
      first_two = i;
      break;
    }
  }
  std::string shown;
  for (auto h : order) shown += std::to_string(h) + (one_left.count(h) ? "(1) " : "(2) ");
  INFO("order " << shown);
  CHECK(first_two == one_left.size());
}

TEST_CASE("healing: replicas that missed mutations while down are stale, never served, removed",
          "[sim][healing]") {
  SimClusterOptions options;
  options.chunkservers = 4;
  options.repair_delay_ms = 60000;  // no copying in this test: only staleness
  auto owner = Ready(3, options);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/f", 0, 0, false, false}).ok());
  REQUIRE(cluster.Write("/f", 0, "version one").ok());
  const auto chunk = cluster.Stat("/f")->chunks[0];
  const std::string victim = chunk.replicas[1].node_id;
  const int victim_number = std::stoi(victim.substr(2));
  cluster.CrashChunkserver(victim_number, /*lose_unsynced=*/false);
  REQUIRE(cluster.Write("/f", 0, "VERSION TWO").ok());  // goes on without it
  cluster.RestartChunkserver(victim_number);
  REQUIRE(cluster.WaitReady());
  // Its replica is behind: never handed out, and deleted once it has reported.
  REQUIRE(cluster.net().RunUntil(
      [&] { return cluster.chunkserver(victim_number).store().Find(chunk.handle) == nullptr; },
      Millis(10000)));
  for (int i = 0; i < 3; ++i) CHECK(*cluster.Read("/f", 0, 11) == "VERSION TWO");
  for (const auto& id : cluster.LiveReplicaIds(chunk.handle)) CHECK(id != victim);
}

TEST_CASE("healing: a corrupt replica is found by a read, replaced, then deleted",
          "[sim][healing]") {
  SimClusterOptions options;
  options.chunkservers = 4;
  options.repair_delay_ms = 60000;  // corruption is repaired at once all the same
  auto owner = Ready(4, options);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/f", 0, 0, false, false}).ok());
  const std::string data = Random(500000, 4);
  REQUIRE(cluster.Write("/f", 0, data).ok());
  const auto chunk = cluster.Stat("/f")->chunks[0];
  for (const auto& r : chunk.replicas) {
    REQUIRE(cluster.disk(r.node_id).FlipBit(SimCluster::ChunkFile(chunk.handle), 1000, 1).ok());
    break;  // only the first replica rots
  }
  const std::string bad = chunk.replicas[0].node_id;
  // Reads go to every replica in turn; every answer is right.
  for (int i = 0; i < 6; ++i) CHECK(*cluster.Read("/f", 0, data.size()) == data);
  REQUIRE(cluster.net().RunUntil(
      [&] {
        const auto live = cluster.LiveReplicaIds(chunk.handle);
        return live.size() == 3 &&
               cluster.chunkserver(std::stoi(bad.substr(2))).store().Find(chunk.handle) ==
                   nullptr;
      },
      Millis(30000)));
  CHECK(*cluster.Read("/f", 0, data.size()) == data);
}

TEST_CASE("healing: the scrubber finds rot in cold chunks that no one reads", "[sim][healing]") {
  SimClusterOptions options;
  options.chunkservers = 4;
  options.scrub_rate = 4 << 20;
  options.repair_delay_ms = 60000;
  auto owner = Ready(5, options);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/cold", 0, 0, false, false}).ok());
  REQUIRE(cluster.Write("/cold", 0, Random(3 * (1 << 20), 5)).ok());
  cluster.net().RunFor(Millis(6000));  // leases lapse: the chunks are cold
  const auto stat = cluster.Stat("/cold");
  const auto& chunk = stat->chunks[1];
  const std::string bad = chunk.replicas[2].node_id;
  REQUIRE(cluster.disk(bad).FlipBit(SimCluster::ChunkFile(chunk.handle), 4321, 0).ok());
  REQUIRE(cluster.net().RunUntil(
      [&] { return cluster.chunkserver(std::stoi(bad.substr(2))).IsCorrupt(chunk.handle); },
      Millis(20000)));
  REQUIRE(cluster.net().RunUntil([&] { return FullyReplicated(cluster, "/cold", 3) &&
                                              cluster.master().Health().corrupt == 0; },
                                 Millis(30000)));
}

TEST_CASE("healing: deleted files' chunks leave every disk after the grace period",
          "[sim][healing]") {
  SimClusterOptions options;
  options.trash_grace_ms = 3000;
  auto owner = Ready(6, options);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/gone", 0, 0, false, false}).ok());
  REQUIRE(cluster.Write("/gone", 0, Random(2 * (1 << 20) + 5, 6)).ok());
  std::vector<std::uint64_t> handles;
  const auto listed = cluster.Stat("/gone");
  for (const auto& chunk : listed->chunks) handles.push_back(chunk.handle);
  REQUIRE(cluster.Call(msg::DeleteRequest{"/gone", false, false}).ok());
  cluster.net().RunFor(Millis(1000));
  for (auto h : handles) CHECK(NodesHolding(cluster, h).size() == 3);  // in the trash: kept
  REQUIRE(cluster.net().RunUntil(
      [&] {
        for (auto h : handles) {
          if (!NodesHolding(cluster, h).empty()) return false;
          for (int i = 1; i <= 3; ++i) {
            if (cluster.disk(SimCluster::ChunkserverId(i)).Exists(SimCluster::ChunkFile(h))) {
              return false;
            }
          }
        }
        return true;
      },
      Millis(20000)));
}

TEST_CASE("healing: a failed disk's chunks are copied elsewhere, the node keeps serving",
          "[sim][healing]") {
  SimClusterOptions options;
  options.chunkservers = 4;
  options.repair_delay_ms = 0;
  auto owner = Ready(7, options);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/f", 0, 0, false, false}).ok());
  const std::string data = Random(3 * (1 << 20), 7);
  REQUIRE(cluster.Write("/f", 0, data).ok());
  const std::string victim = cluster.Stat("/f")->chunks[0].replicas[0].node_id;
  cluster.disk(victim).SetFailingPrefix("/data/");
  // The next write that touches it finds the disk gone.
  REQUIRE(cluster.Write("/f", 100, "poke").ok());
  REQUIRE(cluster.net().RunUntil(
      [&] {
        const auto* info = cluster.master().chunkservers().Find(victim);
        return info->load.failed_disks == 1 && FullyReplicated(cluster, "/f", 3);
      },
      Millis(30000)));
  std::string model = data;
  model.replace(100, 4, "poke");
  CHECK(*cluster.Read("/f", 0, model.size()) == model);
  const auto listed = cluster.Stat("/f");
  for (const auto& chunk : listed->chunks) {
    for (const auto& r : chunk.replicas) CHECK(r.node_id != victim);
  }
}

TEST_CASE("healing: full disks give writers NoSpace and corrupt nothing", "[sim][healing]") {
  SimClusterOptions options;
  options.disk_bytes = 600000;
  auto owner = Ready(8, options);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/f", 0, 0, false, false}).ok());
  const std::string first = Random(300000, 8);
  REQUIRE(cluster.Write("/f", 0, first).ok());
  Status full = cluster.Write("/f", first.size(), Random(500000, 9));
  REQUIRE_FALSE(full.ok());
  CHECK(full.code() == Code::kNoSpace);
  CHECK(*cluster.Read("/f", 0, first.size()) == first);
  CHECK(cluster.Write("/f", 0, "still writable where it fits").ok());
}

TEST_CASE("healing: a new, empty chunkserver takes replicas until disk use evens out",
          "[sim][healing]") {
  SimClusterOptions options;
  options.chunkservers = 3;
  options.rebalance = true;
  options.rebalance_threshold = 0.05;
  options.disk_bytes = 40ull << 20;
  auto owner = Ready(9, options);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/f", 0, 0, false, false}).ok());
  const std::string data = Random(12 * (1 << 20), 9);
  REQUIRE(cluster.Write("/f", 0, data).ok());
  const int fresh = cluster.AddChunkserver();
  REQUIRE(cluster.WaitReady());
  auto spread = [&] {
    double low = 1, high = 0;
    for (const auto& [id, info] : cluster.master().chunkservers().all()) {
      low = std::min(low, info.utilization());
      high = std::max(high, info.utilization());
    }
    return high - low;
  };
  REQUIRE(cluster.net().RunUntil(
      [&] {
        return cluster.chunkserver(fresh).store().size() >= 6 && spread() <= 0.05 + 0.03;
      },
      Millis(120000)));
  CHECK(FullyReplicated(cluster, "/f", 3));  // never below the factor
  CHECK(*cluster.Read("/f", 0, data.size()) == data);
}

TEST_CASE("healing: a drained chunkserver's every chunk lives on elsewhere, fsck agrees",
          "[sim][healing]") {
  SimClusterOptions options;
  options.chunkservers = 4;
  options.repair_delay_ms = 60000;  // a drain does not wait
  auto owner = Ready(10, options);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/f", 0, 0, false, false}).ok());
  REQUIRE(cluster.Write("/f", 0, Random(4 * (1 << 20), 10)).ok());
  REQUIRE(cluster.Call(msg::NodeAdminRequest{"cs1", msg::NodeAdminAction::kDrain}).ok());
  REQUIRE(cluster.net().RunUntil(
      [&] { return cluster.master().chunkservers().Find("cs1")->drained; }, Millis(60000)));
  const auto listed = cluster.Stat("/f");
  for (const auto& chunk : listed->chunks) {
    std::size_t elsewhere = 0;
    for (const auto& id : cluster.LiveReplicaIds(chunk.handle)) elsewhere += id != "cs1";
    CHECK(elsewhere >= 3);
  }
  cluster.CrashChunkserver(1);  // now safe to remove
  cluster.net().RunFor(Millis(2000));
  CHECK(cluster.master().Health().under_replicated == 0);
}

}  // namespace
}  // namespace bucket::testing
