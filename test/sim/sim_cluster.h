// SimCluster: a whole Bucket cluster in one process: the real master,
// chunkserver and client actors on SimNetwork, each node with its own
// MemFileSystem disk, all driven by one seed. Tests (and bucket-sim) drive it
// with blocking-style helpers that run the simulation until an operation
// completes, or start operations and step the simulation themselves.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/chunkserver/chunkserver_actor.h"
#include "actors/master/master_actor.h"
#include "actors/sim/sim_network.h"
#include "actors/storage/mem_file_system.h"
#include "client/file_client.h"
#include "client/rpc_actor.h"

namespace bucket::testing {

struct SimClusterOptions {
  int chunkservers = 3;
  int clients = 1;
  int racks = 2;
  std::uint64_t chunk_size = 1 << 20;
  std::uint32_t replication = 3;
  std::uint64_t buffer_memory = 64ull << 20;
  std::int64_t lease_ms = 5000;
  std::int64_t request_timeout_ms = 2000;   // the clients'
  std::int64_t mutation_timeout_ms = 1000;  // the chunkservers'
  std::int64_t trash_grace_ms = 60000;
  std::uint64_t disk_bytes = 1ull << 32;
  std::string durability = "applied";
  std::int64_t repair_delay_ms = 2000;
  std::int64_t repairs_max = 20;
  bool rebalance = false;
  double rebalance_threshold = 0.1;
  std::uint64_t scrub_rate = 0;
  sim::SimFaults faults;
  bool node_logs = false;  // the nodes' own log lines on stderr (debug level)
  // Shared by every client's writers, as BucketClient shares one per process;
  // null: each client has a window of its own.
  std::shared_ptr<client::WriteWindow> write_window;
};

class SimCluster {
 public:
  SimCluster(std::uint64_t seed, SimClusterOptions options = {});
  ~SimCluster();

  sim::SimNetwork& net() { return net_; }
  master::MasterActor& master();
  chunkserver::ChunkserverActor& chunkserver(int i);  // 1-based
  storage::MemFileSystem& disk(const std::string& node) { return *disks_.at(node); }
  static std::string ChunkserverId(int i) { return "cs" + std::to_string(i); }
  static std::string ClientId(int i) { return "client" + std::to_string(i); }
  const SimClusterOptions& options() const { return options_; }

  // Runs until every chunkserver is registered and up and safe mode is over.
  bool WaitReady(actors::Millis limit = actors::Millis(10000));

  // Namespace calls as client `client`, run to completion, or started.
  Status Call(messages::Message request, int client = 1);
  std::shared_ptr<std::optional<Status>> StartCall(messages::Message request, int client = 1);
  Result<messages::StatResponse> Stat(const std::string& path, int client = 1);

  // Data operations run to completion (bounded by `limit` of simulated time).
  Status Write(const std::string& path, std::uint64_t offset, std::string data, int client = 1,
               actors::Millis limit = actors::Millis(60000));
  Result<std::string> Read(const std::string& path, std::uint64_t offset, std::uint64_t length,
                           int client = 1, actors::Millis limit = actors::Millis(60000));
  Result<std::uint64_t> Append(const std::string& path, std::string data, int client = 1,
                               actors::Millis limit = actors::Millis(60000));

  // Starts an operation; its result lands in the returned slot when done.
  std::shared_ptr<std::optional<Status>> StartWrite(const std::string& path,
                                                    std::uint64_t offset, std::string data,
                                                    int client = 1);
  std::shared_ptr<std::optional<Result<std::uint64_t>>> StartAppend(const std::string& path,
                                                                    std::string data,
                                                                    int client = 1);

  // Faults: a crash loses what the node's disk had not synced.
  void CrashChunkserver(int i, bool lose_unsynced = true);
  void RestartChunkserver(int i);
  void CrashMaster(bool lose_unsynced = true);
  void RestartMaster();
  // Adds chunkserver number chunkservers+1 (an empty, new node); returns its number.
  int AddChunkserver();
  int chunkserver_count() const { return chunkserver_count_; }

  // Current replicas of `handle` on live chunkservers, by the master's view.
  std::vector<std::string> LiveReplicaIds(std::uint64_t handle);
  // The path of chunk `handle`'s data file on a chunkserver's disk.
  static std::string ChunkFile(std::uint64_t handle);

  // The bytes of chunk `handle` as chunkserver i holds them (verified).
  Result<std::string> ReplicaBytes(int i, std::uint64_t handle);

 private:
  struct ClientNode {
    client::RpcActor* rpc = nullptr;
    std::unique_ptr<client::FileClient> files;
  };
  void AddMaster(bool restart);
  void AddChunkserver(int i, bool restart);
  config::ChunkserverConfig ChunkserverConfig(int i) const;
  std::shared_ptr<spdlog::logger> NodeLog();
  messages::NodeAddress ChunkserverAddress(int i) const;
  template <typename T>
  T RunUntilSet(std::shared_ptr<std::optional<T>> slot, actors::Millis limit);

  SimClusterOptions options_;
  sim::SimNetwork net_;
  config::MasterConfig master_config_;
  std::map<std::string, std::unique_ptr<storage::MemFileSystem>> disks_;
  std::map<int, ClientNode> clients_;
  std::uint64_t restarts_ = 0;
  int chunkserver_count_ = 0;
};

}  // namespace bucket::testing
