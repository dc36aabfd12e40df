// One benchmark figure: the throughput of several runs of the same thing,
// summarised as median, min and max.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace bucket::bench {

struct Figure {
  Figure() = default;
  explicit Figure(std::string figure_name, int client_count = 1, int replicas = 0)
      : name(std::move(figure_name)), clients(client_count), replication(replicas) {}

  std::string name;             // e.g. "write", "read-random"
  int clients = 1;
  int replication = 0;          // 0 for the raw limits
  std::vector<double> bytes_per_s;  // one per run
  // The whole machine's busy CPU-seconds per 10^9 bytes moved, one per run
  // (empty for the raw limits).
  std::vector<double> cpu_seconds_per_gb;
  // Of the bytes read, the share read by short-circuit reads (from chunk files
  // on this host, not through a chunkserver).
  double local_read_share = 0;
  std::string limit;            // the name of the raw limit it is compared with
  double limit_bytes_per_s = 0;

  double median() const { return Median(bytes_per_s); }
  double median_cpu_seconds_per_gb() const { return Median(cpu_seconds_per_gb); }
  static double Median(std::vector<double> sorted) {
    if (sorted.empty()) return 0;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t mid = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
  double min() const {
    return bytes_per_s.empty() ? 0 : *std::min_element(bytes_per_s.begin(), bytes_per_s.end());
  }
  double max() const {
    return bytes_per_s.empty() ? 0 : *std::max_element(bytes_per_s.begin(), bytes_per_s.end());
  }
  double ratio() const { return limit_bytes_per_s > 0 ? median() / limit_bytes_per_s : 0; }
};

}  // namespace bucket::bench
