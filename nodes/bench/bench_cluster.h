// A cluster for a benchmark: either one already running (named by a client
// config or endpoint) or a fresh local one started for the run from
// `bucket-cluster init` in a temporary folder, and stopped after it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "config/client_config.h"
#include "messages/status.h"

namespace bucket::bench {

struct StartOptions {
  int chunkservers = 3;
  std::string chunk_size = "64MiB";
  int replication = 3;
  std::string extra_master_settings;  // appended to master.toml (TOML text)
  std::string parent_dir = "/tmp";    // the cluster's data and logs go in a new folder here
  bool secure = false;                // init --secure: CurveZMQ on every socket
};

class BenchCluster {
 public:
  // Starts a local cluster in a new temporary folder and waits until it is ready.
  static Result<BenchCluster> Start(const StartOptions& options);
  // Uses a running cluster.
  static BenchCluster Existing(config::ClientConfig client);
  BenchCluster(BenchCluster&& other) noexcept;
  ~BenchCluster();

  const config::ClientConfig& client() const { return client_; }
  // Node pids (only for a cluster this program started): {name, pid}.
  std::vector<std::pair<std::string, pid_t>> Pids() const;
  const std::string& dir() const { return dir_; }

 private:
  BenchCluster() = default;
  config::ClientConfig client_;
  std::string dir_;  // empty for an existing cluster
};

// Resident memory of a process in bytes (VmRSS), and its peak (VmHWM).
std::uint64_t ResidentBytes(pid_t pid);
std::uint64_t PeakResidentBytes(pid_t pid);

}  // namespace bucket::bench
