// bucket-sim: the real master, chunkserver and client actors of a whole
// cluster in one process, on a simulated network, clock and disks, under a
// random workload and random faults, all from one seed. A failing seed is
// printed; --seed N replays it exactly.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "config/command_line.h"
#include "test/sim/sim_run.h"

using namespace bucket;

namespace {

const char* kProgram = "bucket-sim";

std::uint64_t Number(const config::CommandLine& cli, const char* flag, std::uint64_t fallback) {
  if (!cli.Has(flag)) return fallback;
  try {
    return std::stoull(cli.Get(flag));
  } catch (...) {
    config::ExitWithError(kProgram, std::string(flag) + " needs a number", 2);
  }
}

double Probability(const config::CommandLine& cli, const char* flag, double fallback) {
  if (!cli.Has(flag)) return fallback;
  try {
    const double p = std::stod(cli.Get(flag));
    if (p < 0 || p > 1) throw std::out_of_range(flag);
    return p;
  } catch (...) {
    config::ExitWithError(kProgram, std::string(flag) + " needs a probability from 0 to 1", 2);
  }
}

// The items of a comma-separated list.
std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    items.push_back(text.substr(at, comma - at));
    at = comma + 1;
  }
  return items;
}

// --seed N[,N...] (replays, regression seeds), or --seeds K from --first S.
std::vector<std::uint64_t> SeedsToRun(const config::CommandLine& cli) {
  std::vector<std::uint64_t> seeds;
  if (cli.Has("--seed")) {
    for (const std::string& item : SplitList(cli.Get("--seed"))) {
      try {
        std::size_t used = 0;
        seeds.push_back(std::stoull(item, &used));
        if (used != item.size()) throw std::invalid_argument(item);
      } catch (...) {
        config::ExitWithError(kProgram, "--seed needs numbers separated by commas, not '" +
                                            cli.Get("--seed") + "'", 2);
      }
    }
    return seeds;
  }
  const std::uint64_t first = Number(cli, "--first", 1);
  for (std::uint64_t k = 0; k < Number(cli, "--seeds", 10); ++k) seeds.push_back(first + k);
  return seeds;
}

// "write=4,append=3,read=2,namespace=2,snapshot=1"
void ParseMix(const std::string& text, testing::SimRunOptions* options) {
  for (const std::string& item : SplitList(text)) {
    const std::size_t eq = item.find('=');
    int weight = -1;
    try {
      if (eq != std::string::npos) weight = std::stoi(item.substr(eq + 1));
    } catch (...) {
    }
    const std::string name = item.substr(0, eq);
    int* slot = name == "write"       ? &options->weight_write
                : name == "append"    ? &options->weight_append
                : name == "read"      ? &options->weight_read
                : name == "namespace" ? &options->weight_namespace
                : name == "snapshot"  ? &options->weight_snapshot
                                      : nullptr;
    if (slot == nullptr || weight < 0) {
      config::ExitWithError(kProgram, "--mix: '" + item + "' is not NAME=WEIGHT with NAME one of "
                                      "write, append, read, namespace, snapshot", 2);
    }
    *slot = weight;
  }
}

// "crash,master,rot": only these kinds of fault.
void ParseFaults(const std::string& text, testing::SimRunOptions* options) {
  options->crash = options->machine_crash = options->master_crash = options->partition =
      options->rot = options->full_disk = false;
  for (const std::string& name : SplitList(text)) {
    bool* slot = name == "crash"       ? &options->crash
                 : name == "machine"   ? &options->machine_crash
                 : name == "master"    ? &options->master_crash
                 : name == "partition" ? &options->partition
                 : name == "rot"       ? &options->rot
                 : name == "full"      ? &options->full_disk
                                       : nullptr;
    if (slot == nullptr) {
      config::ExitWithError(kProgram, "--faults: unknown kind '" + name +
                                      "' (crash, machine, master, partition, rot, full)", 2);
    }
    *slot = true;
  }
}

