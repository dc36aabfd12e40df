// Membership on the simulated network: registration, heartbeats, suspect and
// dead by silence, back after a restart, and re-registration after the master
// itself restarts.
#include <catch2/catch.hpp>

#include "actors/chunkserver/open_chunkserver.h"
#include "actors/master/open_master.h"
#include "actors/sim/sim_network.h"
#include "actors/storage/mem_file_system.h"
#include "test/support/null_log.h"

namespace bucket {
namespace {

using actors::Millis;
using messages::NodeState;

struct Cluster {
  explicit Cluster(std::uint64_t seed) : net(seed) {
    master_config.data_dir = "/master";
    master_config.heartbeat_interval_ms = 100;
    master_config.suspect_after_ms = 300;
    master_config.dead_after_ms = 1000;
    AddMaster();
    for (int i = 1; i <= 3; ++i) AddChunkserver(i);
    net.trace = [this](const std::string& line) {
      if (line.find("ClusterEvent") != std::string::npos) event_lines.push_back(line);
    };
  }

  actors::SocketPlan MasterPlan() const {
    actors::SocketPlan plan;
    plan.node_id = "master";
    plan.router_bind = "inproc://master/rpc";
    plan.sub_bind = "inproc://master/hb";
    plan.pub_bind = "inproc://master/events";
    return plan;
  }
  std::unique_ptr<master::MasterActor> NewMaster() {
    auto master = master::OpenMaster(master_config, "inproc://master/rpc", &master_fs, {},
                                     testing::NullLog());
    REQUIRE(master.ok());
    return std::move(*master);
  }
  void AddMaster() { net.AddNode(MasterPlan(), NewMaster()); }

  std::string Id(int i) const { return "chunkserver-" + std::to_string(i); }
  std::unique_ptr<chunkserver::ChunkserverActor> NewChunkserver(int i) {
    config::ChunkserverConfig c;
    c.node_id = Id(i);
    c.data_dirs = {"/cs" + std::to_string(i)};
    c.master_rpc = "inproc://master/rpc";
    c.master_heartbeat = "inproc://master/hb";
    c.heartbeat_interval_ms = 100;
    c.register_retry_ms = 200;
    messages::NodeAddress address{Id(i), "rack-" + std::to_string(i % 2),
                                  "inproc://" + Id(i) + "/rpc", "inproc://" + Id(i) + "/data"};
    auto actor = chunkserver::OpenChunkserver(c, address, &fs, i + restarts++, testing::NullLog());
    REQUIRE(actor.ok());
    return std::move(*actor);
  }
  void AddChunkserver(int i) {
    REQUIRE(fs.MakeDirs("/cs" + std::to_string(i)).ok());
    actors::SocketPlan plan;
    plan.node_id = Id(i);
    plan.router_bind = "inproc://" + Id(i) + "/rpc";
    plan.pull_bind = "inproc://" + Id(i) + "/data";
    plan.pub_connect = {"inproc://master/hb"};
    net.AddNode(plan, NewChunkserver(i));
  }

  master::MasterActor& master() { return *static_cast<master::MasterActor*>(net.ActorOf("master")); }
  std::optional<NodeState> StateOf(int i) {
    const auto* info = master().chunkservers().Find(Id(i));
    if (info == nullptr) return std::nullopt;
    return info->state;
  }
  bool AllUp() {
    for (int i = 1; i <= 3; ++i) {
      if (StateOf(i) != NodeState::kUp) return false;
    }
    return true;
  }

  sim::SimNetwork net;
  storage::MemFileSystem fs;
  storage::MemFileSystem master_fs;
  config::MasterConfig master_config;
  std::vector<std::string> event_lines;
  std::uint64_t restarts = 0;
};

TEST_CASE("membership: chunkservers register and stay up on heartbeats", "[sim][master]") {
  Cluster cluster(1);
  REQUIRE(cluster.net.RunUntil([&] { return cluster.AllUp(); }, Millis(2000)));
  cluster.net.RunFor(Millis(5000));
  CHECK(cluster.AllUp());
  CHECK(cluster.master().chunkservers().Find("chunkserver-2")->address.rack == "rack-0");
}

TEST_CASE("membership: a crashed chunkserver goes suspect, then dead, then back",
          "[sim][master]") {
  Cluster cluster(2);
  REQUIRE(cluster.net.RunUntil([&] { return cluster.AllUp(); }, Millis(2000)));
  const Millis crashed_at = cluster.net.now();
  cluster.net.Crash("chunkserver-2");
  REQUIRE(cluster.net.RunUntil([&] { return cluster.StateOf(2) == NodeState::kSuspect; },
                               Millis(1000)));
  CHECK(cluster.net.now() - crashed_at >= Millis(300 - 100));
  REQUIRE(cluster.net.RunUntil([&] { return cluster.StateOf(2) == NodeState::kDead; },
                               Millis(2000)));
  // Dead within dead_after (+ one heartbeat it may have sent just before, + a check period).
  CHECK(cluster.net.now() - crashed_at <= Millis(1000 + 100 + 30));
  CHECK(cluster.StateOf(1) == NodeState::kUp);

  cluster.net.Restart("chunkserver-2", cluster.NewChunkserver(2));
  REQUIRE(cluster.net.RunUntil([&] { return cluster.StateOf(2) == NodeState::kUp; },
                               Millis(2000)));
}

TEST_CASE("membership: after a master restart every chunkserver registers again",
          "[sim][master]") {
  Cluster cluster(3);
  REQUIRE(cluster.net.RunUntil([&] { return cluster.AllUp(); }, Millis(2000)));
  cluster.net.Crash("master");
  cluster.net.RunFor(Millis(500));
  cluster.net.Restart("master", cluster.NewMaster());
  CHECK(cluster.master().chunkservers().all().empty());
  REQUIRE(cluster.net.RunUntil([&] { return cluster.AllUp(); }, Millis(2000)));
}

TEST_CASE("membership: a chunkserver started before the master registers when it comes",
          "[sim][master]") {
  Cluster cluster(4);
  cluster.net.Crash("master");
  cluster.net.RunFor(Millis(1000));
  cluster.net.Restart("master", cluster.NewMaster());
  REQUIRE(cluster.net.RunUntil([&] { return cluster.AllUp(); }, Millis(2000)));
}

TEST_CASE("membership: a suspect node whose heartbeats resume is back without re-registering",
          "[sim][master]") {
  Cluster cluster(5);
  REQUIRE(cluster.net.RunUntil([&] { return cluster.AllUp(); }, Millis(2000)));
  cluster.net.Partition({"chunkserver-3"}, {"master"});
  REQUIRE(cluster.net.RunUntil([&] { return cluster.StateOf(3) == NodeState::kSuspect; },
                               Millis(1000)));
  cluster.net.Heal();
  REQUIRE(cluster.net.RunUntil([&] { return cluster.StateOf(3) == NodeState::kUp; },
                               Millis(1000)));
}

}  // namespace
}  // namespace bucket
