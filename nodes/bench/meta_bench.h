// bucket-bench meta: C concurrent clients create, stat, list and delete N files
// against a real master (durable log on), reporting operations per second.
// Each client keeps `depth` requests in flight (its Async calls), as a busy
// service or a bulk import would; depth 1 is one call at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/client_config.h"
#include "messages/status.h"

namespace bucket::bench {

struct MetaOptions {
  int clients = 8;
  int files = 200000;
  int depth = 16;  // requests in flight per client
  int lists_per_client = 200;
};

struct PhaseResult {
  std::string name;
  std::uint64_t ops = 0;
  std::uint64_t errors = 0;
  double seconds = 0;
  double ops_per_s() const { return seconds > 0 ? static_cast<double>(ops) / seconds : 0; }
};

// Runs the phases in order; `between_phases(name)` runs after each (for
// memory readings). The files live under a fresh /bench-* directory, removed
// by the delete phase.
Result<std::vector<PhaseResult>> RunMetaBench(
    const config::ClientConfig& client, const MetaOptions& options,
    const std::function<void(const std::string&)>& between_phases);

}  // namespace bucket::bench
