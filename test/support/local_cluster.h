// LocalCluster: a real cluster of processes on loopback for integration tests,
// made by `bucket-cluster init` in a temporary folder with free ports, and
// stopped (every process, by pid) when the test ends.
#pragma once

#include <string>
#include <vector>

#include "config/load_config.h"
#include "test/support/process_helpers.h"

namespace bucket::testing {

struct LocalClusterOptions {
  int chunkservers = 3;
  std::string heartbeat = "200ms";
  std::string chunk_size = "1MiB";
  int replication = 3;
  std::string capacity = "0";     // per chunkserver
  std::string extra_master;       // TOML appended to master.toml
  std::string extra_chunkserver;  // TOML appended to every chunkserver-K.toml
  bool secure = false;            // init --secure: CurveZMQ, keys in DIR/keys

  // One chunkserver, replication 1: the smallest whole cluster.
  static LocalClusterOptions Single(bool secure = false) {
    LocalClusterOptions options;
    options.chunkservers = 1;
    options.replication = 1;
    options.secure = secure;
    return options;
  }
};

class LocalCluster {
 public:
  explicit LocalCluster(LocalClusterOptions options = {});
  ~LocalCluster();

  // Runs `bucket-cluster ARGS... DIR`.
  CommandResult Cluster(std::vector<std::string> args);
  // Starts every node and waits until the master sees every chunkserver up.
  void Up();
  std::string dir() const { return dir_ / "cluster"; }
  std::string client_config() const { return dir() + "/client.toml"; }
  std::string master_rpc() const;
  // The pid of a running node, from its pid file (0 if none).
  pid_t Pid(const std::string& node) const;
  // The data folder of chunkserver k.
  std::string DataDir(int k) const;
  // The configs `bucket-cluster init` wrote (endpoints for raw sockets).
  config::MasterConfig MasterConfig() const;
  config::ChunkserverConfig ChunkserverConfig(int k) const;
  TempDir& temp() { return dir_; }
  int base_port() const { return base_port_; }

 private:
  LocalClusterOptions options_;
  TempDir dir_;
  int base_port_ = 0;
};

}  // namespace bucket::testing
