// A local cluster folder: writing one (`bucket-cluster init`) and reading the
// list of its nodes back (every other sub-command).
//
// DIR/cluster.toml             which node configs belong to the cluster
// DIR/master.toml              DIR/chunkserver-K.toml     DIR/client.toml
// DIR/<node>/data/             the node's data (operation log, or chunks)
// DIR/<node>/log/<node>.log    its log; console.log holds what it printed
// DIR/<node>.pid               while it runs under bucket-cluster
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/status.h"

namespace bucket::launcher {

struct InitOptions {
  int chunkservers = 3;
  int base_port = 7700;
  std::uint64_t chunk_size_bytes = 64ull << 20;
  int replication = 3;
  int racks = 1;
  std::int64_t heartbeat_interval_ms = 1000;
  std::uint64_t capacity_bytes = 0;  // per chunkserver; 0: the disk's
  std::string bind_host = "127.0.0.1";
  // CurveZMQ on every socket: keys/ holds a pair per node and client, and the
  // allow-list; client.toml gets an admin key, reader.toml a read-only one.
  bool secure = false;
};

// Writes a ready cluster folder. Refuses a folder that already holds a cluster.
Status InitCluster(const std::string& dir, const InitOptions& options);

struct NodeEntry {
  std::string name;  // "master", "chunkserver-2"
  bool is_master = false;
  std::string config_path;
  std::string pid_file;
  std::string console_log;
};

struct ClusterLayout {
  std::string dir;
  std::string name;
  std::string client_config;
  std::string master_rpc;
  std::string master_events;
  std::vector<NodeEntry> nodes;  // the master first

  const NodeEntry* Find(const std::string& name) const;
  std::size_t chunkserver_count() const { return nodes.empty() ? 0 : nodes.size() - 1; }
};

Result<ClusterLayout> LoadClusterLayout(const std::string& dir);

}  // namespace bucket::launcher