int Scale(const config::CommandLine& cli) {
  testing::ScaleOptions options;
  options.chunkservers = static_cast<int>(Number(cli, "--chunkservers", 1000));
  options.clients = static_cast<int>(Number(cli, "--clients", 100));
  options.seconds = static_cast<int>(Number(cli, "--seconds", 20));
  const auto r = testing::RunScale(Number(cli, "--seed", 1), options);
  std::printf("bucket-sim --scale: %d chunkservers, %d clients, %.0f s simulated\n",
              options.chunkservers, options.clients, r.simulated_seconds);
  std::printf("master CPU: %.2f s in all (%.0f%% of one core at this load)\n",
              r.master_cpu_seconds, 100 * r.master_cpu_seconds / r.simulated_seconds);
  std::printf("  %llu heartbeats: %.1f us each\n", static_cast<unsigned long long>(r.heartbeats),
              r.master_us_per_heartbeat);
  std::printf("  %llu client requests: %.1f us each\n",
              static_cast<unsigned long long>(r.requests), r.master_us_per_request);
  for (const auto& [kind, us] : r.us_per_kind) std::printf("  %-24s %8.1f us\n", kind.c_str(), us);
  if (!r.ready || r.heartbeats == 0 || r.failed_requests > 0) {
    std::printf("FAILED: %s, %llu requests not answered OK\n",
                r.ready ? "the cluster came up" : "the cluster never became ready",
                static_cast<unsigned long long>(r.failed_requests));
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  config::CommandLine cli(
      kProgram, "[--seed N[,N...] | --seeds K [--first S]] [options] | --scale [options]",
      "Runs the real Bucket actors of a whole cluster in one process on a simulated\n"
      "network, clock and disks, under a random workload and random faults driven by\n"
      "one seed, and checks GFS's invariants during and after each run. A failing run\n"
      "prints its seed; --seed N replays it exactly (same events, same order).");
  cli.Option("--seed", "N[,N...]", "run (or replay) these seeds");
  cli.Option("--seeds", "K", "run K seeds, from --first on", "10");
  cli.Option("--first", "S", "the first of --seeds", "1");
  cli.Option("--rounds", "R", "workload rounds per run", "40");
  cli.Option("--chunkservers", "N", "chunkservers", "5 (--scale: 1000)");
  cli.Option("--clients", "M", "clients", "3 (--scale: 100)");
  cli.Option("--mix", "LIST", "workload weights: write=4,append=3,read=2,namespace=2,snapshot=1");
  cli.Option("--drop", "P", "probability a message is dropped while faults run", "0.01");
  cli.Option("--duplicate", "P", "probability a message is delivered twice", "0.01");
  cli.Flag("--no-faults", "no crashes, partitions, rot or full disks, and no message faults");
  cli.Option("--faults", "LIST", "only these kinds: crash,machine,master,partition,rot,full",
             "all of them");
  cli.Flag("--no-reorder", "keep each link in order (as one TCP connection)");
  cli.Flag("--trace", "print every simulated event");
  cli.Flag("--logs", "print every node's log lines (debug level) on stderr");
  cli.Flag("--check-replay", "run each seed twice and fail if the two runs differ");
  cli.Flag("--scale", "many chunkservers and clients against one master: its CPU per message");
  cli.Option("--seconds", "S", "--scale: simulated seconds", "20");
  cli.Example("bucket-sim --seeds 100");
  cli.Example("bucket-sim --seed 17 --trace | less");
  cli.Example("bucket-sim --scale --chunkservers 1000 --clients 100");
  cli.ParseOrExit(argc, argv);
  if (cli.Has("--scale")) return Scale(cli);

  testing::SimRunOptions options;
  options.rounds = static_cast<int>(Number(cli, "--rounds", options.rounds));
  options.chunkservers = static_cast<int>(Number(cli, "--chunkservers", options.chunkservers));
  options.clients = static_cast<int>(Number(cli, "--clients", options.clients));
  options.faults = !cli.Has("--no-faults");
  options.reorder = !cli.Has("--no-reorder");
  options.drop = Probability(cli, "--drop", options.drop);
  options.duplicate = Probability(cli, "--duplicate", options.duplicate);
  options.trace = cli.Has("--trace");
  options.node_logs = cli.Has("--logs");
  if (cli.Has("--mix")) ParseMix(cli.Get("--mix"), &options);
  if (cli.Has("--faults")) ParseFaults(cli.Get("--faults"), &options);
  if (options.chunkservers < 3 || options.clients < 1 || options.rounds < 1) {
    config::ExitWithError(kProgram, "needs at least 3 chunkservers, 1 client and 1 round", 2);
  }
  const std::vector<std::uint64_t> seeds = SeedsToRun(cli);

  int failed = 0;
  const auto started = std::chrono::steady_clock::now();
  for (std::uint64_t seed : seeds) {
    auto result = testing::RunSimulation(seed, options);
    if (cli.Has("--check-replay")) {
      const auto again = testing::RunSimulation(seed, options);
      if (again.trace_hash != result.trace_hash || again.events != result.events) {
        result.violations.push_back("a replay of the seed took a different course (" +
                                    std::to_string(result.events) + " vs " +
                                    std::to_string(again.events) + " events)");
      }
    }
    std::printf("seed %llu: %s  %llu events, %.1f s simulated, %llu writes, %llu appends, "
                "%llu namespace ops acknowledged, %llu failed, %llu faults, repaired in %.1f s, "
                "trace %016llx\n",
                static_cast<unsigned long long>(seed), result.ok() ? "ok" : "FAILED",
                static_cast<unsigned long long>(result.events), result.simulated_ms / 1000.0,
                static_cast<unsigned long long>(result.acked_writes),
                static_cast<unsigned long long>(result.acked_appends),
                static_cast<unsigned long long>(result.acked_namespace),
                static_cast<unsigned long long>(result.failed_ops),
                static_cast<unsigned long long>(result.faults_injected), result.repair_ms / 1000.0,
                static_cast<unsigned long long>(result.trace_hash));
    if (!result.ok()) {
      ++failed;
      for (const auto& v : result.violations) std::printf("  violation: %s\n", v.c_str());
      std::printf("  replay: bucket-sim --seed %llu%s\n", static_cast<unsigned long long>(seed),
                  options.faults ? "" : " --no-faults");
    }
    std::fflush(stdout);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%zu seeds, %d failed, %.1f s\n", seeds.size(), failed,
              seconds);
  return failed == 0 ? 0 : 1;
}
