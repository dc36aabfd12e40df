#include "test/support/local_cluster.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "nodes/launcher/process_control.h"

namespace bucket::testing {

LocalCluster::LocalCluster(LocalClusterOptions options) : options_(std::move(options)) {
  base_port_ = FreeBasePort(options_.chunkservers);
  std::vector<std::string> args = {Program("bucket-cluster"), "init", dir(), "--chunkservers",
                                   std::to_string(options_.chunkservers), "--base-port",
                                   std::to_string(base_port_), "--heartbeat", options_.heartbeat,
                                   "--chunk-size", options_.chunk_size, "--replication",
                                   std::to_string(options_.replication), "--capacity",
                                   options_.capacity};
  if (options_.secure) args.push_back("--secure");
  auto init = RunCommand(args);
  INFO(init.output);
  REQUIRE(init.exit_code == 0);
  if (!options_.extra_master.empty()) {
    std::ofstream(dir() + "/master.toml", std::ios::app) << "\n" << options_.extra_master << "\n";
  }
  if (!options_.extra_chunkserver.empty()) {
    for (int k = 1; k <= options_.chunkservers; ++k) {
      std::ofstream(dir() + "/chunkserver-" + std::to_string(k) + ".toml", std::ios::app)
          << "\n" << options_.extra_chunkserver << "\n";
    }
  }
}

LocalCluster::~LocalCluster() { RunCommand({Program("bucket-cluster"), "down", dir()}); }

CommandResult LocalCluster::Cluster(std::vector<std::string> args) {
  args.insert(args.begin(), Program("bucket-cluster"));
  args.push_back(dir());
  return RunCommand(args);
}

void LocalCluster::Up() {
  auto up = Cluster({"up", "--detach"});
  INFO(up.output);
  REQUIRE(up.exit_code == 0);
}

std::string LocalCluster::master_rpc() const {
  return "tcp://127.0.0.1:" + std::to_string(base_port_);
}

config::MasterConfig LocalCluster::MasterConfig() const {
  auto loaded = config::LoadMasterConfig(dir() + "/master.toml");
  REQUIRE(loaded.ok());
  return *loaded;
}

config::ChunkserverConfig LocalCluster::ChunkserverConfig(int k) const {
  auto loaded = config::LoadChunkserverConfig(dir() + "/chunkserver-" + std::to_string(k) + ".toml");
  REQUIRE(loaded.ok());
  return *loaded;
}

pid_t LocalCluster::Pid(const std::string& node) const {
  return launcher::ReadPidFile(dir() + "/" + node + ".pid");
}

std::string LocalCluster::DataDir(int k) const {
  return dir() + "/chunkserver-" + std::to_string(k) + "/data";
}

}  // namespace bucket::testing
