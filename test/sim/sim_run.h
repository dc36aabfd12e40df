// One seeded run of a whole cluster under a random workload and random
// faults, with the invariants of GFS checked during and after it (bucket-sim).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bucket::testing {

struct SimRunOptions {
  int chunkservers = 5;
  int clients = 3;
  int rounds = 40;              // workload rounds; faults are injected between them
  bool faults = true;           // any fault at all; then each kind below
  bool crash = true;            // chunkserver process crashes (the page cache survives)
  bool machine_crash = true;    // chunkserver machine crashes (unsynced data lost, torn)
  bool master_crash = true;     // master machine crashes, then recovery from its log
  bool partition = true;        // two random groups of nodes cut apart, healed later
  bool rot = true;              // a bit flipped in a replica
  bool full_disk = true;        // a chunkserver's disk full for a while
  double drop = 0.01;           // message faults, all through the run's fault phase
  double duplicate = 0.01;
  bool reorder = true;
  // The workload mix: relative weights of each kind of round.
  int weight_write = 4, weight_append = 3, weight_read = 2, weight_namespace = 2,
      weight_snapshot = 1;
  bool trace = false;           // print every simulated event
  bool node_logs = false;       // and every node's log lines
};

struct SimRunResult {
  std::uint64_t seed = 0;
  std::vector<std::string> violations;  // empty: every invariant held
  std::uint64_t trace_hash = 0;         // of every event, in order: equal for a replay
  std::uint64_t events = 0;
  std::int64_t simulated_ms = 0;
  std::uint64_t acked_writes = 0, acked_appends = 0, acked_namespace = 0, failed_ops = 0;
  std::uint64_t faults_injected = 0;
  std::int64_t repair_ms = 0;  // from the end of faults to every chunk at its factor
  bool ok() const { return violations.empty(); }
};

SimRunResult RunSimulation(std::uint64_t seed, const SimRunOptions& options);

// Scale: many chunkservers and clients against one master, in simulated time.
struct ScaleOptions {
  int chunkservers = 1000;
  int clients = 100;
  int seconds = 20;  // of simulated time
};

struct ScaleResult {
  std::uint64_t heartbeats = 0;
  double master_us_per_heartbeat = 0;
  std::uint64_t requests = 0;
  std::uint64_t failed_requests = 0;  // not answered OK by the end
  bool ready = false;                 // every chunkserver registered, safe mode over
  double master_us_per_request = 0;
  double master_cpu_seconds = 0;
  double simulated_seconds = 0;
  std::vector<std::pair<std::string, double>> us_per_kind;  // the costliest message kinds
};

ScaleResult RunScale(std::uint64_t seed, const ScaleOptions& options);

}  // namespace bucket::testing
