// bucket-bench: throughput and metadata benchmarks against a real cluster on
// loopback, started for the run or already running.
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "actors/runtime/bulk_memory.h"
#include "client/json_writer.h"
#include "config/command_line.h"
#include "config/load_config.h"
#include "config/units.h"
#include "nodes/bench/bench_cluster.h"
#include "nodes/bench/data_bench.h"
#include "nodes/bench/limits_bench.h"
#include "nodes/bench/memory_bench.h"
#include "nodes/bench/meta_bench.h"

using namespace bucket;

namespace {

const char* kProgram = "bucket-bench";

int ParseInt(const config::CommandLine& cli, const char* flag, int fallback) {
  if (!cli.Has(flag)) return fallback;
  try {
    return std::stoi(cli.Get(flag));
  } catch (...) {
    config::ExitWithError(kProgram, std::string(flag) + " needs a number", 2);
  }
}

// A benchmark that failed once its cluster is up: returning (not exiting)
// lets the cluster's destructor stop the processes it started.
int Fail(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", kProgram, message.c_str());
  return 1;
}

int Meta(const config::CommandLine& cli, bench::BenchCluster& cluster) {
  bench::MetaOptions options;
  options.clients = ParseInt(cli, "--clients", 8);
  options.files = ParseInt(cli, "--files", 200000);
  options.depth = ParseInt(cli, "--depth", 16);
  pid_t master_pid = 0;
  for (const auto& [name, pid] : cluster.Pids()) {
    if (name == "master") master_pid = pid;
  }
  std::map<std::string, std::uint64_t> rss;
  auto results = bench::RunMetaBench(cluster.client(), options, [&](const std::string& phase) {
    if (master_pid != 0) rss[phase] = bench::ResidentBytes(master_pid);
  });
  if (!results.ok()) return Fail(results.status().ToString());
  // A checkpoint running off the loop holds a second copy of the state for a
  // while; the reading after the stats (nothing added) sees it gone or not.
  const std::uint64_t after_create = std::min(rss["create"], rss["stat"]);
  const double per_file =
      rss.count("create") && options.files > 0
          ? static_cast<double>(after_create - rss["start"]) / options.files
          : 0;
  const bench::StructureMemory structures = bench::MeasureMasterStructures(1000000, 1000000);
  if (cli.Has("--json")) {
    client::JsonWriter json;
    json.BeginObject().Field("benchmark", std::string("meta"))
        .Field("clients", options.clients).Field("depth", options.depth)
        .Field("files", options.files);
    json.Key("phases").BeginArray();
    for (const auto& r : *results) {
      json.BeginObject().Field("phase", r.name).Field("ops", r.ops).Field("errors", r.errors)
          .Field("seconds", r.seconds).Field("ops_per_s", r.ops_per_s()).EndObject();
    }
    json.EndArray();
    if (master_pid != 0) {
      json.Field("master_rss_start_bytes", rss["start"])
          .Field("master_rss_after_create_bytes", rss["create"])
          .Field("master_rss_after_stat_bytes", rss["stat"])
          .Field("master_bytes_per_file", per_file);
    }
    json.Field("structure_bytes_per_file", structures.bytes_per_file)
        .Field("structure_bytes_per_chunk", structures.bytes_per_chunk);
    json.EndObject();
    std::puts(json.text().c_str());
    return 0;
  }
  std::printf("bucket-bench meta: %d clients, %d requests in flight each, %d files, durable "
              "operation log\n\n",
              options.clients, options.depth, options.files);
  std::printf("%-8s %10s %8s %10s %12s\n", "phase", "ops", "errors", "seconds", "ops/s");
  for (const auto& r : *results) {
    std::printf("%-8s %10llu %8llu %10.3f %12.0f\n", r.name.c_str(),
                static_cast<unsigned long long>(r.ops), static_cast<unsigned long long>(r.errors),
                r.seconds, r.ops_per_s());
  }
  if (master_pid != 0) {
    std::printf("\nmaster resident memory: %s at start, %s after the creates, %s after the "
                "stats: %.0f bytes per file\n",
                config::FormatSize(rss["start"]).c_str(), config::FormatSize(rss["create"]).c_str(),
                config::FormatSize(rss["stat"]).c_str(), per_file);
  }
  std::printf("master structures, measured in this process: %.0f bytes per file (1M empty "
              "files), %.0f bytes per chunk (1M chunks, 3 replicas each)\n",
              structures.bytes_per_file, structures.bytes_per_chunk);
  return 0;
}

std::uint64_t ParseSizeFlag(const config::CommandLine& cli, const char* flag,
                            std::uint64_t fallback) {
  if (!cli.Has(flag)) return fallback;
  auto size = config::ParseSize(cli.Get(flag));
  if (!size.ok()) config::ExitWithError(kProgram, std::string(flag) + ": " + size.status().message(), 2);
  return *size;
}

std::vector<int> Replications(const config::CommandLine& cli) {
  if (!cli.Has("--replication")) return {1, 3};
  const int r = ParseInt(cli, "--replication", 3);
  if (r < 1 || r > 3) config::ExitWithError(kProgram, "--replication must be 1, 2 or 3", 2);
  return {r};
}

// The raw limit a data figure is a share of: the chain through as many hops as
// replicas for writes and appends, one hop for reads; a buffered file read for
// reads done mostly by short-circuit reads (from the chunk files themselves).
// With --secure, the limit is the same chain with CurveZMQ on every link.
void AttachLimit(bench::Figure& figure, const std::vector<bench::Figure>& limits, bool secure) {
  const int hops = figure.name == "write" || figure.name == "append" ? figure.replication : 1;
  figure.limit = (secure ? "zmq-chain-curve-" : "zmq-chain-") + std::to_string(hops);
  if (figure.local_read_share > 0.5) figure.limit = "file-read";
  if (const auto* limit = bench::FindFigure(limits, figure.limit)) {
    figure.limit_bytes_per_s = limit->median();
  }
}

void PrintFigures(const char* title, const std::vector<bench::Figure>& figures) {
  std::printf("%s\n%-16s %7s %5s %9s %9s %9s  %-18s %6s %9s\n", title, "figure", "clients",
              "repl", "MB/s", "min", "max", "limit", "share", "cpu s/GB");
  for (const auto& f : figures) {
    const std::string repl = f.replication > 0 ? std::to_string(f.replication) : "-";
    const std::string share = f.limit.empty() ? "" : std::to_string(static_cast<int>(100 * f.ratio() + 0.5)) + "%";
    char cpu[32] = "";
    if (!f.cpu_seconds_per_gb.empty()) {
      std::snprintf(cpu, sizeof cpu, "%.2f", f.median_cpu_seconds_per_gb());
    }
    std::printf("%-16s %7d %5s %9.0f %9.0f %9.0f  %-18s %6s %9s\n", f.name.c_str(), f.clients,
                repl.c_str(), f.median() / 1e6, f.min() / 1e6, f.max() / 1e6,
                f.limit.empty() ? "-" : f.limit.c_str(), share.c_str(), cpu);
  }
  std::printf("(median of the runs; MB/s is 10^6 bytes per second; cpu s/GB is the whole\n"
              " machine's busy CPU-seconds, all cores, per 10^9 bytes)\n\n");
}

void FigureJson(client::JsonWriter& json, const bench::Figure& f) {
  json.BeginObject().Field("name", f.name).Field("clients", f.clients)
      .Field("replication", f.replication).Field("median_bytes_per_s", f.median())
      .Field("min_bytes_per_s", f.min()).Field("max_bytes_per_s", f.max());
  json.Key("runs_bytes_per_s").BeginArray();
  for (double r : f.bytes_per_s) json.Double(r);
  json.EndArray();
  if (!f.cpu_seconds_per_gb.empty()) {
    json.Field("median_cpu_seconds_per_gb", f.median_cpu_seconds_per_gb());
  }
  if (f.name.rfind("read", 0) == 0) json.Field("local_read_share", f.local_read_share);
  if (!f.limit.empty()) {
    json.Field("limit", f.limit).Field("limit_bytes_per_s", f.limit_bytes_per_s)
        .Field("share_of_limit", f.ratio());
  }
  json.EndObject();
}

// write, read, append or data (all three), with the limits measured first.
int Data(const config::CommandLine& cli, const std::string& which, bench::BenchCluster& cluster,
         const std::string& dir) {
  bench::DataOptions options;
  options.clients = ParseInt(cli, "--clients", 4);
  options.runs = ParseInt(cli, "--runs", 3);
  options.file_size = ParseSizeFlag(cli, "--size", options.file_size);
  options.chunk_size = ParseSizeFlag(cli, "--chunk-size", options.chunk_size);
  if (options.clients < 1 || options.runs < 1 || options.file_size < options.record_size) {
    config::ExitWithError(kProgram, "--clients and --runs must be at least 1, --size at least 64KiB", 2);
  }
  const auto replications = Replications(cli);
  bench::LimitOptions limit_options;
  limit_options.bytes = options.file_size;
  limit_options.runs = options.runs;
  limit_options.file_dir = dir;
  limit_options.curve = cli.Has("--secure");
  limit_options.chain_hops.clear();
  for (int r : replications) {
    if (r != 1) limit_options.chain_hops.push_back(r);
  }
  limit_options.chain_hops.insert(limit_options.chain_hops.begin(), 1);
  auto limits = bench::MeasureLimits(limit_options);
  if (!limits.ok()) return Fail(limits.status().ToString());
  if (which == "limits") {
    if (cli.Has("--json")) {
      client::JsonWriter json;
      json.BeginObject().Field("benchmark", which).Key("limits").BeginArray();
      for (const auto& f : *limits) FigureJson(json, f);
      json.EndArray().EndObject();
      std::puts(json.text().c_str());
    } else {
      PrintFigures("limits of this machine", *limits);
    }
    return 0;
  }
  auto held = bench::HeldChunks(cluster.client());
  if (!held.ok()) return Fail(held.status().ToString());
  options.chunks_before = *held;
  std::vector<bench::Figure> figures;
  for (int r : replications) {
    auto run = [&](auto bench_fn) -> Status {
      auto got = bench_fn(cluster.client(), options, r);
      if (!got.ok()) return got.status();
      for (auto& f : *got) {
        AttachLimit(f, *limits, cli.Has("--secure"));
        figures.push_back(std::move(f));
      }
      return Status::Ok();
    };
    Status ran;
    if (ran.ok() && (which == "write" || which == "data")) ran = run(bench::BenchWrite);
    if (ran.ok() && (which == "read" || which == "data")) ran = run(bench::BenchRead);
    if (ran.ok() && (which == "append" || which == "data")) ran = run(bench::BenchAppend);
    if (!ran.ok()) return Fail(ran.ToString());
  }
  std::vector<std::pair<std::string, std::uint64_t>> peaks;
  for (const auto& [name, pid] : cluster.Pids()) peaks.emplace_back(name, bench::PeakResidentBytes(pid));
  if (cli.Has("--json")) {
    client::JsonWriter json;
    json.BeginObject().Field("benchmark", which).Field("file_size", options.file_size)
        .Field("chunk_size", options.chunk_size).Field("runs", options.runs);
    json.Key("figures").BeginArray();
    for (const auto& f : figures) FigureJson(json, f);
    json.EndArray().Key("limits").BeginArray();
    for (const auto& f : *limits) FigureJson(json, f);
    json.EndArray().Key("peak_rss_bytes").BeginObject();
    for (const auto& [name, peak] : peaks) json.Field(name, peak);
    json.EndObject().EndObject();
    std::puts(json.text().c_str());
    return 0;
  }
  std::printf("bucket-bench %s: %s per run, chunks of %s, %d runs (median, min, max)\n\n",
              which.c_str(), config::FormatSize(options.file_size).c_str(),
              config::FormatSize(options.chunk_size).c_str(), options.runs);
  PrintFigures("the cluster", figures);
  PrintFigures("limits of this machine (same run)", *limits);
  if (!peaks.empty()) {
    std::printf("peak resident memory:");
    for (const auto& [name, peak] : peaks) {
      std::printf(" %s %s", name.c_str(), config::FormatSize(peak).c_str());
    }
    std::printf("\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Received pieces' memory is reused rather than faulted in afresh (see bulk_memory.h).
  bucket::runtime::KeepFreedMemoryForReuse(256u << 20);
  config::CommandLine cli(
      kProgram,
      "write|read|append|data|limits|meta [options] [--master ENDPOINT | --config client.toml]",
      "Benchmarks a Bucket cluster. Without --master or --config it starts a local cluster\n"
      "(1 master + 3 chunkservers on loopback, in a new folder under --dir) for the run.\n\n"
      "  write   sequential write of new files, by 1 client and by C at once\n"
      "  read    sequential (streamed) and random reads of --read-size, 1 client and C,\n"
      "          by short-circuit reads of replicas on this host (read, read-random)\n"
      "          and through the chunkservers (read-net, read-random-net)\n"
      "  append  record append of 64KiB records to one file, by 1 client and by C\n"
      "  data    write, read and append\n"
      "  limits  this machine's raw limits: ZeroMQ PUSH/PULL chains over loopback,\n"
      "          memcpy, CRC32C, buffered file write and read\n"
      "  meta    C clients create, stat, list and delete N files; operations per second,\n"
      "          and the master's resident memory per file\n\n"
      "write, read, append and data measure the limits first, give each figure as a\n"
      "share of its limit, and end with each node's peak resident memory.");
  cli.Option("--clients", "C", "concurrent clients", "4 (meta: 8)");
  cli.Option("--size", "SIZE", "bytes moved per run, split among the clients", "1GiB");
  cli.Option("--chunk-size", "SIZE", "chunk size of the benchmark's files", "64MiB");
  cli.Option("--replication", "R", "only this replication factor", "1 and 3");
  cli.Option("--runs", "N", "runs per figure", "3");
  cli.Option("--dir", "DIR", "where a started cluster keeps its data", "/tmp");
  cli.Option("--files", "N", "files to create (meta)", "200000");
  cli.Option("--depth", "D", "requests in flight per client (meta)", "16");
  cli.Option("--master", "ENDPOINT", "use the running cluster whose master's rpc is ENDPOINT");
  cli.Option("--config", "FILE", "use the running cluster named by this client.toml");
  cli.Flag("--json", "one JSON object instead of a table");
  cli.Flag("--secure", "start the cluster with CurveZMQ on (init --secure); limits add encrypted chains");
  cli.Example("bucket-bench write --replication 3 --size 1GiB");
  cli.Example("bucket-bench data --json > figures.json");
  cli.Example("bucket-bench meta --clients 8 --files 200000");
  cli.ParseOrExit(argc, argv);
  if (cli.positional().empty()) config::ExitWithError(kProgram, "no benchmark given (try data)", 2);
  const std::string which = cli.positional()[0];
  const std::set<std::string> known = {"write", "read", "append", "data", "limits", "meta"};
  if (known.count(which) == 0) {
    config::ExitWithError(kProgram, "unknown benchmark '" + which + "' (write, read, append, data, limits or meta)", 2);
  }
  const std::string dir = cli.Has("--dir") ? cli.Get("--dir") : "/tmp";
  if (which == "limits") {
    bench::BenchCluster none = bench::BenchCluster::Existing({});
    return Data(cli, which, none, dir);
  }

  std::optional<bench::BenchCluster> cluster;
  if (cli.Has("--config") || cli.Has("--master")) {
    config::ClientConfig client;
    if (cli.Has("--config")) {
      auto loaded = config::LoadClientConfig(cli.Get("--config"));
      if (!loaded.ok()) config::ExitWithError(kProgram, loaded.status().message());
      client = *loaded;
    }
    if (cli.Has("--master")) client.master_rpc = cli.Get("--master");
    cluster.emplace(bench::BenchCluster::Existing(client));
  } else {
    bench::StartOptions start;
    start.parent_dir = dir;
    start.secure = cli.Has("--secure");
    auto started = bench::BenchCluster::Start(start);
    if (!started.ok()) config::ExitWithError(kProgram, started.status().ToString());
    cluster.emplace(std::move(*started));
  }
  if (which == "meta") return Meta(cli, *cluster);
  return Data(cli, which, *cluster, dir);
}
